package rpc

// co2 passes one struct (its "param_dict") to every method. These helpers
// read parameters the way PROTOCOL.md section 3 says, and answer anything
// else with -32602 and a plain text.

// StructParam returns the one struct parameter of a call, an empty struct
// when there is none, and a -32602 fault for anything else.
func StructParam(params []Value) (Value, error) {
	switch {
	case len(params) == 0:
		return Struct(), nil
	case len(params) > 1:
		return Value{}, Faultf(CodeInvalidParams, "expected one struct parameter, got %d parameters", len(params))
	case params[0].Kind != KindStruct:
		return Value{}, Faultf(CodeInvalidParams, "expected one struct parameter, got a %s", params[0].Kind)
	}
	return params[0], nil
}

// StringMember returns the string member key of st. A missing member is
// ("", false, nil) unless required, when it is a -32602 fault; a member of
// another type is always a fault.
func StringMember(st Value, key string, required bool) (string, bool, error) {
	v, ok := st.Get(key)
	if !ok {
		if required {
			return "", false, Faultf(CodeInvalidParams, "missing required member %q (a string)", key)
		}
		return "", false, nil
	}
	if v.Kind != KindString {
		return "", false, Faultf(CodeInvalidParams, "member %q must be a string, not a %s", key, v.Kind)
	}
	return v.Str, true, nil
}

// IntMember is StringMember for an int member.
func IntMember(st Value, key string, required bool) (int64, bool, error) {
	v, ok := st.Get(key)
	if !ok {
		if required {
			return 0, false, Faultf(CodeInvalidParams, "missing required member %q (an int)", key)
		}
		return 0, false, nil
	}
	if v.Kind != KindInt {
		return 0, false, Faultf(CodeInvalidParams, "member %q must be an int, not a %s", key, v.Kind)
	}
	return v.Int, true, nil
}

// NameParam reads the parameter of the help and signature methods: a
// string, or a struct {method_name: string}.
func NameParam(params []Value) (string, error) {
	if len(params) == 1 && params[0].Kind == KindString {
		return params[0].Str, nil
	}
	if len(params) == 1 && params[0].Kind == KindStruct {
		name, _, err := StringMember(params[0], "method_name", true)
		return name, err
	}
	return "", Faultf(CodeInvalidParams, "expected a method name: one string, or a struct {method_name: string}")
}
