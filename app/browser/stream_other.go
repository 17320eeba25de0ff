//go:build !(js && wasm)

package browser

// Stream is a stand-in outside a browser.
type Stream struct{}

// OpenStream returns nil outside a browser: there is no EventSource.
func OpenStream(url string, types []string, onEvent func(StreamEvent), onError func(closed bool)) *Stream {
	return nil
}

// Close does nothing outside a browser.
func (s *Stream) Close() {}
