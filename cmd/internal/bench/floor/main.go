//go:build !(js && wasm)

// Command floor is the reference Margin's benchmark measures against: the
// smallest go-app v10 app (a heading and a paragraph), served the way
// Margin serves itself, through margin/cmd/internal/static with the same
// precompressed copies. Built with GOOS=js GOARCH=wasm it is the browser
// side (main_wasm.go); built natively it is this server.
//
//	floor --addr 127.0.0.1:8090 --web DIR [--precompressed=false]
//
// DIR holds app.wasm with its .br and .gz copies, and the icons of this
// folder's web/ (the bench puts them together in .bench/floor/web).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"margin/cmd/internal/static"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "floor:", err)
		os.Exit(1)
	}
}

func run() error {
	addr := flag.String("addr", "127.0.0.1:8090", "`host:port` to listen on")
	webDir := flag.String("web", "web", "`folder` served under /web/: app.wasm, its .br and .gz copies, the icons")
	precompressed := flag.Bool("precompressed", true, "send the brotli or gzip copy of app.wasm; false sends it as it is")
	flag.Parse()

	st, err := static.New(os.DirFS(*webDir), *precompressed)
	if err != nil {
		return fmt.Errorf("web folder %s: %w", *webDir, err)
	}
	if !st.Has("/web/app.wasm") {
		return fmt.Errorf("web folder %s has no app.wasm", *webDir)
	}
	app.Route("/", app.NewZeroComponentFactory(&hello{}))
	h := &app.Handler{
		Name:  "Floor",
		Title: "Floor",
		// Every icon is local: go-app's defaults point at GitHub, and a
		// measurement must not wait on the internet.
		Icon: app.Icon{
			Default: "/web/icon.png",
			Large:   "/web/icon.png",
			SVG:     "/web/icon.svg",
		},
		Resources:               st,
		WasmContentLengthHeader: static.WasmLengthHeader,
		Version:                 st.Version(),
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.Printf("floor: serving http://%s from %s (precompressed %v)", ln.Addr(), *webDir, *precompressed)
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}
