// Package server is Margin's HTTP server: the prerendered pages, the
// files under /web/, the service worker and the API.
package server

import (
	"cmp"
	"context"
	"crypto/tls"
	_ "embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"margin/cmd/internal/account"
	"margin/cmd/internal/articles"
	"margin/cmd/internal/extract"
	"margin/cmd/internal/static"
	"margin/cmd/internal/store"
)

//go:embed worker.js
var workerTemplate string

// Config is what a server is made of.
type Config struct {
	// Articles is the library the pages and the API read.
	Articles *articles.Collection
	// Web holds the files served under /web/ (app.wasm among them).
	Web fs.FS
	// Precompressed serves the .br and .gz copies of files in Web to
	// browsers that accept them. Off, everything goes out as it is.
	Precompressed bool
	// PublicURL is the origin the server is reached at, for the absolute
	// URLs in link previews ("https://margin.example"). Empty means the
	// origin each request came to. An https origin also makes the session
	// cookie Secure and __Host- behind a proxy that terminates TLS, and is
	// trusted as a request's Origin.
	PublicURL string
	// Log receives the server's log lines.
	Log *slog.Logger
	// TrustedProxies are the reverse proxies whose Forwarded,
	// X-Forwarded-For and X-Forwarded-Proto headers are believed: for the
	// client's address (sign-in limits, logs) and for https (cookies,
	// HSTS, links). From any other address those headers are ignored.
	TrustedProxies []netip.Prefix
	// TLS, when set, makes Serve speak HTTPS with its certificates; its
	// answers then carry Strict-Transport-Security.
	TLS *tls.Config

	// Store keeps accounts, sessions and synced objects. Without one the
	// account and sync routes do not exist (404).
	Store store.Store
	// SignupClosed refuses self-service sign-up; accounts are then made
	// with "margin user add".
	SignupClosed bool
	// Hasher hashes passwords; nil means account.DefaultParams with as
	// many hashes at once as there are CPUs.
	Hasher *account.Hasher
	// Importer fetches and extracts the articles readers import
	// (POST /api/import); nil leaves import off: the route answers 503
	// saying so.
	Importer extract.Importer
	// Limits bounds sign-in attempts, imports and event streams; zero
	// fields take the defaults (see Limits).
	Limits Limits
	// Timeouts bound slow and idle connections; zero fields take the
	// defaults (see Timeouts).
	Timeouts Timeouts
}

// Limits bounds what clients may ask of the server.
type Limits struct {
	// SignInPerAccount attempts on one account name within SignInWindow
	// (default 10 a minute); the next is refused with 429, even with the
	// right password, until the oldest attempt is a window old.
	SignInPerAccount int
	// SignInPerAddress attempts from one client address (an IPv6 /64)
	// within SignInWindow, on any accounts (default 50 a minute).
	SignInPerAddress int
	SignInWindow     time.Duration
	// StreamsPerUser and Streams cap open event streams, per user
	// (default 20; a new stream beyond it ends the user's oldest) and in
	// all (default 2,000; a new stream beyond it is refused with 429).
	StreamsPerUser int
	Streams        int
	// ImportsPerUser imports by one reader (or, with tokens, one token)
	// within ImportWindow (default 30 a minute); the next is refused with
	// 429 until the oldest is a window old. Imports caps the imports
	// running at once on the server (default 8; beyond it, 503).
	ImportsPerUser int
	ImportWindow   time.Duration
	Imports        int
}

func (l Limits) withDefaults() Limits {
	l.SignInPerAccount = cmp.Or(l.SignInPerAccount, 10)
	l.SignInPerAddress = cmp.Or(l.SignInPerAddress, 50)
	l.SignInWindow = cmp.Or(l.SignInWindow, time.Minute)
	l.StreamsPerUser = cmp.Or(l.StreamsPerUser, 20)
	l.Streams = cmp.Or(l.Streams, 2000)
	l.ImportsPerUser = cmp.Or(l.ImportsPerUser, 30)
	l.ImportWindow = cmp.Or(l.ImportWindow, time.Minute)
	l.Imports = cmp.Or(l.Imports, 8)
	return l
}

// Timeouts keep slow or idle clients from holding connections. An open
// event stream is no longer net/http's to time out: each message it
// sends must be written within Write.
type Timeouts struct {
	ReadHeader time.Duration // request line and headers (default 5 s)
	Read       time.Duration // the whole request, body included (default 30 s)
	Write      time.Duration // from the end of the headers to the end of the answer (default 60 s)
	Idle       time.Duration // between requests on a kept-alive connection (default 120 s)
	Shutdown   time.Duration // for requests in flight to finish at shutdown (default 15 s)
	// Heartbeat is how often every event stream gets a comment line
	// (default 25 s), so that proxies keep it open and a client that has
	// gone is noticed: writing to its connection fails.
	Heartbeat time.Duration
}

func (t Timeouts) withDefaults() Timeouts {
	t.ReadHeader = cmp.Or(t.ReadHeader, 5*time.Second)
	t.Read = cmp.Or(t.Read, 30*time.Second)
	t.Write = cmp.Or(t.Write, 60*time.Second)
	t.Idle = cmp.Or(t.Idle, 120*time.Second)
	t.Shutdown = cmp.Or(t.Shutdown, 15*time.Second)
	t.Heartbeat = cmp.Or(t.Heartbeat, 25*time.Second)
	return t
}

// Server answers Margin's HTTP requests.
type Server struct {
	cfg     Config
	log     *slog.Logger
	static  *static.Handler
	style   inlineStyle // the stylesheet every page carries
	app     *app.Handler
	idle    idleRelease // hands memory back after bursts of requests
	handler http.Handler

	accountLimits *account.Limiter // sign-in attempts by account name
	addressLimits *account.Limiter // sign-in attempts by client address
	hub           *hub             // open event streams
	importLimits  *account.Limiter // imports by user (or token)
	importSlots   chan struct{}    // one per import running
}

// New returns a server for cfg. ui.Register must have been called: the
// page handler renders the registered routes.
func New(cfg Config) (*Server, error) {
	if cfg.Articles == nil || cfg.Web == nil {
		return nil, errors.New("server: config needs Articles and Web")
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	cfg.PublicURL = strings.TrimRight(cfg.PublicURL, "/")
	st, err := static.New(cfg.Web, cfg.Precompressed)
	if err != nil {
		return nil, fmt.Errorf("server: %w", err)
	}
	style, err := loadStyle(cfg.Web)
	if err != nil {
		return nil, fmt.Errorf("server: %w", err)
	}
	cfg.Limits = cfg.Limits.withDefaults()
	cfg.Timeouts = cfg.Timeouts.withDefaults()
	if cfg.Hasher == nil {
		cfg.Hasher = account.NewHasher(account.DefaultParams, 0)
	}
	s := &Server{
		cfg: cfg, log: cfg.Log, static: st, style: style,
		accountLimits: account.NewLimiter(cfg.Limits.SignInPerAccount, cfg.Limits.SignInWindow, limiterKeys),
		addressLimits: account.NewLimiter(cfg.Limits.SignInPerAddress, cfg.Limits.SignInWindow, limiterKeys),
		hub:           newHub(cfg.Limits.StreamsPerUser, cfg.Limits.Streams),
		importLimits:  account.NewLimiter(cfg.Limits.ImportsPerUser, cfg.Limits.ImportWindow, limiterKeys),
		importSlots:   make(chan struct{}, cfg.Limits.Imports),
	}
	s.app = s.newAppHandler()
	if s.handler, err = s.routes(); err != nil {
		return nil, fmt.Errorf("server: %w", err)
	}
	return s, nil
}

// Version identifies the build being served: the app's files and the
// service worker. Browsers see a new version exactly when they changed.
func (s *Server) Version() string { return s.app.Version }

// ServeHTTP answers one request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.handler.ServeHTTP(w, r)
}

// limiterKeys is how many account names, and how many addresses, the
// sign-in limiters remember.
const limiterKeys = 10_000

// Serve answers requests on ln until ctx is done, then stops accepting
// new ones, ends the event streams and lets the requests in flight
// finish. It also relays the store's change notices to the event
// streams (see Relay) for as long as it serves.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	t := s.cfg.Timeouts
	srv := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: t.ReadHeader,
		ReadTimeout:       t.Read,
		WriteTimeout:      t.Write,
		IdleTimeout:       t.Idle,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	// Event streams never end by themselves; Shutdown would wait for
	// them until its deadline.
	srv.RegisterOnShutdown(s.hub.close)

	relayCtx, stopRelay := context.WithCancel(context.WithoutCancel(ctx))
	var relaying sync.WaitGroup
	relaying.Go(func() { s.Relay(relayCtx) })
	relaying.Go(func() { s.idle.run(relayCtx) })
	defer func() {
		stopRelay()
		relaying.Wait()
	}()

	errc := make(chan error, 1)
	if s.cfg.TLS != nil {
		srv.TLSConfig = s.cfg.TLS.Clone()
		go func() { errc <- srv.ServeTLS(ln, "", "") }()
	} else {
		go func() { errc <- srv.Serve(ln) }()
	}
	select {
	case err := <-errc:
		s.hub.close()
		return fmt.Errorf("server: %w", err)
	case <-ctx.Done():
	}
	s.log.Info("shutting down", "grace", t.Shutdown)
	sctx, cancel := context.WithTimeout(context.Background(), t.Shutdown)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		// Requests still running past the grace period are cut off.
		srv.Close()
		<-errc
		return fmt.Errorf("server: shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("server: %w", err)
	}
	return nil
}
