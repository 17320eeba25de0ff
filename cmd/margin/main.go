//go:build !(js && wasm)

// Command margin is Margin: with no build tags it is the server and the
// command line; built with GOOS=js GOARCH=wasm it is the app the browser
// runs (see main_wasm.go).
//
//	margin serve [--addr localhost:8080] [--data ./data]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"

	"margin/app/ui"
	"margin/assets"
	"margin/cmd/internal/articles"
	"margin/cmd/internal/server"
	"margin/web"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "margin:", err)
		os.Exit(1)
	}
}

const usage = `Usage:
  margin serve [flags]   serve the app and its API (the default)
  margin help            show this help

Run "margin serve -h" for the flags.
`

// run does what the command line asks until ctx is done.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serve(ctx, args, stderr)
	case "help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("unknown command %q", cmd)
	}
}

func serve(ctx context.Context, args []string, stderr io.Writer) error {
	fl := flag.NewFlagSet("serve", flag.ContinueOnError)
	fl.SetOutput(stderr)
	addr := fl.String("addr", "localhost:8080", "`host:port` to listen on")
	data := fl.String("data", "./data", "`folder` for Margin's data; article files in its articles/ folder join the library")
	publicURL := fl.String("public-url", "", "`origin` the server is reached at, for link previews (default: the request's)")
	precompressed := fl.Bool("precompressed", true, "send browsers the brotli or gzip copy of app.wasm; false sends it as it is")
	if err := fl.Parse(args); err != nil {
		return err
	}
	if fl.NArg() > 0 {
		return fmt.Errorf("serve: unexpected argument %q", fl.Arg(0))
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	slog.SetDefault(log)

	if err := os.MkdirAll(*data, 0o700); err != nil {
		return fmt.Errorf("serve: data folder: %w", err)
	}
	lib, err := articles.Load(assets.FS, *data, log)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	ui.Register(lib, nil)
	if _, err := fs.Stat(web.FS, "app.wasm"); err != nil {
		log.Warn("web/app.wasm is missing from this build: pages show, but the app will not start; build with make")
	}
	srv, err := server.New(server.Config{
		Articles:      lib,
		Web:           web.FS,
		Precompressed: *precompressed,
		PublicURL:     *publicURL,
		Log:           log,
	})
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	log.Info("serving Margin", "url", "http://"+ln.Addr().String(), "data", *data, "version", srv.Version())
	return srv.Serve(ctx, ln)
}
