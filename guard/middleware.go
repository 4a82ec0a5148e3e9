package guard

import (
	"context"
	"errors"
	"net/http"
	"net/netip"
	"strconv"
	"sync/atomic"
)

// requestKey is the context key of a request's *requestState.
type requestKey struct{}

// requestState is what Handler learnt of a request, for the method
// handlers it carries: whether its caller may read, and whether the
// request's token has paid for a call yet.
type requestState struct {
	readErr error
	prepaid atomic.Int32
}

// Handler wraps next with the HTTP side of the rules: the per-address
// request rate for everything (429 with Retry-After), and the read rules
// for pages (403 for the address, 401 with WWW-Authenticate for
// credentials). Other requests (XML-RPC's POST) go on to next with the
// caller's read permission and one prepaid call in their context, for
// CheckRead and ChargeCall.
func (g *Guard) Handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ip := remoteAddr(r)
		if ok, wait := g.requests.Allow(ip, g.now()); !ok {
			g.requestsLimited.Add(1)
			g.log.Debug("request refused: rate", "addr", ip, "retry_after", wait)
			err := &RateLimitError{What: "requests", Addr: ip, RetryAfter: wait}
			w.Header().Set("Retry-After", strconv.Itoa(RetrySeconds(wait)))
			http.Error(w, err.Error(), http.StatusTooManyRequests)
			return
		}
		readErr := g.readAccess(ip, r)
		if isPage(r) {
			if readErr != nil {
				g.refusePage(w, ip, readErr)
				return
			}
			next.ServeHTTP(w, r)
			return
		}
		st := &requestState{readErr: readErr}
		st.prepaid.Store(1)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), requestKey{}, st)))
	})
}

// refusePage answers a page the caller may not read.
func (g *Guard) refusePage(w http.ResponseWriter, ip netip.Addr, err error) {
	g.countReadRefusal(err)
	g.log.Debug("page refused", "addr", ip, "reason", err)
	if errors.Is(err, ErrUnauthorized) {
		w.Header().Set("WWW-Authenticate", `Basic realm="`+Realm+`"`)
		http.Error(w, "401 unauthorized: "+err.Error(), http.StatusUnauthorized)
		return
	}
	http.Error(w, "403 forbidden: "+err.Error(), http.StatusForbidden)
}

// remoteAddr is the address of the TCP peer (never a header), unmapped;
// the zero Addr when there is none.
func remoteAddr(r *http.Request) netip.Addr {
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return netip.Addr{}
	}
	return ap.Addr().Unmap()
}
