package rpc

import (
	"context"
	"errors"
)

// multicall follows Eric Kidd's RFC (2001): one array of {methodName,
// params} structs in, an array of the same length out, each success a
// one-element array and each failure a fault struct in its own place.
// Nesting is refused (per item) and the number of calls is capped (for
// the whole call), so one request cannot amplify itself without bound.
func (s *Server) multicall(ctx context.Context, params []Value) (Value, error) {
	if len(params) != 1 || params[0].Kind != KindArray {
		return Value{}, Faultf(CodeInvalidParams, "system.multicall takes one array of {methodName, params} structs")
	}
	calls := params[0].Array
	if s.cfg.MaxMulticall > 0 && len(calls) > s.cfg.MaxMulticall {
		return Value{}, Faultf(CodeLimitExceeded, "system.multicall carries %d calls; the limit is %d", len(calls), s.cfg.MaxMulticall)
	}
	results := make([]Value, len(calls))
	for i, c := range calls {
		v, err := s.oneOfMany(ctx, c)
		if err != nil {
			results[i] = faultValue(s.fault("system.multicall", err))
			continue
		}
		results[i] = Array(v)
	}
	return Array(results...), nil
}

func (s *Server) oneOfMany(ctx context.Context, c Value) (Value, error) {
	if c.Kind != KindStruct {
		return Value{}, Faultf(CodeInvalidRequest, "system.multicall expected a struct, got a %s", c.Kind)
	}
	name, ok := c.Get("methodName")
	if !ok || name.Kind != KindString {
		return Value{}, Faultf(CodeInvalidRequest, "system.multicall item has no methodName string")
	}
	if name.Str == "system.multicall" {
		return Value{}, Faultf(CodeInvalidRequest, "recursive system.multicall forbidden")
	}
	ps, ok := c.Get("params")
	if !ok || ps.Kind != KindArray {
		return Value{}, Faultf(CodeInvalidRequest, "system.multicall item %q has no params array", clip(name.Str))
	}
	if err := ctx.Err(); err != nil {
		return Value{}, Faultf(CodeInternal, "request cancelled")
	}
	return s.Call(ctx, name.Str, ps.Array)
}

// faultValue is the struct a fault becomes inside a multicall reply.
func faultValue(f *Fault) Value {
	return Struct(
		Member{"faultCode", Int(int64(f.Code))},
		Member{"faultString", String(f.String)},
	)
}

// MulticallResults splits a system.multicall reply into one result or
// error (a *Fault) per call, for clients that batch.
func MulticallResults(reply Value, n int) ([]Value, []error, error) {
	if reply.Kind != KindArray || len(reply.Array) != n {
		return nil, nil, errors.New("rpc: system.multicall reply is not an array of one entry per call")
	}
	vals := make([]Value, n)
	errs := make([]error, n)
	for i, item := range reply.Array {
		switch {
		case item.Kind == KindArray && len(item.Array) == 1:
			vals[i] = item.Array[0]
		case item.Kind == KindStruct:
			f := &Fault{}
			if c, ok := item.Get("faultCode"); ok && c.Kind == KindInt {
				f.Code = int(c.Int)
			}
			if t, ok := item.Get("faultString"); ok && t.Kind == KindString {
				f.String = t.Str
			}
			errs[i] = f
		default:
			return nil, nil, errors.New("rpc: system.multicall reply entry is neither [value] nor a fault struct")
		}
	}
	return vals, errs, nil
}
