package server

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"margin/cmd/internal/account"
	"margin/cmd/internal/apitest"
	"margin/cmd/internal/store"
)

// cheap hashes passwords quickly, for tests about anything but hashing.
var cheap = account.NewHasher(account.Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}, 0)

const password = "correct horse battery"

// openStore opens a store on a new SQLite file, closed when the test ends.
func openStore(t *testing.T, hooks ...func(*store.Options)) (store.Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "margin.db")
	opts := store.Options{Path: path}
	for _, h := range hooks {
		h(&opts)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	st, err := store.Open(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st, path
}

// apiServer is a server with a store, under httptest, relaying change
// notices to its event streams.
type apiServer struct {
	*Server
	URL   string
	Store store.Store
	Log   *apitest.LogBuffer
}

// newAPIServer starts a server on a new SQLite store; edit adjusts its
// configuration (the hasher is a cheap one unless edit sets another).
func newAPIServer(t *testing.T, edit ...func(*Config)) *apiServer {
	t.Helper()
	st, _ := openStore(t)
	return newAPIServerOn(t, st, edit...)
}

func newAPIServerOn(t *testing.T, st store.Store, edit ...func(*Config)) *apiServer {
	t.Helper()
	logs := &apitest.LogBuffer{}
	s := newServerOn(t, st, slog.New(slog.NewTextHandler(logs, nil)), edit...)
	ts := httptest.NewServer(s)
	ctx, cancel := context.WithCancel(context.Background())
	relayed := make(chan struct{})
	go func() {
		defer close(relayed)
		s.Relay(ctx)
	}()
	t.Cleanup(func() {
		cancel()
		<-relayed
		s.hub.close() // event streams are not httptest's to close
		ts.CloseClientConnections()
		ts.Close()
		if t.Failed() {
			t.Logf("server log:\n%s", logs.String())
		}
	})
	return &apiServer{Server: s, URL: ts.URL, Store: st, Log: logs}
}

// newServerOn returns a server on st, with the test library and web
// files, a cheap hasher and log; edit adjusts its configuration.
func newServerOn(t *testing.T, st store.Store, log *slog.Logger, edit ...func(*Config)) *Server {
	t.Helper()
	cfg := Config{Articles: lib, Web: webFS(), Store: st, Hasher: cheap, Log: log}
	for _, e := range edit {
		e(&cfg)
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// user signs up a new account on srv and returns its client.
func (srv *apiServer) user(t *testing.T, name string) *apitest.Client {
	t.Helper()
	c := apitest.New(srv.URL)
	r, err := c.SignUp(context.Background(), name, password)
	if err != nil || r.Status != 201 {
		t.Fatalf("sign up %s: %v %v", name, r, err)
	}
	return c
}

// discard is a logger for servers whose log no test reads.
var discard = slog.New(slog.NewTextHandler(io.Discard, nil))

// must returns a function that fails the test on a transport error and
// returns the answer: must(t)(c.SignIn(…)).
func must(t *testing.T) func(*apitest.Response, error) *apitest.Response {
	return func(r *apitest.Response, err error) *apitest.Response {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
}

// wantStatus fails the test unless r has status and, when code is not
// empty, the error code.
func wantStatus(t *testing.T, what string, r *apitest.Response, status int, code string) {
	t.Helper()
	if r.Status != status || code != "" && r.Problem().Code != code {
		t.Errorf("%s: %s; want %d %s", what, r, status, code)
	}
	wantProblemShape(t, what, r)
}

// wantProblemShape fails the test if r is an error answer not in the
// JSON error shape.
func wantProblemShape(t *testing.T, what string, r *apitest.Response) {
	t.Helper()
	if p := r.Problem(); r.Status >= 400 && (p.Error == "" || p.Code == "" || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json")) {
		t.Errorf("%s: error answer not in the JSON error shape: %s", what, r)
	}
}

// listen returns a loopback listener.
func listen(t *testing.T) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return ln
}
