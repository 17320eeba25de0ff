// Package server is Margin's HTTP server: the prerendered pages, the
// files under /web/, the service worker and the API.
package server

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"margin/cmd/internal/articles"
	"margin/cmd/internal/static"
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
	// origin each request came to.
	PublicURL string
	// Log receives the server's log lines.
	Log *slog.Logger
}

// Server answers Margin's HTTP requests.
type Server struct {
	cfg     Config
	log     *slog.Logger
	static  *static.Handler
	app     *app.Handler
	handler http.Handler
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
	s := &Server{cfg: cfg, log: cfg.Log, static: st}
	s.app = s.newAppHandler()
	s.handler = s.routes()
	return s, nil
}

// Version identifies the build being served: the app's files and the
// service worker. Browsers see a new version exactly when they changed.
func (s *Server) Version() string { return s.app.Version }

// ServeHTTP answers one request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.handler.ServeHTTP(w, r)
}

// Timeouts that keep slow or idle clients from holding connections.
const (
	readHeaderTimeout = 5 * time.Second
	readTimeout       = 30 * time.Second
	writeTimeout      = 60 * time.Second
	idleTimeout       = 120 * time.Second
	shutdownGrace     = 15 * time.Second
)

// Serve answers requests on ln until ctx is done, then stops accepting
// new ones and lets those in flight finish.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("server: %w", err)
	case <-ctx.Done():
	}
	s.log.Info("shutting down", "grace", shutdownGrace)
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("server: shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("server: %w", err)
	}
	return nil
}
