//go:build js && wasm

package browser

import (
	"context"
	"fmt"
	"syscall/js"
)

// Fetch sends a request with the browser's fetch, same-origin credentials
// included. It blocks until the response body has arrived, so call it from
// a goroutine, never from a JS callback or the UI loop. A network failure
// wraps ErrOffline; ctx cancels the request.
func Fetch(ctx context.Context, method, url string, body []byte) (Response, error) {
	type result struct {
		resp Response
		err  error
	}
	done := make(chan result, 1)
	abort := js.Global().Get("AbortController").New()
	headers := map[string]any{"Accept": "application/json"}
	opts := map[string]any{
		"method":      method,
		"credentials": "same-origin",
		"headers":     headers,
		"signal":      abort.Get("signal"),
	}
	if body != nil {
		headers["Content-Type"] = "application/json"
		opts["body"] = string(body)
	}

	var status int
	var retryAfter string
	var onResp, onBody, onErr js.Func
	onErr = js.FuncOf(func(_ js.Value, args []js.Value) any {
		msg := "unknown error"
		if len(args) > 0 {
			msg = args[0].Call("toString").String()
		}
		done <- result{err: fmt.Errorf("%w: %s %s: %s", ErrOffline, method, url, msg)}
		return nil
	})
	onBody = js.FuncOf(func(_ js.Value, args []js.Value) any {
		arr := js.Global().Get("Uint8Array").New(args[0])
		b := make([]byte, arr.Get("length").Int())
		js.CopyBytesToGo(b, arr)
		done <- result{resp: Response{Status: status, Body: b, RetryAfter: retryAfter}}
		return nil
	})
	onResp = js.FuncOf(func(_ js.Value, args []js.Value) any {
		status = args[0].Get("status").Int()
		if ra := args[0].Get("headers").Call("get", "Retry-After"); ra.Type() == js.TypeString {
			retryAfter = ra.String()
		}
		args[0].Call("arrayBuffer").Call("then", onBody, onErr)
		return nil
	})
	defer func() {
		onResp.Release()
		onBody.Release()
		onErr.Release()
	}()

	js.Global().Call("fetch", url, opts).Call("then", onResp, onErr)
	select {
	case r := <-done:
		return r.resp, r.err
	case <-ctx.Done():
		abort.Call("abort")
		<-done // the rejection from abort; the callbacks must not outlive this call
		return Response{}, fmt.Errorf("%s %s: %w", method, url, ctx.Err())
	}
}
