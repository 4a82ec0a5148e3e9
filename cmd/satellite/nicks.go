package main

import (
	"context"

	"relayd/rpc"
)

// maxNicks bounds the cache; past it, it starts afresh.
const maxNicks = 10000

// nickCache maps host_ids to nicks, asking the relay once per host_id
// (relay.get_satellite_props). A failed look-up is not cached: the next
// notification from that sender asks again. It is used from the handler
// goroutine only, so it needs no lock.
type nickCache struct {
	client *rpc.Client
	relay  string
	known  map[string]string
}

func newNickCache(client *rpc.Client, relay string) *nickCache {
	return &nickCache{client: client, relay: relay, known: map[string]string{}}
}

// name returns hostID's nick, or hostID itself when the relay cannot say.
func (c *nickCache) name(ctx context.Context, hostID string) string {
	if nick, ok := c.known[hostID]; ok {
		return nick
	}
	props, err := c.client.Call(ctx, c.relay, "relay.get_satellite_props",
		rpc.Struct(rpc.Member{Name: "host_id", Value: rpc.String(hostID)}))
	if err != nil {
		return hostID
	}
	nick := hostID
	if v, ok := props.Get("nick"); ok && v.Kind == rpc.KindString && v.Str != "" {
		nick = v.Str
	}
	if len(c.known) >= maxNicks {
		clear(c.known)
	}
	c.known[hostID] = nick
	return nick
}
