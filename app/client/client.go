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

	"margin/app/article"
	"margin/app/library"
)

// ErrUnreachable reports that a request never got an answer from the
// server: the device is offline or the server is down.
var ErrUnreachable = errors.New("client: the server could not be reached")

// Error is an error answer from the API, in its one JSON shape.
type Error struct {
	Status  int    `json:"-"`
	Message string `json:"error"`
	Code    string `json:"code"`
}

func (e *Error) Error() string {
	return fmt.Sprintf("client: %d %s: %s", e.Status, e.Code, e.Message)
}

// Is makes a 404 answer match library.ErrNotFound.
func (e *Error) Is(target error) bool {
	return target == library.ErrNotFound && e.Status == 404
}

// transport sends one request and returns the status and body of the
// answer; failing to reach the server wraps ErrUnreachable.
type transport func(ctx context.Context, method, url string, body []byte) (int, []byte, error)

// Client talks to one Margin server.
type Client struct {
	base string
	send transport
}

// New returns a client for the server at base ("" for the page's own
// origin in the browser, "http://127.0.0.1:8080" natively).
func New(base string) *Client {
	return &Client{base: base, send: defaultTransport}
}

// Summaries returns the library's articles, newest first.
func (c *Client) Summaries(ctx context.Context) ([]library.Summary, error) {
	var out struct {
		Articles []library.Summary `json:"articles"`
	}
	if err := c.get(ctx, "/api/articles", &out); err != nil {
		return nil, err
	}
	return out.Articles, nil
}

// Article returns one article; an unknown id gives an error that matches
// library.ErrNotFound.
func (c *Client) Article(ctx context.Context, id string) (*article.Article, error) {
	var a article.Article
	if err := c.get(ctx, "/api/articles/"+url.PathEscape(id), &a); err != nil {
		return nil, err
	}
	return &a, nil
}

// ArticleHTML returns an article as the HTML of the reader's article
// element, written by the server from the article's model.
func (c *Client) ArticleHTML(ctx context.Context, id string) (string, error) {
	body, err := c.getRaw(ctx, "/api/articles/"+url.PathEscape(id)+"/html")
	return string(body), err
}

func (c *Client) get(ctx context.Context, path string, out any) error {
	body, err := c.getRaw(ctx, path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(body, out); err != nil {
		return fmt.Errorf("get %s: decode answer: %w", path, err)
	}
	return nil
}

// getRaw returns the body of a successful answer.
func (c *Client) getRaw(ctx context.Context, path string) ([]byte, error) {
	status, body, err := c.send(ctx, "GET", c.base+path, nil)
	if err != nil {
		return nil, fmt.Errorf("get %s: %w", path, err)
	}
	if status < 200 || status > 299 {
		apiErr := &Error{Status: status}
		if json.Unmarshal(body, apiErr) != nil || apiErr.Message == "" {
			apiErr.Message = fmt.Sprintf("The server answered with status %d.", status)
			apiErr.Code = "http_error"
		}
		return nil, fmt.Errorf("get %s: %w", path, apiErr)
	}
	return body, nil
}

var _ library.Source = (*Client)(nil)
