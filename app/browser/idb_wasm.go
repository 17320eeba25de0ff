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

// Put writes records, each a JSON object holding its key, into store in
// one transaction: all are kept or none. A full quota gives ErrQuota.
func (d *DB) Put(ctx context.Context, store string, records ...string) error {
	return d.write(ctx, store, "put", func(os js.Value) error {
		parse := js.Global().Get("JSON")
		for _, r := range records {
			var v js.Value
			if err := catch(func() { v = parse.Call("parse", r) }); err != nil {
				return fmt.Errorf("put into %s: record is not JSON: %v", store, err)
			}
			os.Call("put", v)
		}
		return nil
	})
}

// Delete removes the records with the given keys from store, in one
// transaction. Missing keys are not an error.
func (d *DB) Delete(ctx context.Context, store string, keys ...string) error {
	return d.write(ctx, store, "delete", func(os js.Value) error {
		for _, k := range keys {
			os.Call("delete", k)
		}
		return nil
	})
}

// Clear removes every record of store.
func (d *DB) Clear(ctx context.Context, store string) error {
	return d.write(ctx, store, "clear", func(os js.Value) error {
		os.Call("clear")
		return nil
	})
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

// write runs fill in a readwrite transaction on store and waits for it to
// commit.
func (d *DB) write(ctx context.Context, store, what string, fill func(os js.Value) error) error {
	var tx js.Value
	var ferr error
	if err := catch(func() {
		tx = d.db.Call("transaction", store, "readwrite")
		ferr = fill(tx.Call("objectStore", store))
	}); err != nil {
		return fmt.Errorf("%s %s: %w", what, store, err)
	}
	if ferr != nil {
		tx.Call("abort")
		return ferr
	}
	done := make(chan error, 1)
	var onDone, onFail js.Func
	onDone = js.FuncOf(func(js.Value, []js.Value) any {
		done <- nil
		return nil
	})
	onFail = js.FuncOf(func(js.Value, []js.Value) any {
		done <- txError(tx.Get("error"), what+" "+store)
		return nil
	})
	defer func() {
		// The transaction may end after a cancelled wait: it must not
		// call back into released functions.
		tx.Set("oncomplete", js.Null())
		tx.Set("onabort", js.Null())
		onDone.Release()
		onFail.Release()
	}()
	tx.Set("oncomplete", onDone)
	tx.Set("onabort", onFail)
	tx.Set("onerror", js.Null()) // the abort that follows reports it once
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		// The transaction may still commit; say so rather than guess.
		return fmt.Errorf("%s %s: %w", what, store, ctx.Err())
	}
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
