package local

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"margin/app/browser"
)

// dbVersion is the version of the browser databases' layout; raise it
// when the stores change. Version 1 had annotations and articles only;
// opening it at version 2 adds the other stores and keeps the records,
// which the Store converts on first use. Version 3 adds the drafts.
const dbVersion = 3

// GuestDB is the database of a reader who is not signed in.
const GuestDB = "margin"

// UserDB returns the name of the database of a signed-in user.
func UserDB(userID string) string { return "margin-u-" + userID }

// specs lists the stores of a database.
var specs = []browser.StoreSpec{
	{Name: Annotations, KeyPath: "id", Indexes: []string{"article"}},
	{Name: Articles, KeyPath: "id"},
	{Name: storePositions, KeyPath: "id"},
	{Name: storeSettings, KeyPath: "id"},
	{Name: storePending, KeyPath: "id"},
	{Name: storeMeta, KeyPath: "id"},
	{Name: storeRejected, KeyPath: "id"},
	{Name: storeDrafts, KeyPath: "id", Indexes: []string{"article"}},
}

// IndexedDB is the browser's Backend.
type IndexedDB struct {
	db   *browser.DB
	name string
}

// OpenIndexedDB opens the named database, creating or upgrading its
// stores. Outside a browser it fails with browser.ErrNoDB.
func OpenIndexedDB(ctx context.Context, name string) (*IndexedDB, error) {
	db, err := browser.OpenDB(ctx, name, dbVersion, specs)
	if err != nil {
		return nil, fmt.Errorf("local: open the device's database: %w", err)
	}
	return &IndexedDB{db: db, name: name}, nil
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

// Update implements Backend.
func (d *IndexedDB) Update(ctx context.Context, stores []string, step func(got []json.RawMessage) ([]Op, error)) error {
	err := d.db.Update(ctx, stores, func(got []string) ([]browser.TxOp, error) {
		var in []json.RawMessage
		if got != nil {
			in = make([]json.RawMessage, len(got))
			for i, s := range got {
				if s != "" {
					in[i] = json.RawMessage(s)
				}
			}
		}
		ops, err := step(in)
		if err != nil {
			return nil, err
		}
		out := make([]browser.TxOp, len(ops))
		for i, op := range ops {
			out[i] = browser.TxOp{Kind: op.Kind, Store: op.Store, Key: op.Key, Record: string(op.Record)}
		}
		return out, nil
	})
	return quota(err)
}

// Destroy implements Backend: it closes the database and deletes it.
func (d *IndexedDB) Destroy(ctx context.Context) error {
	d.db.Close()
	return browser.DeleteDB(ctx, d.name)
}

// quota maps the browser's full-quota error to ErrQuota.
func quota(err error) error {
	if errors.Is(err, browser.ErrQuota) {
		return fmt.Errorf("%w: %w", ErrQuota, err)
	}
	return err
}
