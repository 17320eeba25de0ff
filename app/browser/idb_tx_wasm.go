//go:build js && wasm

package browser

import (
	"context"
	"fmt"
	"syscall/js"
)

// Update runs one readwrite transaction over stores, in rounds. step is
// called with nil first and returns the round's requests; the writes are
// made at once and the reads awaited, and then step is called again with
// the reads' results, in order: for TxGet the record's JSON or "" when
// there is none, for TxGetAll a JSON array of the store's records. The
// transaction commits after a round with no reads. Requests see the
// writes of earlier rounds and of earlier requests of the same round.
//
// All or nothing: an error from step aborts the transaction and is
// returned, and a full quota gives ErrQuota. step runs inside IndexedDB's
// callbacks, where the transaction is alive only until the callback
// returns, so it must decide at once: it must not block, sleep or wait
// for anything, not even a Go mutex held by a goroutine that waits for
// the browser.
func (d *DB) Update(ctx context.Context, stores []string, step func(got []string) ([]TxOp, error)) error {
	names := make([]any, len(stores))
	for i, s := range stores {
		names[i] = s
	}
	var tx js.Value
	if err := catch(func() { tx = d.db.Call("transaction", names, "readwrite") }); err != nil {
		return fmt.Errorf("update %v: %w", stores, err)
	}
	u := &update{tx: tx, step: step, done: make(chan struct{})}
	onDone := js.FuncOf(func(js.Value, []js.Value) any {
		u.finish(nil)
		return nil
	})
	onAbort := js.FuncOf(func(js.Value, []js.Value) any {
		u.finish(txError(tx.Get("error"), fmt.Sprintf("update %v", stores)))
		return nil
	})
	defer func() {
		// The transaction has ended: no request or transaction event
		// can call back into the functions released here.
		tx.Set("oncomplete", js.Null())
		tx.Set("onabort", js.Null())
		onDone.Release()
		onAbort.Release()
		for _, r := range u.reqs {
			r.Set("onsuccess", js.Null())
		}
		for _, f := range u.funcs {
			f.Release()
		}
	}()
	tx.Set("oncomplete", onDone)
	tx.Set("onabort", onAbort)
	tx.Set("onerror", js.Null()) // the abort that follows reports it once
	u.round(nil)
	select {
	case <-u.done:
	case <-ctx.Done():
		// Abort, so that the outcome is known, and wait for the browser
		// to say so; it does so at once. If the transaction was already
		// committing, abort throws and the commit is reported instead.
		_ = catch(func() { tx.Call("abort") })
		<-u.done
		if u.err != nil && u.stepErr == nil {
			return fmt.Errorf("update %v: %w", stores, ctx.Err())
		}
	}
	if u.stepErr != nil {
		return u.stepErr
	}
	return u.err
}

// update is the state of one transaction Update runs. Its fields are
// touched by the browser's callbacks and then, after done is closed, by
// Update; never by both at once.
type update struct {
	tx   js.Value
	step func(got []string) ([]TxOp, error)

	reqs    []js.Value // read requests, whose handlers are cleared at the end
	funcs   []js.Func  // their handlers, released at the end
	stepErr error      // the error that made Update abort, if any
	err     error      // how the transaction ended
	ended   bool       // done is closed
	done    chan struct{}
}

// finish records how the transaction ended.
func (u *update) finish(err error) {
	if u.ended {
		return
	}
	u.ended, u.err = true, err
	close(u.done)
}

// fail aborts the transaction because of err. It is called while the
// transaction is active, from the round that failed.
func (u *update) fail(err error) {
	if u.stepErr == nil {
		u.stepErr = err
	}
	_ = catch(func() { u.tx.Call("abort") })
}

// callStep calls step, turning a panic into an error: it runs inside a
// browser callback, where a panic would stop the whole program.
func (u *update) callStep(got []string) (ops []TxOp, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("update: %v", r)
		}
	}()
	return u.step(got)
}

// round asks step for the next requests and makes them.
func (u *update) round(got []string) {
	ops, err := u.callStep(got)
	if err != nil {
		u.fail(err)
		return
	}
	reads := 0
	for _, op := range ops {
		if op.IsRead() {
			reads++
		}
	}
	results := make([]string, reads)
	remaining := reads
	next := 0
	parse := js.Global().Get("JSON")
	if err := catch(func() {
		for _, op := range ops {
			os := u.tx.Call("objectStore", op.Store)
			switch op.Kind {
			case TxPut:
				os.Call("put", parse.Call("parse", op.Record))
			case TxDelete:
				os.Call("delete", op.Key)
			case TxClear:
				os.Call("clear")
			case TxGet, TxGetAll:
				var req js.Value
				if op.Kind == TxGet {
					req = os.Call("get", op.Key)
				} else {
					req = os.Call("getAll")
				}
				i := next
				next++
				var f js.Func
				f = js.FuncOf(func(js.Value, []js.Value) any {
					v := req.Get("result")
					if !v.IsUndefined() {
						results[i] = parse.Call("stringify", v).String()
					}
					remaining--
					if remaining == 0 {
						u.round(results)
					}
					return nil
				})
				u.reqs = append(u.reqs, req)
				u.funcs = append(u.funcs, f)
				req.Set("onsuccess", f)
			default:
				panic(fmt.Sprintf("unknown request kind %d", op.Kind))
			}
		}
	}); err != nil {
		u.fail(err)
	}
}
