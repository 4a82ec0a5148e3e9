package rpc

import "fmt"

// Fault codes of the "Specification for Fault Code Interoperability"
// (20010516), as PROTOCOL.md section 4 uses them, plus -32000 for a request
// that exceeds a configured limit.
const (
	CodeParseError          = -32700 // not well-formed XML
	CodeUnsupportedEncoding = -32701 // declared encoding not supported
	CodeInvalidCharacter    = -32702 // bytes invalid for the encoding
	CodeInvalidRequest      = -32600 // well-formed, but not XML-RPC
	CodeMethodNotFound      = -32601 // no such method
	CodeInvalidParams       = -32602 // wrong number or type of parameters
	CodeInternal            = -32603 // our bug; details only in the log
	CodeLimitExceeded       = -32000 // a server limit was exceeded
	CodeTransport           = -32300 // the peer could not be reached or answered badly
)

// Fault is an XML-RPC fault: the error a method answers with, and the typed
// error the client returns when a peer answers with one. Code is an int even
// when a lenient peer sent a string code (it is then 0 and the text is kept
// in String).
type Fault struct {
	Code   int
	String string
}

// Error returns the code and the text.
func (f *Fault) Error() string {
	return fmt.Sprintf("xml-rpc fault %d: %s", f.Code, f.String)
}

// Faultf returns a fault with a formatted text.
func Faultf(code int, format string, args ...any) *Fault {
	return &Fault{Code: code, String: fmt.Sprintf(format, args...)}
}
