package rpc

// Values: <value> and everything inside it. Each function is entered just
// after its start tag and returns just after its end tag. Recursion goes
// through structValue and arrayValue, which refuse to go deeper than
// MaxValueDepth (itself capped by maxValueDepthCap).

// countValue counts one more value against MaxValues.
func (d *decoder) countValue() *Fault {
	d.values++
	if d.values > d.lim.MaxValues {
		return overLimitf("more than %d values in one document", d.lim.MaxValues)
	}
	return nil
}

// value reads a <value>: either text only (an untyped string, kept verbatim,
// whitespace included) or exactly one typed element, with at most
// whitespace beside it. depth is the number of arrays and structs around it.
func (d *decoder) value(depth int) (Value, *Fault) {
	if f := d.countValue(); f != nil {
		return Value{}, f
	}
	d.text = d.text[:0]
	for {
		t, f := d.next()
		if f != nil {
			return Value{}, f
		}
		switch t.kind {
		case tokText:
			d.text = append(d.text, t.text...)
		case tokStart:
			if !isXMLSpace(d.text) {
				return Value{}, badRequestf("a <value> holds both text and an element")
			}
			v, f := d.typed(t, depth)
			if f != nil {
				return Value{}, f
			}
			return v, d.valueEnd()
		case tokEnd:
			return String(string(d.text)), nil
		}
	}
}

// valueEnd reads what follows the typed element of a <value>: whitespace,
// then </value>.
func (d *decoder) valueEnd() *Fault {
	for {
		t, f := d.next()
		if f != nil {
			return f
		}
		switch t.kind {
		case tokText:
			if !isXMLSpace(t.text) {
				return badRequestf("a <value> holds both an element and text")
			}
		case tokStart:
			return badRequestf("a <value> holds more than one element (a second <%s>)", quoteName(t.name))
		case tokEnd:
			return nil
		}
	}
}

// typed reads the typed element of a <value>, matched on its local name so
// that prefixed Apache extensions (ex:i8, ex:nil) work.
func (d *decoder) typed(start token, depth int) (Value, *Fault) {
	tag := start.name
	switch tag {
	case "struct":
		return d.structValue(depth + 1)
	case "array":
		return d.arrayValue(depth + 1)
	case "value":
		return Value{}, badRequestf("a <value> directly inside a <value>")
	}
	decode, ok := scalarDecoders[tag]
	if !ok {
		return Value{}, badRequestf("unknown value type <%s>", quoteName(start.name))
	}
	text, f := d.scalarText(tag, 0)
	if f != nil {
		return Value{}, f
	}
	v, ok := decode(text)
	if !ok {
		return Value{}, badRequestf("malformed <%s> value %s", tag, quoteInput(string(text)))
	}
	return v, nil
}

// scalarText reads the text of an element that must hold no element: text
// and CDATA joined, comments and processing instructions dropped. With
// max > 0, text past max bytes is not kept (the caller sees len == max and
// knows it was cut). The result is d.text: valid until the next read.
func (d *decoder) scalarText(tag string, max int) ([]byte, *Fault) {
	d.text = d.text[:0]
	for {
		t, f := d.next()
		if f != nil {
			return nil, f
		}
		switch t.kind {
		case tokText:
			text := t.text
			if max > 0 && len(d.text)+len(text) > max {
				text = text[:max-len(d.text)]
			}
			d.text = append(d.text, text...)
		case tokStart:
			return nil, badRequestf("an element <%s> inside <%s>", quoteName(t.name), tag)
		case tokEnd:
			return d.text, nil
		}
	}
}

// membersIndexFrom is the member count from which a struct looks names up
// in a map rather than by scanning, so 10,000 members stay linear.
const membersIndexFrom = 16

// structValue reads a <struct>. Duplicate names: the last value wins, in the
// place of the first (as Python does).
func (d *decoder) structValue(depth int) (Value, *Fault) {
	if depth > d.lim.MaxValueDepth {
		return Value{}, overLimitf("values nested more than %d deep", d.lim.MaxValueDepth)
	}
	base := len(d.members)
	var index map[string]int
	count := 0
	f := d.elements("struct", func(t token) *Fault {
		if t.name != "member" {
			return badRequestf("unexpected <%s> in <struct> (expected <member>)", quoteName(t.name))
		}
		count++
		if count > d.lim.MaxContainerItems {
			return overLimitf("more than %d members in one struct", d.lim.MaxContainerItems)
		}
		m, f := d.member(depth)
		if f == nil {
			index = d.addMember(base, index, m)
		}
		return f
	})
	if f != nil {
		return Value{}, f
	}
	return Value{Kind: KindStruct, Members: popOpen(&d.members, base)}, nil
}

// addMember adds m to the struct open at d.members[base:], or replaces the
// value of its member of the same name. index (name -> position from base)
// is nil until the struct has membersIndexFrom members.
func (d *decoder) addMember(base int, index map[string]int, m Member) map[string]int {
	open := d.members[base:]
	if index != nil {
		if i, ok := index[m.Name]; ok {
			open[i].Value = m.Value
			return index
		}
		index[m.Name] = len(open)
	} else {
		for i := range open {
			if open[i].Name == m.Name {
				open[i].Value = m.Value
				return nil
			}
		}
		if len(open)+1 >= membersIndexFrom {
			index = make(map[string]int, 2*membersIndexFrom)
			for i := range open {
				index[open[i].Name] = i
			}
			index[m.Name] = len(open)
		}
	}
	d.members = append(d.members, m)
	return index
}

// member reads a <member>: exactly one <name>, then exactly one <value>.
func (d *decoder) member(depth int) (Member, *Fault) {
	var m Member
	haveName, haveValue := false, false
	f := d.elements("member", func(t token) (f *Fault) {
		switch {
		case t.name == "name" && !haveName:
			text, f := d.scalarText("name", d.lim.MaxNameBytes+1)
			if f != nil {
				return f
			}
			if len(text) > d.lim.MaxNameBytes {
				return overLimitf("a member name longer than %d bytes", d.lim.MaxNameBytes)
			}
			m.Name = string(text)
			haveName = true
		case t.name == "value" && haveName && !haveValue:
			m.Value, f = d.value(depth)
			haveValue = true
		default:
			f = badRequestf("a <member> holds one <name> then one <value>, found <%s>", quoteName(t.name))
		}
		return f
	})
	switch {
	case f != nil:
		return Member{}, f
	case !haveName:
		return Member{}, badRequestf("a <member> without a <name>")
	case !haveValue:
		return Member{}, badRequestf("a <member> without a <value>")
	}
	return m, nil
}

// arrayValue reads an <array>, which must hold exactly one <data>.
func (d *decoder) arrayValue(depth int) (Value, *Fault) {
	if depth > d.lim.MaxValueDepth {
		return Value{}, overLimitf("values nested more than %d deep", d.lim.MaxValueDepth)
	}
	var items []Value
	haveData := false
	f := d.elements("array", func(t token) (f *Fault) {
		if t.name != "data" || haveData {
			return badRequestf("an <array> holds exactly one <data>, found <%s>", quoteName(t.name))
		}
		haveData = true
		items, f = d.arrayData(depth)
		return f
	})
	switch {
	case f != nil:
		return Value{}, f
	case !haveData:
		return Value{}, badRequestf("an <array> without <data>")
	}
	return Value{Kind: KindArray, Array: items}, nil
}

// arrayData reads the <value>s of a <data>, collecting them on d.items.
func (d *decoder) arrayData(depth int) ([]Value, *Fault) {
	base := len(d.items)
	f := d.elements("data", func(t token) *Fault {
		if t.name != "value" {
			return badRequestf("unexpected <%s> in <data> (expected <value>)", quoteName(t.name))
		}
		if len(d.items)-base >= d.lim.MaxContainerItems {
			return overLimitf("more than %d items in one array", d.lim.MaxContainerItems)
		}
		v, f := d.value(depth)
		if f == nil {
			d.items = append(d.items, v)
		}
		return f
	})
	if f != nil {
		return nil, f
	}
	return popOpen(&d.items, base), nil
}

// popOpen takes the items of the container open at (*stack)[base:] off
// the stack, into a slice of exactly their number (empty, not nil, for
// none).
func popOpen[T any](stack *[]T, base int) []T {
	items := make([]T, len(*stack)-base)
	copy(items, (*stack)[base:])
	clear((*stack)[base:])
	*stack = (*stack)[:base]
	return items
}
