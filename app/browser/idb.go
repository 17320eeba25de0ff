package browser

import "errors"

// StoreSpec describes an IndexedDB object store: records are JSON objects
// keyed by their KeyPath field, and each name in Indexes is both an index
// and the field it indexes.
type StoreSpec struct {
	Name    string
	KeyPath string
	Indexes []string
}

// ErrNoDB reports that the browser offers no IndexedDB (or refused to open
// it, as some private modes do).
var ErrNoDB = errors.New("browser: this browser keeps no database for this site")

// ErrQuota reports that the browser's storage quota for the site is full.
var ErrQuota = errors.New("browser: the storage quota is full")

// TxKind is what one request of a transaction does.
type TxKind int

// The requests a transaction can make.
const (
	TxGet    TxKind = iota // read the record with Key ("" in the results when there is none)
	TxGetAll               // read every record of Store, as one JSON array in key order
	TxPut                  // write Record, a JSON object holding its key
	TxDelete               // remove the record with Key, if any
	TxClear                // remove every record of Store
)

// TxOp is one request of a transaction that DB.Update runs.
type TxOp struct {
	Kind   TxKind
	Store  string
	Key    string // TxGet, TxDelete
	Record string // TxPut
}

// IsRead reports whether op reads, and so has a result.
func (op TxOp) IsRead() bool { return op.Kind == TxGet || op.Kind == TxGetAll }
