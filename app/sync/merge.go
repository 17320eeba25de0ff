package sync

import (
	"bytes"
	"encoding/json"
	"slices"
)

// Why a value was kept as a revision.
const (
	RevisionOverwritten = "overwritten"  // a newer edit replaced it
	RevisionLost        = "lost_lww"     // it arrived after a newer edit of the same field
	RevisionAfterDelete = "after_delete" // it was deleted, or arrived after the delete
)

// Revision is a value that a merge took out of an object or kept out of
// it, for recovery.
type Revision struct {
	Field  string          `json:"field"`
	Value  json.RawMessage `json:"value"`
	HLC    HLC             `json:"hlc"`
	By     string          `json:"by"`
	Reason string          `json:"reason"`
}

// Outcome is what applying a mutation did.
type Outcome struct {
	Status    string // StatusApplied or StatusRejected
	Reason    string // for StatusRejected
	Changed   bool   // the record changed: the server bumps its version
	Revisions []Revision
}

// newer reports whether the edit (h, by) beats the edit (than, thanBy):
// the greater clock wins, the greater client id breaks a tie.
func newer(h HLC, by string, than HLC, thanBy string) bool {
	if h != than {
		return h > than
	}
	return by > thanBy
}

// Apply merges m, made by client by, into cur (nil when the object does
// not exist yet) and returns the merged record and what happened. cur is
// not changed. Both the server and the client's rebase of its unsent
// edits use it, so a device shows what the server will hold.
//
// The rule, field by field: a value set by a greater (HLC, client) wins,
// and the other is returned as a revision; of two values one client set
// with the same HLC, the one applied later wins. A delete keeps the object as
// a tombstone whose fields go to revisions; an upsert of a deleted object
// is rejected and its fields go to revisions too. The caller clamps m.HLC
// and validates m first; Version and Created are the caller's to set.
func Apply(cur *Record, m Mutation, by string) (Record, Outcome) {
	var r Record
	if cur != nil {
		r = *cur
		r.Fields = make(map[string]Field, len(cur.Fields)+len(m.Fields))
		for k, f := range cur.Fields {
			r.Fields[k] = f
		}
	} else {
		r = Record{Kind: m.Kind, ID: m.Object, Fields: map[string]Field{}}
	}
	var out Outcome
	if r.Deleted != 0 {
		if m.Op == OpDelete {
			return r, Outcome{Status: StatusApplied}
		}
		for _, name := range names(m.Fields) {
			out.Revisions = append(out.Revisions, Revision{Field: name, Value: m.Fields[name], HLC: m.HLC, By: by, Reason: RevisionAfterDelete})
		}
		out.Status, out.Reason = StatusRejected, ReasonDeleted
		return r, out
	}
	out.Status = StatusApplied
	if m.Op == OpDelete {
		for _, name := range names(r.Fields) {
			f := r.Fields[name]
			out.Revisions = append(out.Revisions, Revision{Field: name, Value: f.Value, HLC: f.HLC, By: f.By, Reason: RevisionAfterDelete})
		}
		r.Fields = nil
		r.Deleted = m.HLC
		out.Changed = true
		return r, out
	}
	if cur == nil {
		out.Changed = true
	}
	for _, name := range names(m.Fields) {
		v := m.Fields[name]
		old, ok := r.Fields[name]
		switch {
		case !ok:
			r.Fields[name] = Field{Value: v, HLC: m.HLC, By: by}
			out.Changed = true
		case newer(m.HLC, by, old.HLC, old.By):
			r.Fields[name] = Field{Value: v, HLC: m.HLC, By: by}
			out.Changed = true
			if !bytes.Equal(old.Value, v) {
				out.Revisions = append(out.Revisions, Revision{Field: name, Value: old.Value, HLC: old.HLC, By: old.By, Reason: RevisionOverwritten})
			}
		case old.HLC == m.HLC && old.By == by && bytes.Equal(old.Value, v):
			// The same edit again: nothing to do.
		case old.HLC == m.HLC && old.By == by:
			// A later edit by the same client with the same clock: the
			// server clamps a fast clock to one value, so two edits sent
			// together can share it. The client's edits arrive in the
			// order it made them, so the later one wins.
			r.Fields[name] = Field{Value: v, HLC: m.HLC, By: by}
			out.Changed = true
			out.Revisions = append(out.Revisions, Revision{Field: name, Value: old.Value, HLC: old.HLC, By: old.By, Reason: RevisionOverwritten})
		default:
			if !bytes.Equal(old.Value, v) {
				out.Revisions = append(out.Revisions, Revision{Field: name, Value: v, HLC: m.HLC, By: by, Reason: RevisionLost})
			}
		}
	}
	return r, out
}

// names returns the keys of m, sorted, so merges are deterministic.
func names[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
