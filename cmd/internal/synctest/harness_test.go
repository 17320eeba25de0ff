package synctest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	msync "margin/app/sync"
	"margin/app/ui"
	"margin/assets"
	"margin/cmd/internal/account"
	"margin/cmd/internal/apitest"
	"margin/cmd/internal/articles"
	"margin/cmd/internal/pgtest"
	"margin/cmd/internal/server"
	"margin/cmd/internal/store"
)

var (
	lib *articles.Collection
	// cheap hashes passwords quickly: no test here signs in with one.
	cheap = account.NewHasher(account.Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}, 0)
)

func TestMain(m *testing.M) {
	var err error
	if lib, err = articles.Load(assets.FS, "", nil); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	ui.Register(lib, nil)
	pgtest.Main(m)
}

// tb is what the harness needs of *testing.T and *rapid.T.
type tb interface {
	Helper()
	Cleanup(func())
	Fatalf(format string, args ...any)
	Logf(format string, args ...any)
	Failed() bool
}

// harness is a Margin server on a SQLite file (or, with dsn set, a
// PostgreSQL database), with one user signed in.
type harness struct {
	t      tb
	path   string
	dsn    string
	ts     *httptest.Server
	api    *apitest.Client // to ts
	srv    atomic.Pointer[server.Server]
	log    *apitest.LogBuffer
	userID string
	cookie string

	// mu guards st, which a restart replaces.
	mu sync.Mutex
	st store.Store
}

// newHarness starts a server on a new SQLite file in dir.
func newHarness(t tb, dir string) *harness {
	t.Helper()
	return newHarnessOn(t, dir, "")
}

// newHarnessOn starts a server on the PostgreSQL database at dsn, or with
// dsn empty on a new SQLite file in dir.
func newHarnessOn(t tb, dir, dsn string) *harness {
	t.Helper()
	h := &harness{t: t, path: filepath.Join(dir, "margin.db"), dsn: dsn, log: &apitest.LogBuffer{}}
	h.open()
	ctx := context.Background()
	u, err := h.store().CreateUser(ctx, "reader", "not a real hash")
	if err != nil {
		t.Fatalf("create user: %v", err)
	}
	h.userID = u.ID
	cookie, hash := account.NewSession()
	now := time.Now()
	if err := h.store().CreateSession(ctx, store.Session{Hash: hash, UserID: u.ID, Created: now, Expires: now.Add(24 * time.Hour), LastSeen: now}); err != nil {
		t.Fatalf("create session: %v", err)
	}
	h.cookie = cookie
	h.ts = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.srv.Load().ServeHTTP(w, r)
	}))
	h.api = &apitest.Client{Base: h.ts.URL, HTTP: h.ts.Client()}
	t.Cleanup(func() {
		h.ts.Close()
		h.mu.Lock()
		h.st.Close()
		h.mu.Unlock()
		if t.Failed() {
			t.Logf("server log:\n%s", h.log.String())
		}
	})
	return h
}

// open opens the store on the harness's file (or database) and a server
// over it.
func (h *harness) open() {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	opts := store.Options{Path: h.path}
	if h.dsn != "" {
		opts = store.Options{DSN: h.dsn}
	}
	st, err := store.Open(ctx, opts)
	if err != nil {
		h.t.Fatalf("open store: %v", err)
	}
	s, err := server.New(server.Config{Articles: lib, Web: fstest.MapFS{"app.wasm": {Data: []byte("wasm")}, "margin.css": {Data: []byte("body{}")}}, Store: st, Hasher: cheap,
		Log: slog.New(slog.NewTextHandler(h.log, nil))})
	if err != nil {
		h.t.Fatalf("new server: %v", err)
	}
	h.mu.Lock()
	h.st = st
	h.mu.Unlock()
	h.srv.Store(s)
}

// restart closes the store and opens it again, with a new server: what
// a restarted process would find on disk.
func (h *harness) restart() {
	h.t.Helper()
	h.mu.Lock()
	err := h.st.Close()
	h.mu.Unlock()
	if err != nil {
		h.t.Fatalf("close store: %v", err)
	}
	h.open()
}

func (h *harness) store() store.Store {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.st
}

// records returns every object the server holds for the user, deleted
// ones included, as a pull from 0 gives them.
func (h *harness) records() map[msync.Key]msync.Record {
	h.t.Helper()
	out := map[msync.Key]msync.Record{}
	cursor := int64(0)
	for range 10000 {
		page, err := h.store().Pull(context.Background(), h.userID, "c_harness_check", cursor, msync.MaxPullLimit, time.Now())
		if err != nil {
			h.t.Fatalf("pull from the store: %v", err)
		}
		for _, r := range page.Changes {
			out[r.Key()] = r
		}
		if !page.HasMore {
			return out
		}
		cursor = page.Cursor
	}
	h.t.Fatalf("the store's pull did not end")
	return nil
}

// errOffline is the error of a device that is offline.
var errOffline = errors.New("the device is offline")

// transport is a device's way to the server: HTTP, as app/client speaks
// it, with the session cookie. Each exchange is shown to observe (the
// model of S1), and faults may lose or repeat it.
type transport struct {
	h       *harness
	offline atomic.Bool
	// fault, when set, decides what happens to a request: see fault.
	fault func(kind string) fault
	// observe, when set, sees every exchange that reached the server.
	observe func(kind string, req *msync.PushRequest, status int, body []byte)
	// stash keeps a copy of a push to deliver later, out of order.
	stash func(req msync.PushRequest)
}

// fault is what becomes of one request.
type fault int

const (
	deliver      fault = iota
	dropRequest        // never reaches the server
	dropResponse       // reaches it, but the answer is lost
	duplicate          // reaches it twice
	deliverLater       // reaches it now, and a copy again later
)

func (tr *transport) Push(ctx context.Context, req msync.PushRequest) (msync.PushResponse, error) {
	var resp msync.PushResponse
	body, err := json.Marshal(req)
	if err != nil {
		return resp, err
	}
	raw, err := tr.exchange(ctx, "push", &req, http.MethodPost, "/api/sync/push", body)
	if err != nil {
		return resp, err
	}
	if err := json.Unmarshal(raw, &resp); err != nil {
		return resp, fmt.Errorf("decode push answer: %w", err)
	}
	return resp, nil
}

func (tr *transport) Pull(ctx context.Context, clientID string, cursor int64, limit int) (msync.PullResponse, error) {
	var resp msync.PullResponse
	q := url.Values{"client_id": {clientID}, "cursor": {strconv.FormatInt(cursor, 10)}, "limit": {strconv.Itoa(limit)}}
	raw, err := tr.exchange(ctx, "pull", nil, http.MethodGet, "/api/sync/pull?"+q.Encode(), nil)
	if err != nil {
		return resp, err
	}
	if err := json.Unmarshal(raw, &resp); err != nil {
		return resp, fmt.Errorf("decode pull answer: %w", err)
	}
	return resp, nil
}

// exchange sends a request, with the faults fault chooses, and returns
// the body of a successful answer or the error the client would see.
func (tr *transport) exchange(ctx context.Context, kind string, push *msync.PushRequest, method, path string, body []byte) ([]byte, error) {
	if tr.offline.Load() {
		return nil, errOffline
	}
	f := deliver
	if tr.fault != nil {
		f = tr.fault(kind)
	}
	if f == dropRequest {
		return nil, errors.New("the request was lost")
	}
	r, err := tr.h.send(ctx, method, path, body)
	if err != nil {
		return nil, err
	}
	if tr.observe != nil {
		tr.observe(kind, push, r.Status, r.Body)
	}
	switch f {
	case dropResponse:
		return nil, errors.New("the answer was lost")
	case duplicate:
		if r, err = tr.h.send(ctx, method, path, body); err != nil {
			return nil, err
		}
		if tr.observe != nil {
			tr.observe(kind, push, r.Status, r.Body)
		}
	case deliverLater:
		if push != nil && tr.stash != nil {
			tr.stash(*push)
		}
	}
	if r.Status != http.StatusOK {
		var retry time.Duration
		if s, err := strconv.Atoi(r.Header.Get("Retry-After")); err == nil {
			retry = time.Duration(s) * time.Second
		}
		p := r.Problem()
		return nil, &msync.StatusError{Status: r.Status, Code: p.Code, Message: p.Error, RetryAfter: retry}
	}
	return r.Body, nil
}

// send makes one request to the server as the signed-in user.
func (h *harness) send(ctx context.Context, method, path string, body []byte) (*apitest.Response, error) {
	return h.api.Do(ctx, method, path, body, "Cookie", (&http.Cookie{Name: "__Host-margin_session", Value: h.cookie}).String())
}
