// Package apitest drives Margin's HTTP API from tests, the way a browser
// would but with every status and header in view: accounts, push, pull
// and event streams, and mutations to push.
package apitest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	msync "margin/app/sync"
)

// Client talks to one server as one browser: it keeps the session cookie
// the server sets. Requests carry Sec-Fetch-Site: same-origin, as a
// browser's would from the app's own pages.
type Client struct {
	Base string
	HTTP *http.Client
}

// New returns a client for the server at base with an empty cookie jar.
func New(base string) *Client {
	jar, _ := cookiejar.New(nil) // never fails without options
	return &Client{Base: base, HTTP: &http.Client{Jar: jar, Timeout: 60 * time.Second}}
}

// Response is an answer, read whole.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// Problem is an error answer's body.
type Problem struct {
	Error string `json:"error"`
	Code  string `json:"code"`
}

// Problem decodes r's body as an error answer.
func (r *Response) Problem() Problem {
	var p Problem
	json.Unmarshal(r.Body, &p)
	return p
}

func (r *Response) String() string {
	return fmt.Sprintf("%d %.300s", r.Status, bytes.TrimSpace(r.Body))
}

// Do sends a request with body (JSON unless header says otherwise;
// nil for none) and the header's name/value pairs, and reads the answer.
// An empty value removes the header; "Host" sets the request's host.
func (c *Client) Do(ctx context.Context, method, path string, body []byte, header ...string) (*Response, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.Base+path, rd)
	if err != nil {
		return nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	for i := 0; i+1 < len(header); i += 2 {
		if header[i] == "Host" {
			req.Host = header[i+1]
			continue
		}
		if header[i+1] == "" {
			req.Header.Del(header[i])
		} else {
			req.Header.Set(header[i], header[i+1])
		}
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("apitest: read answer: %w", err)
	}
	return &Response{Status: resp.StatusCode, Header: resp.Header, Body: b}, nil
}

// JSON sends v as JSON.
func (c *Client) JSON(ctx context.Context, method, path string, v any, header ...string) (*Response, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return c.Do(ctx, method, path, b, header...)
}

// SignUp creates an account and keeps its session.
func (c *Client) SignUp(ctx context.Context, name, password string) (*Response, error) {
	return c.JSON(ctx, http.MethodPost, "/api/users", map[string]string{"name": name, "password": password})
}

// SignIn starts a session.
func (c *Client) SignIn(ctx context.Context, name, password string) (*Response, error) {
	return c.JSON(ctx, http.MethodPost, "/api/session", map[string]string{"name": name, "password": password})
}

// Push sends req; out is decoded when the answer is 200.
func (c *Client) Push(ctx context.Context, req *msync.PushRequest) (*Response, msync.PushResponse, error) {
	var out msync.PushResponse
	r, err := c.JSON(ctx, http.MethodPost, "/api/sync/push", req)
	if err == nil && r.Status == http.StatusOK {
		err = json.Unmarshal(r.Body, &out)
	}
	return r, out, err
}

// Pull asks for one page of changes after cursor (limit 0: the default).
func (c *Client) Pull(ctx context.Context, clientID string, cursor int64, limit int) (*Response, msync.PullResponse, error) {
	q := url.Values{"client_id": {clientID}, "cursor": {strconv.FormatInt(cursor, 10)}}
	if limit > 0 {
		q.Set("limit", strconv.Itoa(limit))
	}
	var out msync.PullResponse
	r, err := c.Do(ctx, http.MethodGet, "/api/sync/pull?"+q.Encode(), nil)
	if err == nil && r.Status == http.StatusOK {
		err = json.Unmarshal(r.Body, &out)
	}
	return r, out, err
}

// PullAll pulls every page from cursor 0 (at most 1,000 pages) and
// returns the records in order and the last page's last mutation id.
func (c *Client) PullAll(ctx context.Context, clientID string) ([]msync.Record, int64, error) {
	var all []msync.Record
	var cursor int64
	for range 1000 {
		r, page, err := c.Pull(ctx, clientID, cursor, msync.MaxPullLimit)
		if err != nil {
			return nil, 0, err
		}
		if r.Status != http.StatusOK {
			return nil, 0, fmt.Errorf("apitest: pull: %s", r)
		}
		all = append(all, page.Changes...)
		cursor = page.Cursor
		if !page.HasMore {
			var last int64
			if page.LastMutationID != nil {
				last = *page.LastMutationID
			}
			return all, last, nil
		}
	}
	return nil, 0, fmt.Errorf("apitest: pull: more than 1,000 pages")
}

// Event is one message of an event stream.
type Event struct {
	Name string // "hello", "change"; "" for a comment
	Data string
}

// Events opens the event stream and sends its messages on the returned
// channel until ctx is done or the stream ends (the channel is closed).
// The first answer's status is returned; the channel is nil unless 200.
func (c *Client) Events(ctx context.Context) (int, <-chan Event, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.Base+"/api/sync/events", nil)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Accept", "text/event-stream")
	hc := *c.HTTP
	hc.Timeout = 0
	resp, err := hc.Do(req)
	if err != nil {
		return 0, nil, err
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		return resp.StatusCode, nil, nil
	}
	ch := make(chan Event, 16)
	go func() {
		defer close(ch)
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		var ev Event
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "":
				if ev.Name != "" {
					select {
					case ch <- ev:
					case <-ctx.Done():
						return
					}
				}
				ev = Event{}
			case strings.HasPrefix(line, ":"):
				select {
				case ch <- Event{Data: strings.TrimSpace(line[1:])}:
				case <-ctx.Done():
					return
				}
			case strings.HasPrefix(line, "event: "):
				ev.Name = line[len("event: "):]
			case strings.HasPrefix(line, "data: "):
				ev.Data = line[len("data: "):]
			}
		}
	}()
	return resp.StatusCode, ch, nil
}

// LogBuffer collects a server's log lines, safe for the server's
// goroutines to write while a test reads them.
type LogBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write implements io.Writer.
func (l *LogBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// String returns what was written so far.
func (l *LogBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
