//go:build !(js && wasm)

package browser

import "context"

// CallWorker reports ErrWorker outside the browser.
func CallWorker(ctx context.Context, script, meta string, data []byte) ([]byte, error) {
	return nil, ErrWorker
}
