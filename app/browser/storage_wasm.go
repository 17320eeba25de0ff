//go:build js && wasm

package browser

import (
	"context"
	"fmt"
	"strings"
	"syscall/js"
)

// ClearCaches deletes every Cache Storage cache of the site: the service
// worker's copies of the app and of the pages. The worker itself stays
// registered and caches the app again on its next update. It blocks until
// the browser is done, so call it from a goroutine.
func ClearCaches(ctx context.Context) error {
	caches := js.Global().Get("caches")
	if !caches.Truthy() {
		return nil
	}
	keys, err := awaitPromise(ctx, caches.Call("keys"), "list the caches")
	if err != nil {
		return err
	}
	for i := 0; i < keys.Length(); i++ {
		if _, err := awaitPromise(ctx, caches.Call("delete", keys.Index(i)), "delete a cache"); err != nil {
			return err
		}
	}
	return nil
}

// ClearPrefs removes every localStorage key that starts with prefix.
func ClearPrefs(prefix string) {
	defer func() { recover() }() // storage refused: nothing to clear
	s := js.Global().Get("localStorage")
	if !s.Truthy() {
		return
	}
	var keys []string
	for i := 0; i < s.Get("length").Int(); i++ {
		if k := s.Call("key", i); k.Type() == js.TypeString && strings.HasPrefix(k.String(), prefix) {
			keys = append(keys, k.String())
		}
	}
	for _, k := range keys {
		s.Call("removeItem", k)
	}
}

// awaitPromise waits for p to settle, giving its value or its rejection
// as an error.
func awaitPromise(ctx context.Context, p js.Value, what string) (js.Value, error) {
	type result struct {
		v   js.Value
		err error
	}
	done := make(chan result, 1)
	onOK := js.FuncOf(func(_ js.Value, args []js.Value) any {
		v := js.Undefined()
		if len(args) > 0 {
			v = args[0]
		}
		done <- result{v: v}
		return nil
	})
	onErr := js.FuncOf(func(_ js.Value, args []js.Value) any {
		msg := "rejected"
		if len(args) > 0 {
			msg = args[0].Call("toString").String()
		}
		done <- result{err: fmt.Errorf("browser: %s: %s", what, msg)}
		return nil
	})
	p.Call("then", onOK, onErr)
	select {
	case r := <-done:
		onOK.Release()
		onErr.Release()
		return r.v, r.err
	case <-ctx.Done():
		// The promise may still settle: its callbacks stay, and send
		// into the buffered channel nobody reads.
		return js.Undefined(), fmt.Errorf("browser: %s: %w", what, ctx.Err())
	}
}
