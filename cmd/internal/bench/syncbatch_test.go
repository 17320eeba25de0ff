package main

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	msync "margin/app/sync"
)

// TestBatchesAreValid checks that the load's batches are pushes Margin
// accepts in full: well-formed requests whose every mutation passes
// msync.CheckMutation and merges as applied, numbered on from the last
// batch, with ids unique and the bookkeeping matching the body.
func TestBatchesAreValid(t *testing.T) {
	base := msync.At(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	g := newBatchGen(3, 37, "bench-u003-d07", base)
	records := map[string]*msync.Record{}
	var next int64 = 1
	creates, edits := 0, 0
	for i := range 60 {
		var b *batch
		if i < 59 {
			b = g.load()
		} else {
			b = g.creates(seedBatch)
		}
		var req msync.PushRequest
		if err := json.Unmarshal(b.body, &req); err != nil {
			t.Fatalf("batch %d: %v", i, err)
		}
		if err := msync.CheckRequest(&req); err != nil {
			t.Fatalf("batch %d: %v", i, err)
		}
		if len(req.Mutations) != b.n || b.first != next || b.last != next+int64(b.n)-1 {
			t.Fatalf("batch %d: %d mutations numbered %d–%d; its record says %d, %d–%d (want from %d)",
				i, len(req.Mutations), req.Mutations[0].ID, req.Mutations[len(req.Mutations)-1].ID, b.n, b.first, b.last, next)
		}
		if i < 59 && (b.n < 1 || b.n > 5) {
			t.Errorf("batch %d: %d mutations, want 1 to 5", i, b.n)
		}
		if len(b.creates)+len(b.edits) != b.n {
			t.Errorf("batch %d: %d creates and %d edits recorded for %d mutations", i, len(b.creates), len(b.edits), b.n)
		}
		next = b.last + 1
		for _, m := range req.Mutations {
			if err := msync.CheckMutation(&m); err != nil {
				t.Fatalf("batch %d: %v", i, err)
			}
			rec, out := msync.Apply(records[m.Object], m, req.ClientID)
			if out.Status != msync.StatusApplied {
				t.Fatalf("batch %d, mutation %d: %s (%s)", i, m.ID, out.Status, out.Reason)
			}
			records[m.Object] = &rec
		}
		creates += len(b.creates)
		edits += len(b.edits)
		if len(records) != creates {
			t.Fatalf("after batch %d: %d objects, but %d creates recorded (an id made twice?)", i, len(records), creates)
		}
		last := map[string]string{} // an annotation may be edited twice in a batch
		for _, e := range b.edits {
			last[e.id] = e.note
		}
		for id, want := range last {
			var note string
			json.Unmarshal(records[id].Fields["note"].Value, &note)
			if note != want {
				t.Errorf("batch %d: annotation %s has note %q, its last edit set %q", i, id, note, want)
			}
		}
	}
	if edits == 0 || creates == 0 {
		t.Errorf("%d creates and %d edits in the load: want both", creates, edits)
	}
	for id, rec := range records {
		if _, err := msync.ToAnnotation(rec); err != nil {
			t.Errorf("annotation %s: %v", id, err)
		}
	}
}

// TestBatchesRepeat checks that a device makes the same bytes again from
// the same start, so both servers receive the same load.
func TestBatchesRepeat(t *testing.T) {
	base := msync.At(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	a := &device{user: 1, index: 12, clientID: "bench-u001-d02"}
	b := &device{user: 1, index: 12, clientID: "bench-u001-d02"}
	a.reset(base)
	b.reset(base)
	for i := range 20 {
		if !bytes.Equal(a.batch(i).body, b.batch(i).body) {
			t.Fatalf("batch %d differs between two devices made alike", i)
		}
	}
	other := &device{user: 1, index: 13, clientID: "bench-u001-d03"}
	other.reset(base)
	if bytes.Equal(a.batch(0).body, other.batch(0).body) {
		t.Errorf("two devices made the same first batch")
	}
}
