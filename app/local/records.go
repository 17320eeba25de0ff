package local

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"margin/app/annotation"
	"margin/app/article"
	msync "margin/app/sync"
)

// The stores of the database. Annotations, articles, positions and
// settings hold one record per object (of type object); pending holds the
// mutations not yet known to be on the server; meta holds one record, the
// replica's state; rejected holds the content of annotations whose edits
// the server refused, for "restore as new"; drafts holds the notes being
// written and not yet saved, on this device only.
const (
	Annotations    = "annotations"
	Articles       = "articles"
	storePositions = "positions"
	storeSettings  = "settings"
	storePending   = "pending"
	storeMeta      = "meta"
	storeRejected  = "rejected"
	storeDrafts    = "drafts"
)

// recordVersion is the format of the records this package writes; records
// of version 1 (annotations and article copies from before sync) are read
// and converted once.
const recordVersion = 2

// kindStores maps each kind of synced object to its store.
var kindStores = map[msync.Kind]string{
	msync.KindAnnotation: Annotations,
	msync.KindArticle:    Articles,
	msync.KindPosition:   storePositions,
	msync.KindSetting:    storeSettings,
}

// objectStores lists the stores of synced objects, in a fixed order.
var objectStores = []string{Annotations, Articles, storePositions, storeSettings}

// allStores lists every store.
var allStores = []string{Annotations, Articles, storePositions, storeSettings, storePending, storeMeta, storeRejected, storeDrafts}

// metaKey is the key of the one record in the meta store.
const metaKey = "meta"

// meta is the replica's state.
type meta struct {
	V        int    `json:"v"`
	ID       string `json:"id"`
	ClientID string `json:"client_id"`
	// Next is the id the next mutation gets.
	Next int64 `json:"next_mutation_id"`
	// Acked is the greatest mutation id the server has said it processed.
	Acked int64 `json:"acked"`
	// Cursor is the version of the last change pulled.
	Cursor int64     `json:"cursor"`
	HLC    msync.HLC `json:"hlc"`
	// Offset is how far the server's clock is ahead of this device's,
	// once known.
	Offset *int64 `json:"server_offset_ms,omitempty"`
}

// newClientID returns a random 128-bit client id.
func newClientID() string {
	var b [16]byte
	rand.Read(b[:]) // never fails: it crashes the program instead
	return "c_" + base64.RawURLEncoding.EncodeToString(b[:])
}

// object is a synced object as stored: the view the reader sees, and the
// server's record it was computed from when they differ (Base; Synced
// when they are the same, so a big article is not stored twice). The view
// is the base with the pending mutations applied. A live annotation's
// record also holds the annotation itself, its fields beside these (as
// records of version 1 did), which is what reads decode.
type object struct {
	V  int    `json:"v"`
	ID string `json:"id"`
	// Article is a live annotation's article, for the store's index.
	Article string        `json:"article,omitempty"`
	View    *msync.Record `json:"view"`
	Base    *msync.Record `json:"base,omitempty"`
	Synced  bool          `json:"synced,omitempty"`
}

// base returns the server's record of o, nil when the server has none.
func (o *object) base() *msync.Record {
	if o.Synced {
		return o.View
	}
	return o.Base
}

// live reports whether o's view is an object that is not deleted.
func (o *object) live() bool { return o != nil && o.View != nil && o.View.Deleted == 0 }

// rebase sets o's view to its base with ms, its pending mutations in
// order, applied as client made them.
func (o *object) rebase(base *msync.Record, ms []msync.Mutation, client string) {
	if len(ms) == 0 {
		o.View, o.Base, o.Synced = base, nil, base != nil
		return
	}
	view := base
	for _, m := range ms {
		r, _ := msync.Apply(view, m, client)
		view = &r
	}
	o.View, o.Base, o.Synced = view, base, false
}

// decodeObject reads a stored object; a record in another format or a
// damaged one is an error.
func decodeObject(raw json.RawMessage) (*object, error) {
	var o object
	if err := json.Unmarshal(raw, &o); err != nil {
		return nil, err
	}
	if o.V == 1 {
		return nil, errOldFormat
	}
	if o.V != recordVersion {
		return nil, fmt.Errorf("record version %d", o.V)
	}
	if o.View == nil || o.View.ID != o.ID || (o.Base != nil && o.Base.ID != o.ID) {
		return nil, fmt.Errorf("record %q has no view of itself", o.ID)
	}
	return &o, nil
}

// errOldFormat marks a record of version 1, which a transaction replaces
// without a warning.
var errOldFormat = errors.New("a record of version 1")

// encode returns o as stored.
func (o *object) encode() ([]byte, error) {
	o.V = recordVersion
	o.Article = ""
	if !o.live() || o.View.Kind != msync.KindAnnotation {
		return json.Marshal(o)
	}
	if f, ok := o.View.Fields["article"]; ok {
		_ = json.Unmarshal(f.Value, &o.Article)
	}
	b, err := json.Marshal(o)
	a, aerr := msync.ToAnnotation(o.View)
	if err != nil || aerr != nil || annotation.Validate(&a) != nil {
		// Not a whole annotation yet (its creation is not here): the
		// record is kept, and reads pass over it.
		return b, err
	}
	fields := map[string]json.RawMessage{}
	ab, err := json.Marshal(a)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(ab, &fields); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(b, &fields); err != nil {
		return nil, err
	}
	return json.Marshal(fields)
}

// annotationRecord is what reads decode from a stored annotation, of
// either version.
type annotationRecord struct {
	V    int           `json:"v"`
	View *msync.Record `json:"view"`
	annotation.Annotation
}

// pendingRecord is a mutation waiting for the server.
type pendingRecord struct {
	V  int            `json:"v"`
	ID string         `json:"id"`
	M  msync.Mutation `json:"m"`
}

// pendingKey is the key of mutation id: zero-padded, so that keys sort
// as the ids do.
func pendingKey(id int64) string { return fmt.Sprintf("%020d", id) }

// rejectedRecord keeps an annotation whose edit the server refused.
type rejectedRecord struct {
	V          int                   `json:"v"`
	ID         string                `json:"id"`
	Reason     string                `json:"reason"`
	At         int64                 `json:"at"`
	Annotation annotation.Annotation `json:"annotation"`
}

// Rejection is an annotation whose edits the server refused, as this
// device last showed it: it was deleted on another device first
// (msync.ReasonDeleted), or its id is taken (msync.ReasonNotFound). The
// reader may restore it as a new annotation.
type Rejection struct {
	Annotation annotation.Annotation
	Reason     string
	At         time.Time
}

// v1Annotation is an annotation record of version 1.
type v1Annotation struct {
	V int `json:"v"`
	annotation.Annotation
}

// v1Article is an article record of version 1.
type v1Article struct {
	V       int              `json:"v"`
	ID      string           `json:"id"`
	Article *article.Article `json:"article"`
}

// sameRecord reports whether two views hold the same thing.
func sameRecord(a, b *msync.Record) bool {
	if a == nil || b == nil {
		return a == b
	}
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}
