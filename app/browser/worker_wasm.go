//go:build js && wasm

package browser

import (
	"context"
	"fmt"
	gosync "sync"
	"syscall/js"
)

// workers are the dedicated workers CallWorker started, by script, with
// the calls each has yet to answer.
var workers = struct {
	gosync.Mutex
	byScript map[string]*worker
	nextID   int
}{byScript: map[string]*worker{}}

type worker struct {
	w       js.Value
	waiting map[int]chan workerAnswer
	funcs   []js.Func
}

type workerAnswer struct {
	data []byte
	err  error
}

// CallWorker sends meta and data to the dedicated worker that script
// starts (started on the first call, and again after it failed) and
// returns the worker's answer. The worker answers each message with the
// same id, as ServeWorker does. It blocks: call it from a goroutine.
func CallWorker(ctx context.Context, script, meta string, data []byte) ([]byte, error) {
	answer := make(chan workerAnswer, 1)
	workers.Lock()
	w := workers.byScript[script]
	if w == nil {
		w = startWorker(script)
		workers.byScript[script] = w
	}
	workers.nextID++
	id := workers.nextID
	w.waiting[id] = answer
	arr := js.Global().Get("Uint8Array").New(len(data))
	js.CopyBytesToJS(arr, data)
	w.w.Call("postMessage", map[string]any{"id": id, "meta": meta, "data": arr}, []any{arr.Get("buffer")})
	workers.Unlock()
	select {
	case a := <-answer:
		return a.data, a.err
	case <-ctx.Done():
		workers.Lock()
		delete(w.waiting, id)
		workers.Unlock()
		return nil, fmt.Errorf("worker %s: %w", script, ctx.Err())
	}
}

// startWorker starts the worker of script; workers is locked.
func startWorker(script string) *worker {
	w := &worker{waiting: map[int]chan workerAnswer{}}
	w.w = js.Global().Get("Worker").New(script)
	onMessage := js.FuncOf(func(_ js.Value, args []js.Value) any {
		msg := args[0].Get("data")
		workers.Lock()
		defer workers.Unlock()
		if e := msg.Get("error"); e.Truthy() {
			// The worker's own start failed: every call fails.
			fail(script, w, fmt.Errorf("%w: %s: %s", ErrWorker, script, e.String()))
			return nil
		}
		id := msg.Get("id").Int()
		ch, ok := w.waiting[id]
		if !ok {
			return nil
		}
		delete(w.waiting, id)
		arr := msg.Get("data")
		b := make([]byte, arr.Get("length").Int())
		js.CopyBytesToGo(b, arr)
		ch <- workerAnswer{data: b}
		return nil
	})
	onError := js.FuncOf(func(_ js.Value, args []js.Value) any {
		msg := "the script did not load"
		if m := args[0].Get("message"); m.Type() == js.TypeString && m.String() != "" {
			msg = m.String()
		}
		workers.Lock()
		defer workers.Unlock()
		fail(script, w, fmt.Errorf("%w: %s: %s", ErrWorker, script, msg))
		return nil
	})
	w.funcs = []js.Func{onMessage, onError}
	w.w.Call("addEventListener", "message", onMessage)
	w.w.Call("addEventListener", "error", onError)
	return w
}

// fail ends a worker that cannot answer, so the next call starts a new
// one; workers is locked.
func fail(script string, w *worker, err error) {
	for id, ch := range w.waiting {
		ch <- workerAnswer{err: err}
		delete(w.waiting, id)
	}
	if workers.byScript[script] == w {
		delete(workers.byScript, script)
	}
	w.w.Call("terminate")
	// The funcs are not released: this callback is one of them.
}

// ServeWorker answers, inside a dedicated worker, each message CallWorker
// sends with what f returns. Messages that came before the module was
// running wait in the script's queue (self.marginQueue), which it drains
// first. It never returns.
func ServeWorker(f func(meta string, data []byte) []byte) {
	self := js.Global()
	answer := func(msg js.Value) {
		arr := msg.Get("data")
		in := make([]byte, arr.Get("length").Int())
		js.CopyBytesToGo(in, arr)
		out := f(msg.Get("meta").String(), in)
		res := js.Global().Get("Uint8Array").New(len(out))
		js.CopyBytesToJS(res, out)
		self.Call("postMessage", map[string]any{"id": msg.Get("id"), "data": res}, []any{res.Get("buffer")})
	}
	messages := make(chan js.Value, 64)
	self.Set("onmessage", js.FuncOf(func(_ js.Value, args []js.Value) any {
		messages <- args[0].Get("data")
		return nil
	}))
	if q := self.Get("marginQueue"); q.Truthy() {
		for i := 0; i < q.Length(); i++ {
			answer(q.Index(i))
		}
		self.Set("marginQueue", js.Null())
	}
	for msg := range messages {
		answer(msg)
	}
}
