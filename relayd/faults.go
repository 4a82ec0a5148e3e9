package relayd

import (
	"errors"

	"relayd/guard"
	"relayd/limiter"
	"relayd/registry"
	"relayd/rpc"
)

// coFault is the one place where the rules' errors become the faults co2
// clients know (PROTOCOL.md section 4): faultCode 1 and a faultString that
// starts with the co2 exception name. unknownIsKeyError says how this
// method reports an unknown host_id: deregister and the props methods raise
// KeyError, relay raises Co2RegistryError.
//
// The guard's refusals map here too: a refused write and the registration
// rate are Co2RegistryError faults (co2 clients match on that prefix), the
// per-address call rate is -32000, a refused read is codeAccessDenied.
func coFault(err error, unknownIsKeyError bool) error {
	var f *rpc.Fault
	var denied *guard.DeniedError
	var limited *guard.RateLimitError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &f):
		return f
	case errors.Is(err, registry.ErrNotRegistered) && unknownIsKeyError:
		return rpc.Faultf(1, "KeyError: %s", err)
	case errors.Is(err, registry.ErrBadPort), errors.Is(err, registry.ErrBadAddress):
		return rpc.Faultf(rpc.CodeInvalidParams, "%s", err)
	case errors.Is(err, registry.ErrNotRegistered),
		errors.Is(err, registry.ErrFull),
		errors.Is(err, registry.ErrWrongAddress):
		return rpc.Faultf(1, "Co2RegistryError: %s", err)
	case errors.Is(err, limiter.ErrQueueFull):
		return rpc.Faultf(1, "Co2RegistryError: relay queue full, retry later (%s)", err)
	case errors.Is(err, limiter.ErrClosed):
		return rpc.Faultf(1, "Co2RegistryError: relay is shutting down, retry later")
	case errors.As(err, &denied) && denied.Action != "read":
		return rpc.Faultf(1, "Co2RegistryError: %s", err)
	case errors.As(err, &limited) && limited.What == "registrations":
		return rpc.Faultf(1, "Co2RegistryError: %s", err)
	case errors.As(err, &limited):
		return rpc.Faultf(rpc.CodeLimitExceeded, "%s", err)
	case errors.Is(err, guard.ErrNotAllowed), errors.Is(err, guard.ErrUnauthorized):
		return rpc.Faultf(codeAccessDenied, "access denied: %s", err)
	default:
		return err // the rpc server logs it and answers a generic -32603
	}
}
