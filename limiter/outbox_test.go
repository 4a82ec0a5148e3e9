package limiter

import (
	"fmt"
	"slices"
	"testing"
)

// msgs builds messages from specs like "a1": sender "a", Seq in order of the
// list, Payload the spec itself.
func msgs(specs ...string) []Message {
	out := make([]Message, len(specs))
	for i, s := range specs {
		out[i] = Message{Sender: s[:1], Payload: s, Seq: uint64(i + 1)}
	}
	return out
}

func drainBox(o *outbox) []string {
	var got []string
	for {
		m, ok := o.pop()
		if !ok {
			return got
		}
		got = append(got, m.Payload.(string))
	}
}

func TestOutbox(t *testing.T) {
	tests := []struct {
		name      string
		capacity  int
		push      []string
		wantDrops int
		wantPops  []string
	}{
		{
			name:     "round robin over senders, FIFO within a sender",
			capacity: 10,
			push:     []string{"a1", "a2", "a3", "b1", "c1", "b2"},
			wantPops: []string{"a1", "b1", "c1", "a2", "b2", "a3"},
		},
		{
			name:      "a flooder loses its own oldest message",
			capacity:  3,
			push:      []string{"a1", "a2", "b1", "a3"},
			wantDrops: 1,
			wantPops:  []string{"a2", "b1", "a3"},
		},
		{
			name:      "the quiet sender keeps its message however long the flood",
			capacity:  3,
			push:      []string{"b1", "a1", "a2", "a3", "a4", "a5", "a6"},
			wantDrops: 4,
			wantPops:  []string{"b1", "a5", "a6"},
		},
		{
			name:      "on a tie the incoming sender pays",
			capacity:  2,
			push:      []string{"a1", "b1", "b2"},
			wantDrops: 1,
			wantPops:  []string{"a1", "b2"},
		},
		{
			name:      "on a tie without the incoming sender, the next in line pays",
			capacity:  2,
			push:      []string{"a1", "b1", "c1"},
			wantDrops: 1,
			wantPops:  []string{"b1", "c1"},
		},
		{
			name:      "capacity one keeps the newest",
			capacity:  1,
			push:      []string{"a1", "b1", "a2"},
			wantDrops: 2,
			wantPops:  []string{"a2"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := newOutbox(tt.capacity)
			drops := 0
			for _, m := range msgs(tt.push...) {
				if o.push(m) {
					drops++
				}
			}
			if drops != tt.wantDrops {
				t.Errorf("drops = %d, want %d", drops, tt.wantDrops)
			}
			if o.depth != len(tt.wantPops) {
				t.Errorf("depth = %d, want %d", o.depth, len(tt.wantPops))
			}
			if got := drainBox(&o); !slices.Equal(got, tt.wantPops) {
				t.Errorf("pops = %v, want %v", got, tt.wantPops)
			}
			if o.depth != 0 || len(o.bySender) != 0 || o.turns.len() != 0 {
				t.Errorf("empty outbox keeps depth %d, %d senders, %d turns", o.depth, len(o.bySender), o.turns.len())
			}
		})
	}
}

func TestOutboxNewestAndClear(t *testing.T) {
	o := newOutbox(10)
	if _, ok := o.newest(); ok {
		t.Error("newest of an empty outbox: ok")
	}
	for _, m := range msgs("a1", "b1", "a2", "c1", "b2") {
		o.push(m)
	}
	newest, ok := o.newest()
	if !ok || newest.Payload != "b2" {
		t.Errorf("newest = %v, %v; want b2", newest.Payload, ok)
	}
	if n := o.clear(); n != 5 {
		t.Errorf("clear = %d, want 5", n)
	}
	if _, ok := o.pop(); ok || o.depth != 0 {
		t.Errorf("after clear: pop ok %v, depth %d", ok, o.depth)
	}
	// Reused sub-queues must not remember their old sender.
	o.push(Message{Sender: "z", Payload: "z1"})
	if got := drainBox(&o); !slices.Equal(got, []string{"z1"}) {
		t.Errorf("after clear: pops = %v", got)
	}
}

func TestFIFOWrapsAndGrows(t *testing.T) {
	var q fifo[int]
	next, want := 0, 0
	// Interleave pushes and pops so the ring wraps while it grows.
	for round := range 50 {
		for range round % 7 {
			q.push(next)
			next++
		}
		for range round % 3 {
			if q.len() == 0 {
				break
			}
			if got := q.pop(); got != want {
				t.Fatalf("pop = %d, want %d", got, want)
			}
			want++
		}
		if q.len() > 0 && q.back() != next-1 {
			t.Fatalf("back = %d, want %d", q.back(), next-1)
		}
	}
	if n := q.clear(); n != next-want {
		t.Errorf("clear = %d, want %d", n, next-want)
	}
	if q.buf != nil {
		t.Errorf("an emptied large buffer is kept: cap %d", len(q.buf))
	}
}

func ExampleState_String() {
	fmt.Println(StateUp, StateSuspect)
	// Output: up suspect
}
