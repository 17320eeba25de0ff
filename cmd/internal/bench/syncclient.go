package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	msync "margin/app/sync"
)

// syncClient speaks Margin's account and sync API (or the part of it the
// reference has) over one transport that keeps a connection per device,
// so the load pays for no handshakes.
type syncClient struct {
	base string
	hc   *http.Client
}

func newSyncClient(base string, conns int) *syncClient {
	tr := &http.Transport{
		Proxy:                 nil, // loopback; never a proxy from the environment
		DialContext:           (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:          0, // no overall limit
		MaxIdleConnsPerHost:   conns,
		IdleConnTimeout:       90 * time.Second,
		DisableCompression:    true,
		ResponseHeaderTimeout: 60 * time.Second,
		// Plain HTTP/1.1 keep-alive, as browsers speak to a server
		// without TLS.
		ForceAttemptHTTP2: false,
	}
	return &syncClient{base: base, hc: &http.Client{Transport: tr}}
}

// close drops the idle connections.
func (c *syncClient) close() {
	c.hc.CloseIdleConnections()
}

// apiError is a refused request: its status and the server's words.
type apiError struct {
	method, path string
	status       int
	body         string
}

func (e *apiError) Error() string {
	return fmt.Sprintf("%s %s: %d %s: %s", e.method, e.path, e.status, http.StatusText(e.status), e.body)
}

// do sends a request and reads the whole answer.
func (c *syncClient) do(ctx context.Context, method, path, cookie string, body []byte) (*http.Response, []byte, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return nil, nil, err
	}
	if body != nil {
		req.Header["Content-Type"] = []string{"application/json"}
	}
	if cookie != "" {
		req.Header["Cookie"] = []string{cookie}
	}
	res, err := c.hc.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		return res, nil, fmt.Errorf("%s %s: read the answer: %w", method, path, err)
	}
	return res, raw, nil
}

// account signs up (POST /api/users) or in (POST /api/session) and returns
// the session cookie as a Cookie header value. A 429 is waited out (per
// its Retry-After, at most a minute) and tried again, at most twice.
func (c *syncClient) account(ctx context.Context, path, name, password string) (string, error) {
	body, _ := json.Marshal(map[string]string{"name": name, "password": password})
	for try := 0; ; try++ {
		res, raw, err := c.do(ctx, http.MethodPost, path, "", body)
		if err != nil {
			return "", err
		}
		if res.StatusCode == http.StatusTooManyRequests && try < 2 {
			wait, _ := strconv.Atoi(res.Header.Get("Retry-After"))
			select {
			case <-ctx.Done():
				return "", ctx.Err()
			case <-time.After(time.Duration(min(max(wait, 1), 60)) * time.Second):
			}
			continue
		}
		if res.StatusCode != http.StatusOK && res.StatusCode != http.StatusCreated {
			return "", &apiError{http.MethodPost, path, res.StatusCode, strings.TrimSpace(string(raw))}
		}
		for _, ck := range res.Cookies() {
			if strings.HasSuffix(ck.Name, "margin_session") && ck.Value != "" {
				return ck.Name + "=" + ck.Value, nil
			}
		}
		return "", fmt.Errorf("POST %s for %s: %s without a session cookie", path, name, res.Status)
	}
}

// check sends GET path and wants 200: a signed-in device's warm-up.
func (c *syncClient) check(ctx context.Context, path, cookie string) error {
	res, raw, err := c.do(ctx, http.MethodGet, path, cookie, nil)
	if err != nil {
		return err
	}
	if res.StatusCode != http.StatusOK {
		return &apiError{http.MethodGet, path, res.StatusCode, strings.TrimSpace(string(raw))}
	}
	return nil
}

// push sends one encoded push. A non-200 answer comes back as an
// *apiError with its status; err is otherwise a transport failure.
func (c *syncClient) push(ctx context.Context, cookie string, body []byte) (msync.PushResponse, error) {
	var out msync.PushResponse
	res, raw, err := c.do(ctx, http.MethodPost, "/api/sync/push", cookie, body)
	if err != nil {
		return out, err
	}
	if res.StatusCode != http.StatusOK {
		return out, &apiError{http.MethodPost, "/api/sync/push", res.StatusCode, strings.TrimSpace(string(raw))}
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		return out, fmt.Errorf("POST /api/sync/push: the answer: %w", err)
	}
	return out, nil
}

// pushAll sends one push that must be applied in full.
func (c *syncClient) pushAll(ctx context.Context, cookie string, b *batch) error {
	res, err := c.push(ctx, cookie, b.body)
	if err != nil {
		return err
	}
	if res.LastMutationID != b.last || len(res.Results) != b.n {
		return fmt.Errorf("push of mutations %d–%d: last_mutation_id %d and %d results", b.first, b.last, res.LastMutationID, len(res.Results))
	}
	for _, r := range res.Results {
		if r.Status != msync.StatusApplied {
			return fmt.Errorf("push of mutations %d–%d: mutation %d %s (%s) %s", b.first, b.last, r.ID, r.Status, r.Reason, r.Message)
		}
	}
	return nil
}

// pullPage is a pull answer read only as far as the bench needs: the
// changes stay raw, as a client that stores them would pass them on.
type pullPage struct {
	Changes        []json.RawMessage `json:"changes"`
	Cursor         int64             `json:"cursor"`
	HasMore        bool              `json:"has_more"`
	LastMutationID *int64            `json:"last_mutation_id"`
}

// pullStats describe one whole pull.
type pullStats struct {
	pages int
	size  int64         // the answers' bytes
	wire  time.Duration // the exchanges: each request sent to its answer's last byte
}

// pullAll pulls every change after cursor 0 in pages of limit and hands
// each page to page (which may be nil). The time spent parsing the pages
// and in page is outside stats.wire.
func (c *syncClient) pullAll(ctx context.Context, cookie, clientID string, limit int, page func(*pullPage) error) (stats pullStats, err error) {
	var cursor int64
	for stats.pages < 100_000 {
		path := "/api/sync/pull?" + url.Values{"client_id": {clientID}, "cursor": {strconv.FormatInt(cursor, 10)}, "limit": {strconv.Itoa(limit)}}.Encode()
		t0 := time.Now()
		res, raw, err := c.do(ctx, http.MethodGet, path, cookie, nil)
		stats.wire += time.Since(t0)
		if err != nil {
			return stats, err
		}
		if res.StatusCode != http.StatusOK {
			return stats, &apiError{http.MethodGet, path, res.StatusCode, strings.TrimSpace(string(raw))}
		}
		stats.pages++
		stats.size += int64(len(raw))
		var p pullPage
		if err := json.Unmarshal(raw, &p); err != nil {
			return stats, fmt.Errorf("GET %s: the answer: %w", path, err)
		}
		if page != nil {
			if err := page(&p); err != nil {
				return stats, err
			}
		}
		if !p.HasMore {
			return stats, nil
		}
		if p.Cursor <= cursor {
			return stats, fmt.Errorf("GET %s: has_more with a cursor (%d) that did not advance", path, p.Cursor)
		}
		cursor = p.Cursor
	}
	return stats, errors.New("pull: more than 100,000 pages")
}

// openEvents opens GET /api/sync/events and reads up to the hello event.
// The stream stays open until the returned body is closed.
func (c *syncClient) openEvents(ctx context.Context, cookie string) (io.Closer, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+"/api/sync/events", nil)
	if err != nil {
		return nil, err
	}
	req.Header["Cookie"] = []string{cookie}
	req.Header["Accept"] = []string{"text/event-stream"}
	res, err := c.hc.Do(req)
	if err != nil {
		return nil, err
	}
	if res.StatusCode != http.StatusOK {
		raw, _ := io.ReadAll(io.LimitReader(res.Body, 4096))
		res.Body.Close()
		return nil, &apiError{http.MethodGet, "/api/sync/events", res.StatusCode, strings.TrimSpace(string(raw))}
	}
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/event-stream") {
		res.Body.Close()
		return nil, fmt.Errorf("GET /api/sync/events: Content-Type %q", ct)
	}
	// The hello event comes first; read it line by line, bounded.
	rd := bufio.NewReaderSize(res.Body, 512)
	for range 20 {
		line, err := rd.ReadString('\n')
		if err != nil {
			res.Body.Close()
			return nil, fmt.Errorf("GET /api/sync/events: before the hello event: %w", err)
		}
		if strings.TrimSpace(line) == "event: hello" {
			return res.Body, nil
		}
	}
	res.Body.Close()
	return nil, errors.New("GET /api/sync/events: no hello event in the first 20 lines")
}

// procStatus reads a field of /proc/PID/status in kB (VmRSS, VmHWM).
func procStatus(pid int, field string) (int64, error) {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			f := strings.Fields(v)
			if len(f) == 2 && f[1] == "kB" {
				return strconv.ParseInt(f[0], 10, 64)
			}
		}
	}
	return 0, fmt.Errorf("/proc/%d/status has no %s in kB", pid, field)
}

// cpuTime returns the CPU time (user and system) process pid has used.
func cpuTime(pid int) (time.Duration, error) {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name, in parentheses, may hold spaces: count fields
	// after its closing one. utime and stime are fields 14 and 15, in
	// clock ticks (USER_HZ, 100 on Linux).
	s := string(raw)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, fmt.Errorf("/proc/%d/stat: no command name", pid)
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: %d fields", pid, len(f))
	}
	ut, err1 := strconv.ParseInt(f[11], 10, 64)
	st, err2 := strconv.ParseInt(f[12], 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return 0, fmt.Errorf("/proc/%d/stat: %w", pid, err)
	}
	return time.Duration(ut+st) * 10 * time.Millisecond, nil
}
