package client

import (
	"context"
	"fmt"
	"net/url"
	"strconv"

	msync "margin/app/sync"
)

// Push sends a batch of mutations. Besides the answers every call can get,
// the server answers 403 "client_owned" (the client id is another user's),
// 409 "client_id_reused" (a number reused with other content), 413 (the
// batch is too big) and 503 with RetryAfter (busy; nothing was applied).
func (c *Client) Push(ctx context.Context, req msync.PushRequest) (msync.PushResponse, error) {
	var out msync.PushResponse
	err := c.call(ctx, "POST", "/api/sync/push", req, &out)
	return out, err
}

// Pull returns the changes after cursor, at most limit of them (0: the
// server's default). A cursor the server no longer serves gives an error
// matching ErrResetRequired.
func (c *Client) Pull(ctx context.Context, clientID string, cursor int64, limit int) (msync.PullResponse, error) {
	q := url.Values{}
	q.Set("client_id", clientID)
	q.Set("cursor", strconv.FormatInt(cursor, 10))
	if limit > 0 {
		q.Set("limit", strconv.Itoa(limit))
	}
	var out msync.PullResponse
	err := c.call(ctx, "GET", "/api/sync/pull?"+q.Encode(), nil, &out)
	return out, err
}

// SyncTransport returns c as the sync engine's transport: an error answer
// becomes a *msync.StatusError with the same status, code, sentence and
// Retry-After; failing to reach the server stays as it is.
func (c *Client) SyncTransport() msync.Transport { return syncTransport{c} }

type syncTransport struct{ c *Client }

func (t syncTransport) Push(ctx context.Context, req msync.PushRequest) (msync.PushResponse, error) {
	resp, err := t.c.Push(ctx, req)
	return resp, statusError(err)
}

func (t syncTransport) Pull(ctx context.Context, clientID string, cursor int64, limit int) (msync.PullResponse, error) {
	page, err := t.c.Pull(ctx, clientID, cursor, limit)
	return page, statusError(err)
}

// statusError turns an API error answer inside err into the engine's
// StatusError, keeping err's message.
func statusError(err error) error {
	e, ok := AsError(err)
	if !ok {
		return err
	}
	return fmt.Errorf("%v: %w", err, &msync.StatusError{Status: e.Status, Code: e.Code, Message: e.Message, RetryAfter: e.RetryAfter})
}

var _ msync.Transport = syncTransport{}
