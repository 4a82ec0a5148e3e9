package rpc

// Limits bounds what a decoder accepts. Every field is enforced while the
// document is being tokenised, so a hostile body costs at most what the
// limits allow, never what the attacker wrote. Exceeding a limit is fault
// -32000 (CodeLimitExceeded) for a call, ErrMalformedResponse for a reply.
//
// A field that is zero or negative takes its value from DefaultLimits, so
// Limits{} means "the defaults", never "unlimited".
type Limits struct {
	// MaxBodyBytes is the largest document accepted. The server checks it on
	// the wire (HTTP 413); the decoder refuses a longer input as well.
	MaxBodyBytes int64
	// MaxValueDepth is how deeply arrays and structs may nest: a param that
	// is an array of arrays has depth 2. Values above maxValueDepthCap are
	// lowered to it, so decoding recursion is always bounded.
	MaxValueDepth int
	// MaxElementDepth is how deeply XML elements may nest, counting the root.
	MaxElementDepth int
	// MaxParams is the most <param> elements in one call or reply.
	MaxParams int
	// MaxContainerItems is the most <value>s in one array and the most
	// <member>s (duplicates included) in one struct.
	MaxContainerItems int
	// MaxValues is the most <value> elements in one document, all levels.
	MaxValues int
	// MaxNameBytes is the longest struct member name, in bytes.
	MaxNameBytes int
	// MaxMethodNameBytes is the longest method name, in bytes; a longer one
	// is fault -32601, as a name outside the spec's charset is.
	MaxMethodNameBytes int
}

// maxValueDepthCap bounds the decoder's recursion whatever a caller sets.
const maxValueDepthCap = 10000

// DefaultLimits returns the limits of notes section 6.3: 1 MiB bodies,
// value depth 64 (xmlrpc-c's default), element depth 200, 64 params, 10,000
// items per array or struct, 100,000 values per document, 1 KiB member
// names and 256-byte method names.
func DefaultLimits() Limits {
	return Limits{
		MaxBodyBytes:       1 << 20,
		MaxValueDepth:      64,
		MaxElementDepth:    200,
		MaxParams:          64,
		MaxContainerItems:  10000,
		MaxValues:          100000,
		MaxNameBytes:       1024,
		MaxMethodNameBytes: 256,
	}
}

// orDefaults fills every unset (zero or negative) field from DefaultLimits
// and caps MaxValueDepth.
func (l Limits) orDefaults() Limits {
	d := DefaultLimits()
	if l.MaxBodyBytes <= 0 {
		l.MaxBodyBytes = d.MaxBodyBytes
	}
	if l.MaxValueDepth <= 0 {
		l.MaxValueDepth = d.MaxValueDepth
	}
	if l.MaxValueDepth > maxValueDepthCap {
		l.MaxValueDepth = maxValueDepthCap
	}
	if l.MaxElementDepth <= 0 {
		l.MaxElementDepth = d.MaxElementDepth
	}
	if l.MaxParams <= 0 {
		l.MaxParams = d.MaxParams
	}
	if l.MaxContainerItems <= 0 {
		l.MaxContainerItems = d.MaxContainerItems
	}
	if l.MaxValues <= 0 {
		l.MaxValues = d.MaxValues
	}
	if l.MaxNameBytes <= 0 {
		l.MaxNameBytes = d.MaxNameBytes
	}
	if l.MaxMethodNameBytes <= 0 {
		l.MaxMethodNameBytes = d.MaxMethodNameBytes
	}
	return l
}
