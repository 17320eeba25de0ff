// Package client is a typed client for Margin's HTTP API. In the browser
// it speaks through fetch; natively it uses net/http, which the integration
// tests rely on. Files built for the browser must not import net/http: it
// would add most of a megabyte to the WASM.
package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"margin/app/article"
	"margin/app/library"
)

// ErrUnreachable reports that a request never got an answer from the
// server: the device is offline or the server is down.
var ErrUnreachable = errors.New("client: the server could not be reached")

// ErrSignedOut matches an answer saying the request needs a session it
// does not have (status 401): the reader is signed out, or the session
// ended on another device.
var ErrSignedOut = errors.New("client: signed out")

// ErrResetRequired matches a pull answered with 410: the cursor is older
// than the deletions the server remembers, so everything must be pulled
// again from 0.
var ErrResetRequired = errors.New("client: a full resync is required")

// Error is an error answer from the API, in its one JSON shape.
type Error struct {
	Status  int    `json:"-"`
	Message string `json:"error"` // a sentence for a person
	Code    string `json:"code"`  // a machine word: "name_taken", "rate_limited", …
	// RetryAfter is how long the server asked to wait before trying
	// again (Retry-After), zero when it did not say.
	RetryAfter time.Duration `json:"-"`
}

func (e *Error) Error() string {
	return fmt.Sprintf("client: %d %s: %s", e.Status, e.Code, e.Message)
}

// Is makes a 404 answer match library.ErrNotFound, a 401 ErrSignedOut
// and a 410 ErrResetRequired.
func (e *Error) Is(target error) bool {
	switch target {
	case library.ErrNotFound:
		return e.Status == 404
	case ErrSignedOut:
		return e.Status == 401
	case ErrResetRequired:
		return e.Status == 410
	}
	return false
}

// AsError returns the API's error answer inside err, if there is one.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// reply is what a transport got back: the status, the body and the
// Retry-After header.
type reply struct {
	status     int
	body       []byte
	retryAfter string
}

// transport sends one request and returns the answer; failing to reach
// the server wraps ErrUnreachable.
type transport func(ctx context.Context, method, url string, body []byte) (reply, error)

// Client talks to one Margin server. It is safe for concurrent use.
type Client struct {
	base string
	send transport
}

// New returns a client for the server at base ("" for the page's own
// origin in the browser, "http://127.0.0.1:8080" natively). Natively each
// client keeps its own cookies, so it holds one session at a time.
func New(base string) *Client {
	return &Client{base: base, send: newTransport()}
}

// Summaries returns the library's articles, newest first.
func (c *Client) Summaries(ctx context.Context) ([]library.Summary, error) {
	var out struct {
		Articles []library.Summary `json:"articles"`
	}
	if err := c.call(ctx, "GET", "/api/articles", nil, &out); err != nil {
		return nil, err
	}
	return out.Articles, nil
}

// Article returns one article; an unknown id gives an error that matches
// library.ErrNotFound.
func (c *Client) Article(ctx context.Context, id string) (*article.Article, error) {
	var a article.Article
	if err := c.call(ctx, "GET", "/api/articles/"+url.PathEscape(id), nil, &a); err != nil {
		return nil, err
	}
	return &a, nil
}

// ArticleHTML returns an article as the HTML of the reader's article
// element, written by the server from the article's model.
func (c *Client) ArticleHTML(ctx context.Context, id string) (string, error) {
	body, err := c.raw(ctx, "GET", "/api/articles/"+url.PathEscape(id)+"/html", nil)
	return string(body), err
}

// DeleteArticle deletes one of the signed-in reader's own articles for
// good. A shared article is code "shared" (403); another reader's, or an
// unknown one, matches library.ErrNotFound.
func (c *Client) DeleteArticle(ctx context.Context, id string) error {
	return c.call(ctx, "DELETE", "/api/articles/"+url.PathEscape(id), nil, nil)
}

// call sends in (when not nil) as JSON and decodes a successful answer
// into out (when not nil).
func (c *Client) call(ctx context.Context, method, path string, in, out any) error {
	var body []byte
	if in != nil {
		var err error
		if body, err = json.Marshal(in); err != nil {
			return fmt.Errorf("%s %s: encode request: %w", strings.ToLower(method), path, err)
		}
	}
	b, err := c.raw(ctx, method, path, body)
	if err != nil {
		return err
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("%s %s: decode answer: %w", strings.ToLower(method), path, err)
	}
	return nil
}

// raw returns the body of a successful answer; any other answer is an
// *Error.
func (c *Client) raw(ctx context.Context, method, path string, body []byte) ([]byte, error) {
	what := strings.ToLower(method) + " " + path
	r, err := c.send(ctx, method, c.base+path, body)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	if r.status < 200 || r.status > 299 {
		apiErr := &Error{Status: r.status, RetryAfter: retryAfter(r.retryAfter, time.Now())}
		if json.Unmarshal(r.body, apiErr) != nil || apiErr.Message == "" {
			apiErr.Message = fmt.Sprintf("The server answered with status %d.", r.status)
			apiErr.Code = "http_error"
		}
		return nil, fmt.Errorf("%s: %w", what, apiErr)
	}
	return r.body, nil
}

// retryAfter reads a Retry-After header: seconds, or an HTTP date.
func retryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if n, err := strconv.Atoi(v); err == nil {
		return time.Duration(max(0, n)) * time.Second
	}
	if t, err := time.Parse(time.RFC1123, v); err == nil {
		return max(0, t.Sub(now).Round(time.Second))
	}
	return 0
}

var _ library.Source = (*Client)(nil)
