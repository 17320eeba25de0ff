//go:build js && wasm

package browser

import "syscall/js"

// Stream is an open EventSource: server-sent events on one URL of the
// site, its cookies sent along.
type Stream struct {
	es    js.Value
	funcs []js.Func
}

// OpenStream opens an EventSource on url and calls onEvent with each
// message of the named types, and onError whenever the connection fails;
// closed says the browser gave up on it (an answer that was not an event
// stream, such as a 401) rather than reconnecting by itself. Both run
// inside the browser's event dispatch and must not block. Without
// EventSource it returns nil, which Close accepts.
func OpenStream(url string, types []string, onEvent func(StreamEvent), onError func(closed bool)) *Stream {
	ctor := js.Global().Get("EventSource")
	if !ctor.Truthy() {
		return nil
	}
	s := &Stream{es: ctor.New(url, map[string]any{"withCredentials": true})}
	for _, t := range types {
		typ := t
		fn := js.FuncOf(func(_ js.Value, args []js.Value) any {
			data := ""
			if d := args[0].Get("data"); d.Type() == js.TypeString {
				data = d.String()
			}
			onEvent(StreamEvent{Type: typ, Data: data})
			return nil
		})
		s.funcs = append(s.funcs, fn)
		s.es.Call("addEventListener", typ, fn)
	}
	onErr := js.FuncOf(func(js.Value, []js.Value) any {
		closed := s.es.Truthy() && s.es.Get("readyState").Int() == 2 // CLOSED
		onError(closed)
		return nil
	})
	s.funcs = append(s.funcs, onErr)
	s.es.Set("onerror", onErr)
	return s
}

// Close closes the stream; no callback runs after it returns.
func (s *Stream) Close() {
	if s == nil || !s.es.Truthy() {
		return
	}
	s.es.Call("close")
	s.es.Set("onerror", js.Null())
	for _, fn := range s.funcs {
		fn.Release()
	}
	s.funcs = nil
	s.es = js.Value{}
}
