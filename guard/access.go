package guard

import (
	"errors"
	"fmt"
	"net/http"
	"net/netip"
)

// readAccess applies the read rules to a caller at ip whose request is r
// (nil: no credentials). The address comes first: a caller outside both
// lists is refused whatever it presents.
func (g *Guard) readAccess(ip netip.Addr, r *http.Request) error {
	inAllow := !g.cfg.Allow.Empty() && g.cfg.Allow.Contains(ip)
	if !inAllow && !g.cfg.AllowRead.Empty() && !g.cfg.AllowRead.Contains(ip) {
		return &DeniedError{Addr: ip.Unmap(), Action: "read"}
	}
	if inAllow || !g.auth.enabled {
		return nil
	}
	if r != nil && ((isPage(r) && g.noAuth[r.URL.Path]) || g.auth.match(r)) {
		return nil
	}
	return fmt.Errorf("%w: reading here needs the admin user and password (HTTP basic auth)", ErrUnauthorized)
}

func (g *Guard) countReadRefusal(err error) {
	if errors.Is(err, ErrUnauthorized) {
		g.authRefused.Add(1)
	} else {
		g.readsDenied.Add(1)
	}
}

// isPage reports whether r asks for a page rather than making a call.
func isPage(r *http.Request) bool {
	return r.Method == http.MethodGet || r.Method == http.MethodHead
}
