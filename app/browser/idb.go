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
