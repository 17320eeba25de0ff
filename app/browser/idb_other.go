//go:build !(js && wasm)

package browser

import "context"

// DB is a stand-in outside a browser: OpenDB never returns one.
type DB struct{}

// OpenDB returns ErrNoDB outside a browser.
func OpenDB(ctx context.Context, name string, version int, stores []StoreSpec) (*DB, error) {
	return nil, ErrNoDB
}

// DeleteDB returns ErrNoDB outside a browser.
func DeleteDB(ctx context.Context, name string) error { return ErrNoDB }

// Close does nothing outside a browser.
func (d *DB) Close() {}

// Get returns ErrNoDB outside a browser.
func (d *DB) Get(ctx context.Context, store, key string) (string, bool, error) {
	return "", false, ErrNoDB
}

// All returns ErrNoDB outside a browser.
func (d *DB) All(ctx context.Context, store, index, key string) (string, error) {
	return "", ErrNoDB
}

// Update returns ErrNoDB outside a browser.
func (d *DB) Update(ctx context.Context, stores []string, step func(got []string) ([]TxOp, error)) error {
	return ErrNoDB
}
