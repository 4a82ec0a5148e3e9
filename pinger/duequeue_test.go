package pinger

import (
	"container/heap"
	"slices"
	"testing"
	"time"
)

// The due queue gives entries back by due time, then by name, whatever the
// order they went in and whatever was moved or removed on the way; and every
// entry knows its own position, which Fix and Remove rely on.
func TestDueQueueOrder(t *testing.T) {
	type item struct {
		target string
		due    time.Duration
	}
	cases := []struct {
		name   string
		push   []item
		move   map[string]time.Duration // after pushing, target -> new due
		remove []string                 // after moving
		want   []string
	}{
		{"by due time", []item{{"c", 3}, {"a", 1}, {"b", 2}}, nil, nil, []string{"a", "b", "c"}},
		{"ties by name", []item{{"b", 1}, {"c", 1}, {"a", 1}, {"d", 0}}, nil, nil, []string{"d", "a", "b", "c"}},
		{"moved later", []item{{"a", 1}, {"b", 2}, {"c", 3}}, map[string]time.Duration{"a": 4}, nil, []string{"b", "c", "a"}},
		{"moved earlier", []item{{"a", 1}, {"b", 2}, {"c", 3}}, map[string]time.Duration{"c": 0}, nil, []string{"c", "a", "b"}},
		{"removed first, middle and last", []item{{"a", 1}, {"b", 2}, {"c", 3}, {"d", 4}, {"e", 5}},
			nil, []string{"a", "c", "e"}, []string{"b", "d"}},
		{"moved then removed", []item{{"a", 1}, {"b", 2}, {"c", 3}}, map[string]time.Duration{"a": 9, "b": 0},
			[]string{"b"}, []string{"c", "a"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var q dueQueue
			byName := make(map[string]*entry)
			for _, it := range tc.push {
				e := &entry{target: it.target, due: t0.Add(it.due)}
				byName[it.target] = e
				heap.Push(&q, e)
			}
			for target, due := range tc.move {
				e := byName[target]
				e.due = t0.Add(due)
				heap.Fix(&q, e.index)
			}
			for _, target := range tc.remove {
				e := byName[target]
				heap.Remove(&q, e.index)
				if e.index != -1 {
					t.Errorf("removed %s keeps index %d", target, e.index)
				}
			}
			for i, e := range q {
				if e.index != i {
					t.Fatalf("%s sits at %d but records %d", e.target, i, e.index)
				}
			}
			var got []string
			for q.Len() > 0 {
				if first := q.earliest(); first != q[0] {
					t.Fatalf("earliest() = %s, want %s", first.target, q[0].target)
				}
				got = append(got, heap.Pop(&q).(*entry).target)
			}
			if !slices.Equal(got, tc.want) {
				t.Fatalf("order %q, want %q", got, tc.want)
			}
		})
	}
}
