//go:build !(js && wasm)

package client

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
)

// maxAnswer bounds how much of an answer the native client reads.
const maxAnswer = 64 << 20

// newTransport returns a net/http transport with its own cookie jar, so
// the client keeps the session the server gives it, as a browser would.
func newTransport() transport {
	jar, _ := cookiejar.New(nil) // never fails without options
	return httpTransport(&http.Client{Jar: jar})
}

func httpTransport(hc *http.Client) transport {
	return func(ctx context.Context, method, url string, body []byte) (reply, error) {
		var rd io.Reader
		if body != nil {
			rd = bytes.NewReader(body)
		}
		req, err := http.NewRequestWithContext(ctx, method, url, rd)
		if err != nil {
			return reply{}, err
		}
		req.Header.Set("Accept", "application/json")
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := hc.Do(req)
		if err != nil {
			return reply{}, fmt.Errorf("%w: %w", ErrUnreachable, err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
		if err != nil {
			return reply{}, fmt.Errorf("%w: read answer: %w", ErrUnreachable, err)
		}
		return reply{status: resp.StatusCode, body: b, retryAfter: resp.Header.Get("Retry-After")}, nil
	}
}
