package sync

import (
	"crypto/sha256"
	"encoding/json"
)

// Protocol is the version of the sync messages this package speaks.
const Protocol = 1

// Limits of one exchange.
const (
	MaxMutations  = 1000    // the most mutations in one push
	MaxPushBytes  = 2 << 20 // the largest push body
	PullLimit     = 500     // the page size a client asks for
	MaxPullLimit  = 1000    // the largest page a server gives
	maxClientID   = 64
	minClientID   = 8
	maxObjectID   = 256
	maxFieldBytes = 1 << 20 // one field's JSON value; an article's model is the big one
)

// MaxFieldBytes is the largest JSON value of one field, which bounds how
// large an article's model may be to sync.
const MaxFieldBytes = maxFieldBytes

// Kind is the kind of a synced object.
type Kind string

// The kinds of objects that sync.
const (
	KindAnnotation Kind = "annotation" // id: the annotation's UUID
	KindArticle    Kind = "article"    // id: the article's id; field "doc" holds its model
	KindPosition   Kind = "position"   // id: the article's id; field "at" holds the reading position
	KindSetting    Kind = "setting"    // id: the setting's name; field "value" holds its value
)

// Op is what a mutation does.
type Op string

// The operations.
const (
	OpUpsert Op = "upsert" // set the fields given, creating the object if need be
	OpDelete Op = "delete" // delete the object, for good
)

// Mutation is one change a client made, numbered by that client: 1, 2,
// 3… A server applies each number at most once.
type Mutation struct {
	ID     int64                      `json:"id"`
	Op     Op                         `json:"op"`
	Kind   Kind                       `json:"kind"`
	Object string                     `json:"object_id"`
	HLC    HLC                        `json:"hlc"`
	Fields map[string]json.RawMessage `json:"fields,omitempty"`
}

// Hash returns a digest of m's content, by which a server tells a replay
// of a mutation from a different mutation under a reused number.
func (m Mutation) Hash() [32]byte {
	// Fields marshal with their keys sorted, so equal mutations give
	// equal bytes.
	b, _ := json.Marshal(m)
	return sha256.Sum256(b)
}

// Field is one field of an object, with the edit that set it.
type Field struct {
	Value json.RawMessage `json:"value"`
	HLC   HLC             `json:"hlc"`
	By    string          `json:"by"` // the client that made the edit
}

// Record is an object as the server holds it and as a pull returns it.
// A deleted object keeps only its identity, Version and Deleted.
type Record struct {
	Kind    Kind             `json:"kind"`
	ID      string           `json:"id"`
	Version int64            `json:"version"`
	Deleted HLC              `json:"deleted,omitempty"` // non-zero: deleted at this HLC
	Fields  map[string]Field `json:"fields,omitempty"`
	Created int64            `json:"created,omitempty"` // Unix ms the server first stored it
}

// Key names an object among one user's objects.
type Key struct {
	Kind Kind
	ID   string
}

// Key returns r's key.
func (r *Record) Key() Key { return Key{r.Kind, r.ID} }

// Key returns the key of the object m changes.
func (m *Mutation) Key() Key { return Key{m.Kind, m.Object} }

// PushRequest is the body of POST /api/sync/push.
type PushRequest struct {
	Protocol  int        `json:"protocol"`
	ClientID  string     `json:"client_id"`
	Mutations []Mutation `json:"mutations"`
}

// What became of a pushed mutation.
const (
	StatusApplied  = "applied"  // applied now (some fields may have lost to newer edits)
	StatusSkipped  = "skipped"  // applied by an earlier push
	StatusRejected = "rejected" // refused for good; Reason says why
)

// Why a mutation was rejected.
const (
	ReasonDeleted  = "deleted"   // the object was deleted; its content is kept as a revision
	ReasonNotFound = "not_found" // the id belongs to nothing this user may change
	ReasonInvalid  = "invalid"   // the content failed validation; Message says how
)

// Result is what became of one mutation of a push.
type Result struct {
	ID      int64  `json:"id"`
	Status  string `json:"status"`
	Reason  string `json:"reason,omitempty"`
	Message string `json:"message,omitempty"`
}

// PushResponse answers a push. Every mutation numbered up to
// LastMutationID is processed; those after it were not looked at (a gap
// in the numbers) and are to be sent again.
type PushResponse struct {
	LastMutationID int64    `json:"last_mutation_id"`
	Results        []Result `json:"results"`
	ServerTimeMs   int64    `json:"server_time_ms"`
}

// PullResponse answers GET /api/sync/pull: the changes after the cursor,
// in version order. LastMutationID comes only with the last page, and is
// the asking client's last processed mutation as of the same snapshot, so
// every effect of those mutations is in the pages pulled.
type PullResponse struct {
	Changes        []Record `json:"changes"`
	Cursor         int64    `json:"cursor"`
	HasMore        bool     `json:"has_more"`
	LastMutationID *int64   `json:"last_mutation_id,omitempty"`
	ServerTimeMs   int64    `json:"server_time_ms"`
}

// ResetResponse is the body of a 410 answer to a pull: the cursor is older
// than the oldest deletion the server still remembers, so the client must
// pull everything again from 0.
type ResetResponse struct {
	ResetRequired bool   `json:"reset_required"`
	Error         string `json:"error"`
	Code          string `json:"code"`
}
