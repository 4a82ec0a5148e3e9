package rpc

import "context"

// The introspection methods every co2 host serves (PROTOCOL.md section 2),
// with the names co2 used and the standard system.* ones.

var (
	listNames      = []string{"system.listMethods", "sys.listMethods", "co2.get_method_names", "co2.co2_get_method_names", "web.get_method_names"}
	helpNames      = []string{"system.methodHelp", "sys.methodHelp", "co2.get_method_help", "web.get_method_help"}
	co2SigNames    = []string{"sys.methodSignature", "co2.get_method_signature", "web.get_method_signature"}
	stdSigNames    = []string{"system.methodSignature"}
	methodNameArgs = []string{"method_name"}
)

func (s *Server) registerIntrospection() {
	s.mustRegister(Method{
		Names:     listNames,
		Help:      "List every callable method name, aliases included, sorted. Takes no parameter or an empty struct.",
		Signature: [][]string{{"array"}, {"array", "struct"}},
		Handler: func(_ context.Context, params []Value) (Value, error) {
			if _, err := StructParam(params); err != nil {
				return Value{}, err
			}
			return Strings(s.Names()), nil
		},
	})
	s.mustRegister(Method{
		Names:     helpNames,
		Help:      "Return the one-paragraph description of a method. Takes the method name as a string, or a struct {method_name}.",
		Signature: [][]string{{"string", "string"}, {"string", "struct"}},
		Args:      methodNameArgs,
		Handler: func(_ context.Context, params []Value) (Value, error) {
			m, err := s.namedMethod(params)
			if err != nil {
				return Value{}, err
			}
			return String(m.Help), nil
		},
	})
	s.mustRegister(Method{
		Names:     co2SigNames,
		Help:      "Describe how to call a method, in co2's form: a struct {args: the names of the keys of its parameter struct, args_d: {name: default} for the optional ones, args_v: [], args_kw: []}. Takes the method name as a string, or a struct {method_name}.",
		Signature: [][]string{{"struct", "string"}, {"struct", "struct"}},
		Args:      methodNameArgs,
		Handler: func(_ context.Context, params []Value) (Value, error) {
			m, err := s.namedMethod(params)
			if err != nil {
				return Value{}, err
			}
			args := m.Args
			if args == nil {
				args = []string{}
			}
			defaults := m.ArgDefaults
			if defaults == nil {
				defaults = []Member{}
			}
			return Struct(
				Member{"args", Strings(args)},
				Member{"args_d", Struct(defaults...)},
				Member{"args_v", Array()},
				Member{"args_kw", Array()},
			), nil
		},
	})
	s.mustRegister(Method{
		Names:     stdSigNames,
		Help:      "Return a method's signatures in the standard XML-RPC form: an array of [return type, parameter types...] arrays, or the string \"undef\" when none is known.",
		Signature: [][]string{{"array", "string"}},
		Args:      methodNameArgs,
		Handler: func(_ context.Context, params []Value) (Value, error) {
			m, err := s.namedMethod(params)
			if err != nil {
				return Value{}, err
			}
			if m.Signature == nil {
				return String("undef"), nil
			}
			sigs := make([]Value, len(m.Signature))
			for i, sig := range m.Signature {
				sigs[i] = Strings(sig)
			}
			return Array(sigs...), nil
		},
	})
}

// namedMethod reads a method name parameter and finds that method.
func (s *Server) namedMethod(params []Value) (*Method, error) {
	name, err := NameParam(params)
	if err != nil {
		return nil, err
	}
	m, ok := s.byName[name]
	if !ok {
		return nil, Faultf(CodeMethodNotFound, "method %q not found", clip(name))
	}
	return m, nil
}
