package local

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"margin/app/browser"
)

// dbName and dbVersion name the browser database; raise the version when
// the stores change.
const (
	dbName    = "margin"
	dbVersion = 1
)

// IndexedDB is the browser's Backend.
type IndexedDB struct {
	db *browser.DB
}

// OpenIndexedDB opens the site's database, creating its stores the first
// time. Outside a browser it fails with browser.ErrNoDB.
func OpenIndexedDB(ctx context.Context) (*IndexedDB, error) {
	db, err := browser.OpenDB(ctx, dbName, dbVersion, []browser.StoreSpec{
		{Name: Annotations, KeyPath: "id", Indexes: []string{"article"}},
		{Name: Articles, KeyPath: "id"},
	})
	if err != nil {
		return nil, fmt.Errorf("local: open the device's database: %w", err)
	}
	return &IndexedDB{db: db}, nil
}

// Put implements Backend.
func (d *IndexedDB) Put(ctx context.Context, store string, records ...[]byte) error {
	s := make([]string, len(records))
	for i, r := range records {
		s[i] = string(r)
	}
	return quota(d.db.Put(ctx, store, s...))
}

// Delete implements Backend.
func (d *IndexedDB) Delete(ctx context.Context, store string, ids ...string) error {
	return d.db.Delete(ctx, store, ids...)
}

// All implements Backend. A record the browser returns that is not JSON
// at all cannot happen (they are structured clones), so one array decode
// suffices; each element is checked by the caller.
func (d *IndexedDB) All(ctx context.Context, store, field, value string) ([]json.RawMessage, error) {
	s, err := d.db.All(ctx, store, field, value)
	if err != nil {
		return nil, err
	}
	var out []json.RawMessage
	if err := json.Unmarshal([]byte(s), &out); err != nil {
		return nil, fmt.Errorf("read %s: %w", store, err)
	}
	return out, nil
}

// Get implements Backend.
func (d *IndexedDB) Get(ctx context.Context, store, id string) (json.RawMessage, error) {
	s, ok, err := d.db.Get(ctx, store, id)
	if err != nil || !ok {
		return nil, err
	}
	return json.RawMessage(s), nil
}

// quota maps the browser's full-quota error to ErrQuota.
func quota(err error) error {
	if errors.Is(err, browser.ErrQuota) {
		return fmt.Errorf("%w: %w", ErrQuota, err)
	}
	return err
}
