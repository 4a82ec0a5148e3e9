package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"relayd/rpc"
)

// maxLine is the longest input line read; a longer one ends the input
// with an error message rather than being split.
const maxLine = 1 << 20

// readLines sends each line of in on the channel it returns, and closes
// it at the end of in. Its goroutine ends with in: a terminal's standard
// input cannot be interrupted, so when run returns first it is left to
// the process's exit.
func readLines(in io.Reader) <-chan string {
	lines := make(chan string)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(in)
		sc.Buffer(make([]byte, 0, 4096), maxLine)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	return lines
}

// parseLine turns a typed line into the data to relay: {text: line}, or
// with asJSON the line's JSON object as a struct.
func parseLine(line string, asJSON bool) (rpc.Value, error) {
	if !asJSON {
		return rpc.Struct(rpc.Member{Name: "text", Value: rpc.String(line)}), nil
	}
	dec := json.NewDecoder(strings.NewReader(line))
	dec.UseNumber()
	v, err := jsonValue(dec, 0)
	if err != nil {
		return rpc.Value{}, fmt.Errorf("not a JSON object: %w", err)
	}
	if v.Kind != rpc.KindStruct {
		return rpc.Value{}, fmt.Errorf("not a JSON object: a line must be {...}, relayed as a struct")
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return rpc.Value{}, fmt.Errorf("not a JSON object: text after the object")
	}
	return v, nil
}

// maxJSONDepth bounds the nesting of a typed JSON value (the relay
// refuses deeper values anyway).
const maxJSONDepth = 32

// jsonValue reads one JSON value from dec, keeping the order of object
// members: integers become ints, other numbers doubles.
func jsonValue(dec *json.Decoder, depth int) (rpc.Value, error) {
	if depth > maxJSONDepth {
		return rpc.Value{}, fmt.Errorf("nested deeper than %d", maxJSONDepth)
	}
	tok, err := dec.Token()
	if err != nil {
		return rpc.Value{}, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			members := []rpc.Member{}
			for dec.More() {
				key, err := dec.Token()
				if err != nil {
					return rpc.Value{}, err
				}
				v, err := jsonValue(dec, depth+1)
				if err != nil {
					return rpc.Value{}, err
				}
				members = append(members, rpc.Member{Name: key.(string), Value: v})
			}
			_, err := dec.Token() // '}'
			return rpc.Struct(members...), err
		case '[':
			items := []rpc.Value{}
			for dec.More() {
				v, err := jsonValue(dec, depth+1)
				if err != nil {
					return rpc.Value{}, err
				}
				items = append(items, v)
			}
			_, err := dec.Token() // ']'
			return rpc.Array(items...), err
		}
	case string:
		return rpc.String(t), nil
	case bool:
		return rpc.Bool(t), nil
	case json.Number:
		if n, err := t.Int64(); err == nil {
			return rpc.Int(n), nil
		}
		f, err := t.Float64()
		if err != nil {
			return rpc.Value{}, fmt.Errorf("number %s out of range", t)
		}
		return rpc.Double(f), nil
	case nil:
		return rpc.Value{}, errors.New("null has no XML-RPC value that every satellite accepts")
	}
	return rpc.Value{}, fmt.Errorf("unexpected %v", tok)
}
