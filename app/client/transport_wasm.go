//go:build js && wasm

package client

import (
	"context"
	"errors"
	"fmt"

	"margin/app/browser"
)

func defaultTransport(ctx context.Context, method, url string, body []byte) (int, []byte, error) {
	resp, err := browser.Fetch(ctx, method, url, body)
	if errors.Is(err, browser.ErrOffline) {
		return 0, nil, fmt.Errorf("%w: %w", ErrUnreachable, err)
	}
	if err != nil {
		return 0, nil, err
	}
	return resp.Status, resp.Body, nil
}
