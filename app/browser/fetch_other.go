//go:build !(js && wasm)

package browser

import (
	"context"
	"fmt"
)

// Fetch reports ErrOffline: outside a browser there is no fetch. Native
// code talks HTTP with net/http instead.
func Fetch(ctx context.Context, method, url string, body []byte) (Response, error) {
	return Response{}, fmt.Errorf("%w: %s %s: not in a browser", ErrOffline, method, url)
}
