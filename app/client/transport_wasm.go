//go:build js && wasm

package client

import (
	"context"
	"errors"
	"fmt"

	"margin/app/browser"
)

// newTransport returns the browser's fetch; the browser keeps the
// session's cookie.
func newTransport() transport { return fetch }

func fetch(ctx context.Context, method, url string, body []byte) (reply, error) {
	resp, err := browser.Fetch(ctx, method, url, body)
	if errors.Is(err, browser.ErrOffline) {
		return reply{}, fmt.Errorf("%w: %w", ErrUnreachable, err)
	}
	if err != nil {
		return reply{}, err
	}
	return reply{status: resp.Status, body: resp.Body, retryAfter: resp.RetryAfter}, nil
}
