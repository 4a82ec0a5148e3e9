package rpc

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/netip"
	"runtime/debug"
	"sort"
	"strconv"
	"sync"
	"time"
)

// Handler answers one call with its decoded parameters. An error that is
// (or wraps) a *Fault goes back to the caller as that fault; any other error
// is logged and answered with a generic -32603, so no internal detail leaks.
type Handler func(ctx context.Context, params []Value) (Value, error)

// Method is one callable method under one or more names.
type Method struct {
	// Names are every name the method answers to; Names[0] is the primary
	// one, shown first in the pages.
	Names []string
	// Help is the one-paragraph description methodHelp returns.
	Help string
	// Signature is the standard introspection form: each entry is
	// [return type, param types...]. Nil means "undef".
	Signature [][]string
	// Args names the keys of the method's parameter struct, for the co2
	// signature form; ArgDefaults gives the defaults of the optional ones.
	Args        []string
	ArgDefaults []Member
	// Handler does the work.
	Handler Handler
}

// ServerConfig configures a Server. DefaultServerConfig documents the defaults.
type ServerConfig struct {
	// Limits bounds every request body and what the decoder accepts.
	Limits Limits
	// MaxMulticall is the most calls one system.multicall may carry.
	MaxMulticall int
	// Pages answers GET and HEAD requests; nil answers 404.
	Pages http.Handler
	// ReadHeaderTimeout, ReadTimeout, WriteTimeout and IdleTimeout bound a
	// connection (slowloris); MaxHeaderBytes bounds the request headers.
	// They are used by HTTPServer.
	ReadHeaderTimeout time.Duration
	ReadTimeout       time.Duration
	WriteTimeout      time.Duration
	IdleTimeout       time.Duration
	MaxHeaderBytes    int
	// Logger receives one line per internal error or recovered panic.
	Logger *slog.Logger
}

// DefaultServerConfig returns the defaults: DefaultLimits (1 MiB bodies),
// 100 calls per multicall, 5 s to read headers, 15 s to read a request and
// to write a reply, 60 s idle keep-alive, 16 KiB of headers.
func DefaultServerConfig() ServerConfig {
	return ServerConfig{
		Limits:            DefaultLimits(),
		MaxMulticall:      100,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      15 * time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    16 << 10,
	}
}

// Server is an XML-RPC http.Handler: POST on any path is a call, GET and
// HEAD go to the page handler. Register every method before serving;
// the method table is read-only afterwards, so serving needs no lock.
type Server struct {
	cfg     ServerConfig
	log     *slog.Logger
	byName  map[string]*Method
	methods []*Method // registration order
	bufs    sync.Pool // *exchange
}

// exchange holds the buffers of one request, reused through a pool.
type exchange struct {
	in  bytes.Buffer
	out []byte
}

// NewServer returns a server that already answers the introspection names
// of PROTOCOL.md section 2 and system.multicall.
func NewServer(cfg ServerConfig) *Server {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	cfg.Limits = cfg.Limits.orDefaults() // the body cap too, not only the decoder's
	s := &Server{cfg: cfg, log: cfg.Logger, byName: map[string]*Method{}}
	s.bufs.New = func() any { return new(exchange) }
	s.registerIntrospection()
	s.mustRegister(Method{
		Names:     []string{"system.multicall"},
		Help:      "Run several calls in one request: takes an array of {methodName, params} structs and returns an array in which each success is a one-element array and each failure a fault struct, in the same order. Nested multicalls are refused.",
		Signature: [][]string{{"array", "array"}},
		Args:      []string{"calls"},
		Handler:   s.multicall,
	})
	return s
}

// Register adds a method. A name already taken is an error.
func (s *Server) Register(m Method) error {
	if len(m.Names) == 0 || m.Handler == nil {
		return errors.New("rpc: a method needs a name and a handler")
	}
	for _, n := range m.Names {
		if !validMethodName(n, s.cfg.Limits.MaxMethodNameBytes) {
			return fmt.Errorf("rpc: invalid method name %q", n)
		}
		if _, dup := s.byName[n]; dup {
			return fmt.Errorf("rpc: method name %q registered twice", n)
		}
	}
	mc := m
	for _, n := range m.Names {
		s.byName[n] = &mc
	}
	s.methods = append(s.methods, &mc)
	return nil
}

func (s *Server) mustRegister(m Method) {
	if err := s.Register(m); err != nil {
		panic(err)
	}
}

// Methods returns every method in registration order (for pages).
func (s *Server) Methods() []Method {
	out := make([]Method, len(s.methods))
	for i, m := range s.methods {
		out[i] = *m
	}
	return out
}

// Names returns every callable name, sorted.
func (s *Server) Names() []string {
	names := make([]string, 0, len(s.byName))
	for n := range s.byName {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Lookup returns the method called name.
func (s *Server) Lookup(name string) (Method, bool) {
	m, ok := s.byName[name]
	if !ok {
		return Method{}, false
	}
	return *m, true
}

// HTTPServer returns an http.Server for addr that serves s with the
// configured timeouts and header limit.
func (s *Server) HTTPServer(addr string) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           s,
		ReadHeaderTimeout: s.cfg.ReadHeaderTimeout,
		ReadTimeout:       s.cfg.ReadTimeout,
		WriteTimeout:      s.cfg.WriteTimeout,
		IdleTimeout:       s.cfg.IdleTimeout,
		MaxHeaderBytes:    s.cfg.MaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelDebug),
	}
}

type peerKey struct{}

// Peer returns the TCP source address of the HTTP request that carries the
// call being handled (never a header), or false outside a request.
func Peer(ctx context.Context) (netip.AddrPort, bool) {
	ap, ok := ctx.Value(peerKey{}).(netip.AddrPort)
	return ap, ok
}

// WithPeer returns ctx carrying peer as the caller's address (for tests and
// for calls made in-process).
func WithPeer(ctx context.Context, peer netip.AddrPort) context.Context {
	return context.WithValue(ctx, peerKey{}, peer)
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodPost:
	case http.MethodGet, http.MethodHead:
		if s.cfg.Pages != nil {
			s.cfg.Pages.ServeHTTP(w, r)
			return
		}
		http.NotFound(w, r)
		return
	default:
		w.Header().Set("Allow", "POST, GET, HEAD")
		http.Error(w, "XML-RPC takes POST", http.StatusMethodNotAllowed)
		return
	}

	ex := s.bufs.Get().(*exchange)
	defer s.putExchange(ex)
	if status, msg := s.readBody(r, &ex.in); status != 0 {
		http.Error(w, msg, status)
		return
	}

	ctx := r.Context()
	if ap, err := netip.ParseAddrPort(r.RemoteAddr); err == nil {
		ctx = WithPeer(ctx, netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port()))
	}

	var result Value
	call, err := DecodeCall(ex.in.Bytes(), s.cfg.Limits)
	if err == nil {
		result, err = s.Call(ctx, call.Method, call.Params)
	}
	out := ex.out[:0]
	if err == nil {
		var encErr error
		out, encErr = AppendResponse(out, result)
		if encErr != nil {
			s.log.Error("cannot encode reply", "method", call.Method, "err", encErr)
			err = Faultf(CodeInternal, "internal error: the reply could not be encoded")
		}
	}
	if err != nil {
		out = AppendFault(out[:0], s.fault(call.Method, err))
	}
	h := w.Header()
	h.Set("Content-Type", "text/xml")
	h.Set("Content-Length", strconv.Itoa(len(out)))
	w.WriteHeader(http.StatusOK)
	w.Write(out)
	ex.out = out
}

// putExchange returns buffers to the pool unless a huge request or reply
// made them too big to keep around.
func (s *Server) putExchange(ex *exchange) {
	if ex.in.Cap() > 256<<10 || cap(ex.out) > 256<<10 {
		return
	}
	ex.in.Reset()
	ex.out = ex.out[:0]
	s.bufs.Put(ex)
}

// readBody reads the (possibly gzipped) request body into buf under the
// body limit. It returns a non-zero HTTP status when the body is refused.
func (s *Server) readBody(r *http.Request, buf *bytes.Buffer) (int, string) {
	max := s.cfg.Limits.MaxBodyBytes
	if r.ContentLength > max {
		return http.StatusRequestEntityTooLarge, fmt.Sprintf("request body over %d bytes", max)
	}
	var body io.Reader = r.Body
	switch enc := r.Header.Get("Content-Encoding"); enc {
	case "", "identity":
	case "gzip", "x-gzip":
		zr, err := gzip.NewReader(io.LimitReader(r.Body, max+1))
		if err != nil {
			return http.StatusBadRequest, "corrupt gzip body"
		}
		defer zr.Close()
		body = zr
	default:
		return http.StatusUnsupportedMediaType, "unsupported Content-Encoding (use gzip or none)"
	}
	n, err := buf.ReadFrom(io.LimitReader(body, max+1))
	if n > max {
		return http.StatusRequestEntityTooLarge, fmt.Sprintf("request body over %d bytes", max)
	}
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return http.StatusRequestEntityTooLarge, "request body too large"
		}
		if errors.Is(err, gzip.ErrChecksum) || errors.Is(err, gzip.ErrHeader) || errors.Is(err, io.ErrUnexpectedEOF) {
			return http.StatusBadRequest, "corrupt or truncated body"
		}
		return http.StatusBadRequest, "cannot read request body"
	}
	return 0, ""
}

// Call runs the method called name, recovering a panic into -32603. It is
// what POST, system.multicall and call_method all go through.
func (s *Server) Call(ctx context.Context, name string, params []Value) (result Value, err error) {
	m, ok := s.byName[name]
	if !ok {
		return Value{}, Faultf(CodeMethodNotFound, "method %q not found", clip(name))
	}
	defer func() {
		if p := recover(); p != nil {
			s.log.Error("method panicked", "method", name, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			result, err = Value{}, Faultf(CodeInternal, "internal error")
		}
	}()
	return m.Handler(ctx, params)
}

// fault turns a handler's error into the fault to send: a *Fault as it is,
// anything else as a generic -32603 with the detail logged.
func (s *Server) fault(method string, err error) *Fault {
	var f *Fault
	if errors.As(err, &f) {
		return f
	}
	s.log.Error("method failed", "method", method, "err", err)
	return Faultf(CodeInternal, "internal error")
}

// clip shortens untrusted text quoted in a fault or a log line.
func clip(s string) string {
	const max = 64
	if len(s) <= max {
		return s
	}
	return s[:max] + "..."
}

// validMethodName reports whether name uses only the spec's characters
// A-Z a-z 0-9 _ . : / and is at most max bytes long (max <= 0: no limit).
func validMethodName(name string, max int) bool {
	if name == "" || (max > 0 && len(name) > max) {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '_', c == '.', c == ':', c == '/':
		default:
			return false
		}
	}
	return true
}
