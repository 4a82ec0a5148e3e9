package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
)

// listMethods prints every method name, one a line.
func listMethods(c *caller, out io.Writer) error {
	v, err := c.call("system.listMethods")
	if err != nil {
		return err
	}
	names, ok := v.([]any)
	if !ok {
		return fmt.Errorf("system.listMethods answered %T, not an array", v)
	}
	for _, n := range names {
		fmt.Fprintln(out, n)
	}
	return nil
}

// showHelp prints a method's description, then its signatures.
func showHelp(c *caller, out io.Writer, method string) error {
	help, err := c.call("system.methodHelp", method)
	if err != nil {
		return err
	}
	fmt.Fprintln(out, help)
	sigs, err := c.call("system.methodSignature", method)
	if err != nil {
		return nil // an old relay without the standard form: the help is enough
	}
	list, ok := sigs.([]any)
	if !ok {
		return nil // "undef"
	}
	for _, s := range list {
		types, ok := s.([]any)
		if !ok || len(types) == 0 {
			continue
		}
		params := make([]string, len(types)-1)
		for i, p := range types[1:] {
			params[i] = fmt.Sprint(p)
		}
		fmt.Fprintf(out, "signature: %v %s(%s)\n", types[0], method, strings.Join(params, ", "))
	}
	return nil
}

// printCall calls method and prints the reply as indented JSON.
func printCall(c *caller, out io.Writer, method string, params ...any) error {
	v, err := c.call(method, params...)
	if err != nil {
		return err
	}
	text, err := indentedJSON(v)
	if err != nil {
		return err
	}
	fmt.Fprintln(out, text)
	return nil
}

// multicallBatch is how many props calls go in one system.multicall
// (relayd takes up to 100).
const multicallBatch = 50

// satelliteTable prints one row per registered satellite. The props come
// in batches through system.multicall; a satellite that left in between
// (its call faults) is left out.
func satelliteTable(c *caller, out io.Writer) error {
	v, err := c.call("relay.get_satellites")
	if err != nil {
		return err
	}
	ids, ok := v.([]any)
	if !ok {
		return fmt.Errorf("relay.get_satellites answered %T, not an array", v)
	}
	var rows []map[string]any
	for start := 0; start < len(ids); start += multicallBatch {
		batch := ids[start:min(start+multicallBatch, len(ids))]
		calls := make([]any, len(batch))
		for i, id := range batch {
			calls[i] = map[string]any{
				"methodName": "relay.get_satellite_props",
				"params":     []any{map[string]any{"host_id": id}},
			}
		}
		v, err := c.call("system.multicall", calls)
		if err != nil {
			return err
		}
		results, ok := v.([]any)
		if !ok {
			return fmt.Errorf("system.multicall answered %T, not an array", v)
		}
		for _, r := range results {
			if one, ok := r.([]any); ok && len(one) == 1 {
				if props, ok := one[0].(map[string]any); ok {
					rows = append(rows, props)
				}
			}
		}
	}
	writeTable(out, rows)
	return nil
}

// tableColumns are the satellites table's headings and the props they show.
var tableColumns = []struct{ heading, key string }{
	{"HOST_ID", "host_id"},
	{"NICK", "nick"},
	{"STATE", "state"},
	{"PING_MS", "ping_current"},
	{"SENT", "send_count"},
	{"RECEIVED", "recv_count"},
	{"QUEUED", "queue_depth"},
	{"DROPPED", "dropped"},
}

// writeTable prints rows of satellite props as aligned columns. A prop the
// relay does not give (an old co2 relay has no state or queue) shows "-",
// and so does a ping time before the first ping (-1).
func writeTable(out io.Writer, rows []map[string]any) {
	tw := tabwriter.NewWriter(out, 0, 8, 2, ' ', 0)
	cells := make([]string, len(tableColumns))
	for i, col := range tableColumns {
		cells[i] = col.heading
	}
	fmt.Fprintln(tw, strings.Join(cells, "\t"))
	for _, props := range rows {
		for i, col := range tableColumns {
			cells[i] = cell(props[col.key])
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	tw.Flush()
}

// cell renders one table value on one line.
func cell(v any) string {
	switch t := v.(type) {
	case nil:
		return "-"
	case float64:
		if t < 0 {
			return "-"
		}
		return strconv.FormatFloat(t, 'f', 1, 64)
	case string:
		if t == "" {
			return "-"
		}
		return strings.Map(func(r rune) rune {
			if r < ' ' || r == 0x7f {
				return '?'
			}
			return r
		}, t)
	default:
		return fmt.Sprint(t)
	}
}
