package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
)

// jsonArgs parses the call command's arguments, one JSON value each, into
// the Go values kolo/xmlrpc encodes: an object a struct, an array an
// array, an integer an int, another number a double.
func jsonArgs(args []string) ([]any, error) {
	params := make([]any, len(args))
	for i, a := range args {
		dec := json.NewDecoder(strings.NewReader(a))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("argument %d, %q, is not JSON (a string must be quoted, e.g. '\"text\"'): %v", i+1, a, err)
		}
		if _, err := dec.Token(); !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("argument %d, %q, has text after its JSON value", i+1, a)
		}
		p, err := xmlrpcValue(v)
		if err != nil {
			return nil, fmt.Errorf("argument %d: %w", i+1, err)
		}
		params[i] = p
	}
	return params, nil
}

// xmlrpcValue converts a decoded JSON value for kolo/xmlrpc's encoder.
func xmlrpcValue(v any) (any, error) {
	switch t := v.(type) {
	case nil:
		return nil, errors.New("null has no XML-RPC value that every relay accepts")
	case json.Number:
		if n, err := t.Int64(); err == nil {
			return n, nil
		}
		f, err := t.Float64()
		if err != nil {
			return nil, fmt.Errorf("number %s out of range", t)
		}
		return f, nil
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			x, err := xmlrpcValue(e)
			if err != nil {
				return nil, err
			}
			out[i] = x
		}
		return out, nil
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			// kolo/xmlrpc writes member names unescaped.
			if strings.ContainsAny(k, "<>&") {
				return nil, fmt.Errorf("member name %q: <, > and & cannot be sent", k)
			}
			x, err := xmlrpcValue(e)
			if err != nil {
				return nil, err
			}
			out[k] = x
		}
		return out, nil
	default: // string, bool
		return t, nil
	}
}

// indentedJSON renders a decoded reply as indented JSON: a dateTime as
// RFC 3339 text, a double JSON cannot hold (NaN, infinities) as text.
func indentedJSON(v any) (string, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(jsonReady(v)); err != nil {
		return "", fmt.Errorf("cannot show the reply as JSON: %w", err)
	}
	return strings.TrimSuffix(b.String(), "\n"), nil
}

func jsonReady(v any) any {
	switch t := v.(type) {
	case time.Time:
		return t.Format(time.RFC3339)
	case float64:
		if math.IsNaN(t) || math.IsInf(t, 0) {
			return strconv.FormatFloat(t, 'g', -1, 64)
		}
		return t
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = jsonReady(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[k] = jsonReady(e)
		}
		return out
	default:
		return t
	}
}
