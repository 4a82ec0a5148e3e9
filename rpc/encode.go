package rpc

// The encoder: conservative output every peer parses (notes section 1.2 and
// section 2). A <?xml version="1.0"?> prologue; names, keys and strings
// escaped (& < > and CR as &#13;); <int> within int32 and <i8> outside;
// <boolean>0/1; <double> in the shortest 'f' form that reads back to the
// same float (no exponent, which strict peers refuse); dateTime as TimeRaw
// when set, else Time in UTC as 20060102T15:04:05; base64 on one line;
// <nil/> only for KindNil; <string> always typed. What cannot be encoded
// faithfully (invalid UTF-8, characters XML forbids, NaN, infinities,
// KindInvalid) is an error, never a silent replacement or ill-formed XML.

import (
	"encoding/base64"
	"errors"
	"math"
	"strconv"
	"strings"
)

// ErrUnencodable is wrapped by every error of AppendCall and AppendResponse:
// a value that has no faithful XML-RPC form.
var ErrUnencodable = errors.New("value cannot be encoded as XML-RPC")

// maxEncodeDepth bounds the encoder's recursion: a Value is a tree built by
// code, and a slice can be made to contain itself.
const maxEncodeDepth = 10000

// maxCallNameBytes is the longest method name AppendCall writes, the
// default MaxMethodNameBytes every peer of ours accepts.
const maxCallNameBytes = 256

const xmlPrologue = `<?xml version="1.0"?>` + "\n"

// AppendCall appends a methodCall of method with params to dst. The method
// name must be one the spec allows (A-Z a-z 0-9 _ . : /, at most 256
// bytes). On error dst is returned unchanged in length.
func AppendCall(dst []byte, method string, params []Value) ([]byte, error) {
	if p := methodNameProblem(method, maxCallNameBytes); p != "" {
		return dst, &encodeError{problem: p}
	}
	start := len(dst)
	dst = append(dst, xmlPrologue...)
	dst = append(dst, "<methodCall><methodName>"...)
	dst = append(dst, method...) // its charset needs no escaping
	dst = append(dst, "</methodName><params>"...)
	for i := range params {
		dst = append(dst, "<param>"...)
		var err *encodeError
		if dst, err = appendValue(dst, &params[i], 0); err != nil {
			err.path = append(err.path, "params["+strconv.Itoa(i)+"]")
			return dst[:start], err
		}
		dst = append(dst, "</param>"...)
	}
	return append(dst, "</params></methodCall>"...), nil
}

// AppendMulticallHead, AppendMulticallItem and AppendMulticallTail write a
// system.multicall call one call at a time: the head, one item per call, the
// tail. Together they write what AppendCall(dst, "system.multicall",
// []Value{Array(Struct({methodName, params})...)}) writes for the same calls,
// without building those Values, and let a caller stop adding calls before
// the body grows past what the peer accepts.
func AppendMulticallHead(dst []byte) []byte {
	dst = append(dst, xmlPrologue...)
	return append(dst, "<methodCall><methodName>system.multicall</methodName><params><param><value><array><data>"...)
}

// AppendMulticallItem appends the {methodName: method, params: params}
// struct of one call (see AppendMulticallHead). The method name must be one
// AppendCall accepts. On error dst is returned unchanged in length.
func AppendMulticallItem(dst []byte, method string, params []Value) ([]byte, error) {
	if p := methodNameProblem(method, maxCallNameBytes); p != "" {
		return dst, &encodeError{problem: p}
	}
	start := len(dst)
	dst = append(dst, "<value><struct><member><name>methodName</name><value><string>"...)
	dst = append(dst, method...) // its charset needs no escaping
	dst = append(dst, "</string></value></member><member><name>params</name><value><array><data>"...)
	for i := range params {
		var err *encodeError
		// Depth 3: inside the calls array, a call's struct and its params.
		if dst, err = appendValue(dst, &params[i], 3); err != nil {
			err.path = append(err.path, method+" params["+strconv.Itoa(i)+"]")
			return dst[:start], err
		}
	}
	return append(dst, "</data></array></value></member></struct></value>"...), nil
}

// AppendMulticallTail closes a system.multicall call (see
// AppendMulticallHead).
func AppendMulticallTail(dst []byte) []byte {
	return append(dst, "</data></array></value></param></params></methodCall>"...)
}

// AppendResponse appends a methodResponse holding exactly one param, v.
// On error dst is returned unchanged in length.
func AppendResponse(dst []byte, v Value) ([]byte, error) {
	start := len(dst)
	dst = append(dst, xmlPrologue...)
	dst = append(dst, "<methodResponse><params><param>"...)
	dst, err := appendValue(dst, &v, 0)
	if err != nil {
		err.path = append(err.path, "result")
		return dst[:start], err
	}
	return append(dst, "</param></params></methodResponse>"...), nil
}

// AppendFault appends a methodResponse carrying f as a fault struct of
// exactly faultCode (<int>) and faultString (<string>). Characters XML
// cannot hold become U+FFFD in the text, so it cannot fail. A nil f is
// written as an internal error.
func AppendFault(dst []byte, f *Fault) []byte {
	code, text := CodeInternal, "internal error"
	if f != nil {
		code, text = f.Code, f.String
	}
	dst = append(dst, xmlPrologue...)
	dst = append(dst, "<methodResponse><fault><value><struct>"...)
	dst = append(dst, "<member><name>faultCode</name><value><int>"...)
	dst = strconv.AppendInt(dst, int64(code), 10)
	dst = append(dst, "</int></value></member>"...)
	dst = append(dst, "<member><name>faultString</name><value><string>"...)
	dst, _ = appendXMLText(dst, text, true)
	dst = append(dst, "</string></value></member>"...)
	return append(dst, "</struct></value></fault></methodResponse>"...)
}

// appendValue appends v as a <value> element. On error the caller cuts dst
// back, so what was appended does not matter.
func appendValue(dst []byte, v *Value, depth int) ([]byte, *encodeError) {
	if depth > maxEncodeDepth {
		return dst, &encodeError{problem: "values nested more than " + strconv.Itoa(maxEncodeDepth) + " deep (a cycle?)"}
	}
	dst = append(dst, "<value>"...)
	switch v.Kind {
	case KindInt:
		if v.Int >= math.MinInt32 && v.Int <= math.MaxInt32 {
			dst = append(dst, "<int>"...)
			dst = strconv.AppendInt(dst, v.Int, 10)
			dst = append(dst, "</int>"...)
		} else {
			dst = append(dst, "<i8>"...)
			dst = strconv.AppendInt(dst, v.Int, 10)
			dst = append(dst, "</i8>"...)
		}
	case KindBool:
		if v.Bool {
			dst = append(dst, "<boolean>1</boolean>"...)
		} else {
			dst = append(dst, "<boolean>0</boolean>"...)
		}
	case KindString:
		dst = append(dst, "<string>"...)
		var p string
		if dst, p = appendXMLText(dst, v.Str, false); p != "" {
			return dst, &encodeError{problem: "string: " + p}
		}
		dst = append(dst, "</string>"...)
	case KindDouble:
		if math.IsNaN(v.Double) || math.IsInf(v.Double, 0) {
			return dst, &encodeError{problem: "double " + strconv.FormatFloat(v.Double, 'g', -1, 64) + " has no XML-RPC form"}
		}
		dst = append(dst, "<double>"...)
		dst = strconv.AppendFloat(dst, v.Double, 'f', -1, 64)
		dst = append(dst, "</double>"...)
	case KindDateTime:
		var err *encodeError
		if dst, err = appendDateTime(dst, v); err != nil {
			return dst, err
		}
	case KindBase64:
		dst = append(dst, "<base64>"...)
		dst = base64.StdEncoding.AppendEncode(dst, v.Bytes)
		dst = append(dst, "</base64>"...)
	case KindStruct:
		dst = append(dst, "<struct>"...)
		for i := range v.Members {
			m := &v.Members[i]
			dst = append(dst, "<member><name>"...)
			var p string
			if dst, p = appendXMLText(dst, m.Name, false); p != "" {
				return dst, &encodeError{problem: "member name: " + p, path: []string{"[" + quoteInput(m.Name) + "]"}}
			}
			dst = append(dst, "</name>"...)
			var err *encodeError
			if dst, err = appendValue(dst, &m.Value, depth+1); err != nil {
				err.path = append(err.path, "["+quoteInput(m.Name)+"]")
				return dst, err
			}
			dst = append(dst, "</member>"...)
		}
		dst = append(dst, "</struct>"...)
	case KindArray:
		dst = append(dst, "<array><data>"...)
		for i := range v.Array {
			var err *encodeError
			if dst, err = appendValue(dst, &v.Array[i], depth+1); err != nil {
				err.path = append(err.path, "["+strconv.Itoa(i)+"]")
				return dst, err
			}
		}
		dst = append(dst, "</data></array>"...)
	case KindNil:
		dst = append(dst, "<nil/>"...)
	default:
		return dst, &encodeError{problem: "a value of kind " + v.Kind.String() + " (the zero Value?)"}
	}
	return append(dst, "</value>"...), nil
}

// appendDateTime writes TimeRaw when it is set (so a relayed dateTime goes
// out as it came in; it must still follow the dateTime grammar), else Time
// in UTC, whose year must then have four digits.
func appendDateTime(dst []byte, v *Value) ([]byte, *encodeError) {
	dst = append(dst, "<dateTime.iso8601>"...)
	if v.TimeRaw != "" {
		if _, ok := parseDateTime(v.TimeRaw); !ok {
			return dst, &encodeError{problem: "dateTime TimeRaw " + quoteInput(v.TimeRaw) + " is not an XML-RPC dateTime"}
		}
		dst = append(dst, v.TimeRaw...) // its grammar needs no escaping
	} else {
		t := v.Time.UTC()
		if y := t.Year(); y < 0 || y > 9999 {
			return dst, &encodeError{problem: "dateTime year " + strconv.Itoa(y) + " is outside 0000-9999"}
		}
		dst = t.AppendFormat(dst, "20060102T15:04:05")
	}
	return append(dst, "</dateTime.iso8601>"...), nil
}

// encodeError says which value could not be encoded and why. path is built
// on the way back up, innermost first.
type encodeError struct {
	path    []string
	problem string
}

func (e *encodeError) Error() string {
	var b strings.Builder
	b.WriteString("rpc: cannot encode ")
	if len(e.path) == 0 {
		b.WriteString("the call")
	}
	for i := len(e.path) - 1; i >= 0; i-- {
		b.WriteString(e.path[i])
	}
	b.WriteString(": ")
	b.WriteString(e.problem)
	return b.String()
}

func (e *encodeError) Unwrap() error { return ErrUnencodable }
