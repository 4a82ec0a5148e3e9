package guard

import (
	"container/list"
	"net/netip"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// IPLimiter gives every client address its own token bucket: Rate tokens
// a second, up to Burst saved. Its table is bounded: an address is
// forgotten once its bucket has been full again for a while (forgetting
// a full bucket loses nothing: a new one starts full), and when the table
// is at MaxAddrs anyway the address seen longest ago is dropped (and
// counted), which gives that address a fresh bucket: a caller with more
// addresses than the table holds can get more than its share, never less
// memory than MaxAddrs entries cost. It is safe for concurrent use and
// starts no goroutine; time comes in as an argument.
type IPLimiter struct {
	limit     rate.Limit
	burst     int
	maxAddrs  int
	refilled  time.Duration // how long an idle bucket takes to be full again
	unlimited bool

	mu      sync.Mutex
	byAddr  map[netip.Addr]*list.Element // of *bucket
	recent  list.List                    // front: seen last
	evicted uint64
}

// bucket is one address's tokens and when it last asked for one.
type bucket struct {
	key  netip.Addr
	lim  *rate.Limiter
	seen time.Time
}

// NewIPLimiter returns a limiter of perSecond tokens a second per address,
// bursts of burst (at least 1) and a table of at most maxAddrs addresses
// (at least 1). perSecond <= 0 means unlimited: Allow always says yes and
// remembers nothing.
func NewIPLimiter(perSecond float64, burst, maxAddrs int) *IPLimiter {
	burst = max(burst, 1)
	l := &IPLimiter{
		limit:     rate.Limit(perSecond),
		burst:     burst,
		maxAddrs:  max(maxAddrs, 1),
		unlimited: perSecond <= 0,
		byAddr:    map[netip.Addr]*list.Element{},
	}
	if !l.unlimited {
		l.refilled = time.Duration(float64(burst) / perSecond * float64(time.Second))
	}
	return l
}

// Key is the table key of ip: an IPv4 address (IPv4-mapped ones unmapped)
// as it is, an IPv6 address as its /64, the block one host or one
// customer usually holds, so that one host cannot mint fresh buckets.
func Key(ip netip.Addr) netip.Addr {
	ip = ip.Unmap().WithZone("")
	if ip.Is6() {
		return netip.PrefixFrom(ip, 64).Masked().Addr()
	}
	return ip
}

// Allow takes one token of ip's bucket at now. When there is none it
// takes nothing and returns false and how long until there is one.
func (l *IPLimiter) Allow(ip netip.Addr, now time.Time) (bool, time.Duration) {
	if l.unlimited {
		return true, 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.bucketFor(Key(ip), now)
	b.seen = now
	res := b.lim.ReserveN(now, 1)
	if wait := res.DelayFrom(now); wait > 0 {
		res.CancelAt(now)
		return false, wait
	}
	return true, 0
}

// bucketFor finds or makes key's bucket and marks it seen last. Making one
// first forgets the buckets that are full again, then, at the bound, the
// one seen longest ago. l.mu is held.
func (l *IPLimiter) bucketFor(key netip.Addr, now time.Time) *bucket {
	if e, ok := l.byAddr[key]; ok {
		l.recent.MoveToFront(e)
		return e.Value.(*bucket)
	}
	for e := l.recent.Back(); e != nil; e = l.recent.Back() {
		full := now.Sub(e.Value.(*bucket).seen) >= l.refilled
		if !full && len(l.byAddr) < l.maxAddrs {
			break
		}
		if !full {
			l.evicted++
		}
		l.forget(e)
	}
	b := &bucket{key: key, lim: rate.NewLimiter(l.limit, l.burst), seen: now}
	l.byAddr[key] = l.recent.PushFront(b)
	return b
}

func (l *IPLimiter) forget(e *list.Element) {
	delete(l.byAddr, e.Value.(*bucket).key)
	l.recent.Remove(e)
}

// Len is the number of addresses in the table now.
func (l *IPLimiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.byAddr)
}

// Evicted counts the addresses dropped, before their bucket was full
// again, because the table was full.
func (l *IPLimiter) Evicted() uint64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.evicted
}
