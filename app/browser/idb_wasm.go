//go:build js && wasm

package browser

import (
	"context"
	"fmt"
	"syscall/js"
)

// DB is an open IndexedDB database. Its methods block until IndexedDB
// answers, so call them from a goroutine, never from a JS callback or the
// UI loop.
type DB struct {
	db   js.Value
	name string
	// onVersion closes the connection when another page asks to upgrade
	// or delete the database, which would otherwise wait for this page.
	onVersion js.Func
}

// OpenDB opens (creating or upgrading) the named database at version,
// making sure every store in stores and each of its indexes exists.
func OpenDB(ctx context.Context, name string, version int, stores []StoreSpec) (*DB, error) {
	idb := js.Global().Get("indexedDB")
	if !idb.Truthy() {
		return nil, ErrNoDB
	}
	var req js.Value
	if err := catch(func() { req = idb.Call("open", name, version) }); err != nil {
		return nil, fmt.Errorf("%w: open %s: %v", ErrNoDB, name, err)
	}
	upgrade := js.FuncOf(func(js.Value, []js.Value) any {
		db := req.Get("result")
		tx := req.Get("transaction")
		for _, s := range stores {
			var os js.Value
			if db.Get("objectStoreNames").Call("contains", s.Name).Bool() {
				os = tx.Call("objectStore", s.Name)
			} else {
				os = db.Call("createObjectStore", s.Name, map[string]any{"keyPath": s.KeyPath})
			}
			for _, ix := range s.Indexes {
				if !os.Get("indexNames").Call("contains", ix).Bool() {
					os.Call("createIndex", ix, ix)
				}
			}
		}
		return nil
	})
	defer func() {
		req.Set("onupgradeneeded", js.Null())
		upgrade.Release()
	}()
	req.Set("onupgradeneeded", upgrade)
	res, err := await(ctx, req, "open "+name)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNoDB, err)
	}
	d := &DB{db: res, name: name}
	d.onVersion = js.FuncOf(func(js.Value, []js.Value) any {
		d.db.Call("close")
		Warn("the database " + name + " was closed for another page that upgrades or deletes it; reload to use it again")
		return nil
	})
	res.Set("onversionchange", d.onVersion)
	return d, nil
}

// Close closes the connection. Requests made after it fail.
func (d *DB) Close() {
	d.db.Set("onversionchange", js.Null())
	d.db.Call("close")
	d.onVersion.Release()
}

// DeleteDB deletes the named database and everything in it. Pages that
// have it open are asked to close it (DB closes itself when asked); the
// deletion waits for them.
func DeleteDB(ctx context.Context, name string) error {
	idb := js.Global().Get("indexedDB")
	if !idb.Truthy() {
		return ErrNoDB
	}
	var req js.Value
	if err := catch(func() { req = idb.Call("deleteDatabase", name) }); err != nil {
		return fmt.Errorf("delete database %s: %v", name, err)
	}
	_, err := await(ctx, req, "delete database "+name)
	return err
}

// Get returns the record with key in store as JSON, and whether there is one.
func (d *DB) Get(ctx context.Context, store, key string) (string, bool, error) {
	var req js.Value
	if err := catch(func() {
		req = d.db.Call("transaction", store, "readonly").Call("objectStore", store).Call("get", key)
	}); err != nil {
		return "", false, fmt.Errorf("get %s/%s: %v", store, key, err)
	}
	v, err := await(ctx, req, "get "+store)
	if err != nil || v.IsUndefined() {
		return "", false, err
	}
	return js.Global().Get("JSON").Call("stringify", v).String(), true, nil
}

// All returns the records of store as one JSON array: every record, or
// with index set only those whose index field equals key.
func (d *DB) All(ctx context.Context, store, index, key string) (string, error) {
	var req js.Value
	if err := catch(func() {
		src := d.db.Call("transaction", store, "readonly").Call("objectStore", store)
		if index != "" {
			req = src.Call("index", index).Call("getAll", key)
		} else {
			req = src.Call("getAll")
		}
	}); err != nil {
		return "", fmt.Errorf("read %s: %v", store, err)
	}
	v, err := await(ctx, req, "read "+store)
	if err != nil {
		return "", err
	}
	return js.Global().Get("JSON").Call("stringify", v).String(), nil
}

// await waits for an IDBRequest to succeed or fail.
func await(ctx context.Context, req js.Value, what string) (js.Value, error) {
	type result struct {
		v   js.Value
		err error
	}
	done := make(chan result, 1)
	var onOK, onErr, onBlocked js.Func
	onOK = js.FuncOf(func(js.Value, []js.Value) any {
		done <- result{v: req.Get("result")}
		return nil
	})
	onErr = js.FuncOf(func(_ js.Value, args []js.Value) any {
		if len(args) > 0 {
			args[0].Call("preventDefault") // keep the failure from aborting more than this request
		}
		done <- result{err: txError(req.Get("error"), what)}
		return nil
	})
	onBlocked = js.FuncOf(func(js.Value, []js.Value) any {
		Warn(what + " waits for another tab to close the database")
		return nil
	})
	defer func() {
		// The request may end after a cancelled wait: it must not call
		// back into released functions.
		req.Set("onsuccess", js.Null())
		req.Set("onerror", js.Null())
		req.Set("onblocked", js.Null())
		onOK.Release()
		onErr.Release()
		onBlocked.Release()
	}()
	req.Set("onsuccess", onOK)
	req.Set("onerror", onErr)
	req.Set("onblocked", onBlocked)
	select {
	case r := <-done:
		return r.v, r.err
	case <-ctx.Done():
		return js.Undefined(), fmt.Errorf("%s: %w", what, ctx.Err())
	}
}

// txError turns a DOMException from IndexedDB into an error, ErrQuota for
// a full quota.
func txError(e js.Value, what string) error {
	if !e.Truthy() {
		return fmt.Errorf("%s: aborted", what)
	}
	name, msg := e.Get("name").String(), e.Get("message").String()
	if name == "QuotaExceededError" {
		return fmt.Errorf("%s: %w: %s", what, ErrQuota, msg)
	}
	return fmt.Errorf("%s: %s: %s", what, name, msg)
}

// catch runs f, turning a JS exception it throws into an error.
func catch(f func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			if je, ok := r.(js.Error); ok {
				err = fmt.Errorf("%s", je.Value.Call("toString").String())
				if je.Value.Get("name").String() == "QuotaExceededError" {
					err = fmt.Errorf("%w: %v", ErrQuota, err)
				}
				return
			}
			err = fmt.Errorf("%v", r)
		}
	}()
	f()
	return nil
}
