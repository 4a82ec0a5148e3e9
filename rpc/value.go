package rpc

import (
	"bytes"
	"fmt"
	"math"
	"sort"
	"time"
)

// Kind names the XML-RPC type a Value holds.
type Kind uint8

// The XML-RPC kinds. KindInvalid is the zero Value, which the encoder refuses.
const (
	KindInvalid  Kind = iota
	KindInt           // <int>, <i4>, <i8>, <i1>, <i2> (any prefix); int64 range
	KindBool          // <boolean>
	KindString        // <string>, or a value with no type tag
	KindDouble        // <double>
	KindDateTime      // <dateTime.iso8601>
	KindBase64        // <base64>
	KindStruct        // <struct>
	KindArray         // <array>
	KindNil           // <nil/>, <ex:nil/>
)

var kindNames = [...]string{"invalid", "int", "boolean", "string", "double", "dateTime.iso8601", "base64", "struct", "array", "nil"}

// String returns the XML-RPC type name (the one introspection signatures use).
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", k)
}

// Value is one XML-RPC value. Only the field that belongs to Kind is meaningful.
//
// A struct keeps its members in the order they arrived (the decoder resolves
// duplicate names, last one wins, in the place of the first), so a relayed
// struct goes out as it came in. A dateTime keeps its original text in
// TimeRaw for the same reason; the encoder writes TimeRaw when it is set and
// the compact UTC form of Time otherwise.
type Value struct {
	Kind    Kind
	Int     int64
	Bool    bool
	Str     string
	Double  float64
	Time    time.Time
	TimeRaw string
	Bytes   []byte
	Array   []Value
	Members []Member
}

// Member is one named field of a struct.
type Member struct {
	Name  string
	Value Value
}

// Int returns an int value.
func Int(n int64) Value { return Value{Kind: KindInt, Int: n} }

// Bool returns a boolean value.
func Bool(b bool) Value { return Value{Kind: KindBool, Bool: b} }

// String returns a string value.
func String(s string) Value { return Value{Kind: KindString, Str: s} }

// Double returns a double value. NaN and infinities cannot be encoded.
func Double(f float64) Value { return Value{Kind: KindDouble, Double: f} }

// DateTime returns a dateTime value; it is encoded in UTC, without a zone.
func DateTime(t time.Time) Value { return Value{Kind: KindDateTime, Time: t} }

// Base64 returns a base64 value holding b.
func Base64(b []byte) Value { return Value{Kind: KindBase64, Bytes: b} }

// Nil returns the nil value. Send it only where a contract asks for it: old
// clients reject <nil/>.
func Nil() Value { return Value{Kind: KindNil} }

// Array returns an array of vs.
func Array(vs ...Value) Value {
	if vs == nil {
		vs = []Value{}
	}
	return Value{Kind: KindArray, Array: vs}
}

// Struct returns a struct with the members in the given order.
func Struct(ms ...Member) Value {
	if ms == nil {
		ms = []Member{}
	}
	return Value{Kind: KindStruct, Members: ms}
}

// Strings returns an array of string values.
func Strings(ss []string) Value {
	vs := make([]Value, len(ss))
	for i, s := range ss {
		vs[i] = String(s)
	}
	return Array(vs...)
}

// Get returns the member called name of a struct value.
func (v Value) Get(name string) (Value, bool) {
	if v.Kind != KindStruct {
		return Value{}, false
	}
	for i := range v.Members {
		if v.Members[i].Name == name {
			return v.Members[i].Value, true
		}
	}
	return Value{}, false
}

// Equal reports whether v and w hold the same XML-RPC value. Struct members
// compare in order; dateTimes compare by instant and original text; doubles
// compare bit for bit, so NaN equals NaN and -0 differs from 0.
func (v Value) Equal(w Value) bool {
	if v.Kind != w.Kind {
		return false
	}
	switch v.Kind {
	case KindInt:
		return v.Int == w.Int
	case KindBool:
		return v.Bool == w.Bool
	case KindString:
		return v.Str == w.Str
	case KindDouble:
		return math.Float64bits(v.Double) == math.Float64bits(w.Double)
	case KindDateTime:
		return v.Time.Equal(w.Time) && v.TimeRaw == w.TimeRaw
	case KindBase64:
		return bytes.Equal(v.Bytes, w.Bytes)
	case KindArray:
		if len(v.Array) != len(w.Array) {
			return false
		}
		for i := range v.Array {
			if !v.Array[i].Equal(w.Array[i]) {
				return false
			}
		}
		return true
	case KindStruct:
		if len(v.Members) != len(w.Members) {
			return false
		}
		for i := range v.Members {
			if v.Members[i].Name != w.Members[i].Name || !v.Members[i].Value.Equal(w.Members[i].Value) {
				return false
			}
		}
		return true
	default:
		return true
	}
}

// FromGo converts a plain Go value: nil, bool, the int kinds, float64,
// float32, string, []byte, time.Time, Value, []Value, []string, []any and
// map[string]any (whose members are sorted by name, as Go maps have no
// order). Anything else is an error.
func FromGo(x any) (Value, error) {
	switch t := x.(type) {
	case nil:
		return Nil(), nil
	case Value:
		return t, nil
	case bool:
		return Bool(t), nil
	case int:
		return Int(int64(t)), nil
	case int8:
		return Int(int64(t)), nil
	case int16:
		return Int(int64(t)), nil
	case int32:
		return Int(int64(t)), nil
	case int64:
		return Int(t), nil
	case uint8:
		return Int(int64(t)), nil
	case uint16:
		return Int(int64(t)), nil
	case uint32:
		return Int(int64(t)), nil
	case uint:
		if uint64(t) > math.MaxInt64 {
			return Value{}, fmt.Errorf("rpc: %d does not fit an XML-RPC int", t)
		}
		return Int(int64(t)), nil
	case uint64:
		if t > math.MaxInt64 {
			return Value{}, fmt.Errorf("rpc: %d does not fit an XML-RPC int", t)
		}
		return Int(int64(t)), nil
	case float64:
		return Double(t), nil
	case float32:
		return Double(float64(t)), nil
	case string:
		return String(t), nil
	case []byte:
		return Base64(t), nil
	case time.Time:
		return DateTime(t), nil
	case []Value:
		return Array(t...), nil
	case []string:
		return Strings(t), nil
	case []any:
		vs := make([]Value, len(t))
		for i, e := range t {
			v, err := FromGo(e)
			if err != nil {
				return Value{}, err
			}
			vs[i] = v
		}
		return Array(vs...), nil
	case map[string]any:
		names := make([]string, 0, len(t))
		for k := range t {
			names = append(names, k)
		}
		sort.Strings(names)
		ms := make([]Member, len(names))
		for i, k := range names {
			v, err := FromGo(t[k])
			if err != nil {
				return Value{}, err
			}
			ms[i] = Member{Name: k, Value: v}
		}
		return Struct(ms...), nil
	default:
		return Value{}, fmt.Errorf("rpc: cannot convert %T to an XML-RPC value", x)
	}
}
