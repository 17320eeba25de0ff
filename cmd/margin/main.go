//go:build !(js && wasm)

// Command margin is Margin: with no build tags it is the server and the
// command line; built with GOOS=js GOARCH=wasm it is the app the browser
// runs (see main_wasm.go).
//
//	margin serve [--addr localhost:8080] [--data ./data] [--db postgres://…] [--signup open|closed]
//	             [--allow-private-network] [--allow-host host:port]…
//	margin user add NAME        (the password is read from stdin's first line, or asked for)
//	margin user passwd NAME
//	margin backup FILE
//	margin import [--user NAME] [--allow-private-network] [--allow-host host:port]… URL|FILE…
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"margin/app/ui"
	"margin/assets"
	"margin/cmd/internal/account"
	"margin/cmd/internal/articles"
	"margin/cmd/internal/server"
	"margin/cmd/internal/store"
	"margin/web"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
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
  margin serve [flags]        serve the app and its API (the default)
  margin user add NAME        create an account; the password is read from
                              standard input's first line, or asked for
  margin user passwd NAME     set an account's password and end its sessions
  margin backup FILE          write a consistent copy of the SQLite database
  margin import URL|FILE…     import pages and .html/.md/.txt files into the
                              shared library, or with --user NAME into that
                              reader's own
  margin help                 show this help

Every command takes --data and --db; run "margin serve -h" for the flags.
`

// run does what the command line asks until ctx is done.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serve(ctx, args, stderr)
	case "user":
		return user(ctx, args, stdin, stdout, stderr)
	case "backup":
		return backup(ctx, args, stdout, stderr)
	case "import":
		return importCmd(ctx, args, stdout, stderr)
	case "help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("unknown command %q", cmd)
	}
}

// dbFlags are the flags that say where Margin keeps its data.
type dbFlags struct {
	data, db *string
}

func addDBFlags(fl *flag.FlagSet) dbFlags {
	return dbFlags{
		data: fl.String("data", "./data", "`folder` for Margin's data; article files in its articles/ folder join the library"),
		db:   fl.String("db", "", "the database: a postgres:// URL, or an SQLite file (default: margin.db in the data folder)"),
	}
}

// open opens the store the flags name.
func (f dbFlags) open(ctx context.Context, log *slog.Logger, hooks store.Hooks) (store.Store, error) {
	opts := store.Options{Log: log, Hooks: hooks}
	switch db := *f.db; {
	case strings.HasPrefix(db, "postgres://"), strings.HasPrefix(db, "postgresql://"):
		opts.DSN = db
	case strings.Contains(db, "://"):
		return nil, fmt.Errorf("--db takes a postgres:// URL or an SQLite file, not %q", db)
	case db != "":
		opts.Path = db
	default:
		opts.Path = filepath.Join(*f.data, "margin.db")
	}
	return store.Open(ctx, opts)
}

func serve(ctx context.Context, args []string, stderr io.Writer) error {
	fl := flag.NewFlagSet("serve", flag.ContinueOnError)
	fl.SetOutput(stderr)
	addr := fl.String("addr", "localhost:8080", "`host:port` to listen on")
	where := addDBFlags(fl)
	signup := fl.String("signup", "open", "`open` lets anyone make an account; closed leaves it to \"margin user add\"")
	publicURL := fl.String("public-url", "", "`origin` the server is reached at, for link previews and cookies (default: the request's)")
	var proxies proxyList
	fl.Var(&proxies, "trusted-proxy", "`CIDR or IP` of a reverse proxy whose Forwarded / X-Forwarded-* headers are believed (repeatable)")
	tlsCert := fl.String("tls-cert", "", "PEM `file` of the certificate chain to serve HTTPS with (with --tls-key)")
	tlsKey := fl.String("tls-key", "", "PEM `file` of the certificate's private key (with --tls-cert)")
	precompressed := fl.Bool("precompressed", true, "send browsers the brotli or gzip copy of app.wasm; false sends it as it is")
	guard := addGuardFlags(fl)
	if err := fl.Parse(args); err != nil {
		return err
	}
	if fl.NArg() > 0 {
		return fmt.Errorf("serve: unexpected argument %q", fl.Arg(0))
	}
	if *signup != "open" && *signup != "closed" {
		return fmt.Errorf("serve: --signup is open or closed, not %q", *signup)
	}
	tlsConfig, err := loadTLS(*tlsCert, *tlsKey)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	slog.SetDefault(log)

	hooks, err := faultHooks(os.Getenv("MARGIN_TEST_FAULT"), log)
	if err != nil {
		return fmt.Errorf("serve: MARGIN_TEST_FAULT: %w", err)
	}
	if hooks.BeforeCommit != nil || hooks.AfterCommit != nil {
		log.Warn("MARGIN_TEST_FAULT is set: pushes are slowed on purpose; this is for tests only", "faults", os.Getenv("MARGIN_TEST_FAULT"))
	}
	if err := os.MkdirAll(*where.data, 0o700); err != nil {
		return fmt.Errorf("serve: data folder: %w", err)
	}
	lib, err := articles.Load(assets.FS, *where.data, log)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	// Pages show the shared library, and a signed-in reader's own
	// articles to them.
	ui.Register(server.PageSource(lib), nil)
	if _, err := fs.Stat(web.FS, "app.wasm"); err != nil {
		log.Warn("web/app.wasm is missing from this build: pages show, but the app will not start; build with make")
	}
	st, err := where.open(ctx, log, hooks)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	// The store closes after the server has drained: requests in flight
	// at shutdown still commit.
	defer st.Close()
	srv, err := server.New(server.Config{
		Articles:       lib,
		Web:            web.FS,
		Precompressed:  *precompressed,
		PublicURL:      *publicURL,
		TLS:            tlsConfig,
		TrustedProxies: proxies,
		Log:            log,
		Store:          st,
		SignupClosed:   *signup == "closed",
		Importer:       guard.extractor(log),
	})
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	scheme := "http://"
	if tlsConfig != nil {
		scheme = "https://"
	}
	log.Info("serving Margin", "url", scheme+ln.Addr().String(), "data", *where.data, "signup", *signup, "version", srv.Version())
	return srv.Serve(ctx, ln)
}

// faultHooks reads MARGIN_TEST_FAULT, which only tests set, into store
// hooks: "sleep-before-commit=300ms" holds every push just before its
// commit, "sleep-after-commit=300ms" just after it, before the answer
// goes out (comma-separated, either or both). Each pause is logged as it
// starts: the durability tests watch for that line and kill the server
// in the window.
func faultHooks(spec string, log *slog.Logger) (store.Hooks, error) {
	var h store.Hooks
	if spec == "" {
		return h, nil
	}
	for item := range strings.SplitSeq(spec, ",") {
		name, value, _ := strings.Cut(strings.TrimSpace(item), "=")
		d, err := time.ParseDuration(value)
		if err != nil || d < 0 {
			return h, fmt.Errorf("%q: want name=duration", item)
		}
		switch name {
		case "sleep-before-commit":
			h.BeforeCommit = func(ctx context.Context) error {
				log.Warn("test fault: pausing before commit", "for", d)
				time.Sleep(d)
				return nil
			}
		case "sleep-after-commit":
			h.AfterCommit = func(ctx context.Context) {
				log.Warn("test fault: pausing after commit", "for", d)
				time.Sleep(d)
			}
		default:
			return h, fmt.Errorf("%q: unknown fault; known are sleep-before-commit and sleep-after-commit", name)
		}
	}
	return h, nil
}

// user manages accounts from the command line.
func user(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "add" && args[0] != "passwd") {
		fmt.Fprint(stderr, usage)
		return errors.New(`user: say "add NAME" or "passwd NAME"`)
	}
	sub := args[0]
	fl := flag.NewFlagSet("user "+sub, flag.ContinueOnError)
	fl.SetOutput(stderr)
	where := addDBFlags(fl)
	if err := fl.Parse(args[1:]); err != nil {
		return err
	}
	// Flags may also follow the name.
	if fl.NArg() < 1 {
		return fmt.Errorf("user %s: which name?", sub)
	}
	name := fl.Arg(0)
	if err := fl.Parse(fl.Args()[1:]); err != nil {
		return err
	}
	if fl.NArg() > 0 {
		return fmt.Errorf("user %s: unexpected argument %q", sub, fl.Arg(0))
	}
	if err := account.CheckName(name); err != nil {
		return fmt.Errorf("user %s: %w", sub, err)
	}
	password, err := readPassword(stdin, stderr, name)
	if err != nil {
		return fmt.Errorf("user %s: %w", sub, err)
	}
	if err := account.CheckPassword(password); err != nil {
		return fmt.Errorf("user %s: %w", sub, err)
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	st, err := where.open(ctx, log, store.Hooks{})
	if err != nil {
		return fmt.Errorf("user %s: %w", sub, err)
	}
	defer st.Close()
	hash, err := account.NewHasher(account.DefaultParams, 1).Hash(ctx, password)
	if err != nil {
		return fmt.Errorf("user %s: %w", sub, err)
	}
	switch sub {
	case "add":
		u, err := st.CreateUser(ctx, name, hash)
		if errors.Is(err, store.ErrExists) {
			return fmt.Errorf("user add: the name %q is taken", name)
		}
		if err != nil {
			return fmt.Errorf("user add: %w", err)
		}
		fmt.Fprintf(stdout, "created %s (id %s)\n", u.Name, u.ID)
	case "passwd":
		u, err := st.UserByName(ctx, name)
		if errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("user passwd: there is no account %q", name)
		}
		if err == nil {
			err = st.SetPassword(ctx, u.ID, hash)
		}
		if err == nil {
			err = st.DeleteSessions(ctx, u.ID, "")
		}
		if err != nil {
			return fmt.Errorf("user passwd: %w", err)
		}
		fmt.Fprintf(stdout, "set the password of %s and ended its sessions\n", u.Name)
	}
	return nil
}

// readPassword reads a password: the first line of stdin, or, when stdin
// is a terminal, typed twice without echo.
func readPassword(stdin io.Reader, stderr io.Writer, name string) (string, error) {
	f, isFile := stdin.(*os.File)
	terminal := false
	if isFile {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			terminal = true
		}
	}
	rd := bufio.NewReader(stdin)
	line := func() (string, error) {
		s, err := rd.ReadString('\n')
		if err != nil && !(errors.Is(err, io.EOF) && s != "") {
			return "", errors.New("no password given on standard input")
		}
		return strings.TrimRight(s, "\r\n"), nil
	}
	if !terminal {
		return line()
	}
	// Hide what is typed; stty is on every system with a terminal.
	echo := func(on bool) {
		arg := "-echo"
		if on {
			arg = "echo"
		}
		c := exec.Command("stty", arg)
		c.Stdin = f
		c.Run()
	}
	echo(false)
	defer echo(true)
	fmt.Fprintf(stderr, "Password for %s: ", name)
	first, err := line()
	fmt.Fprintln(stderr)
	if err != nil {
		return "", err
	}
	fmt.Fprint(stderr, "Again: ")
	second, err := line()
	fmt.Fprintln(stderr)
	if err != nil {
		return "", err
	}
	if first != second {
		return "", errors.New("the two passwords differ")
	}
	return first, nil
}

// backup writes a consistent copy of the database while it may be in use.
func backup(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("backup", flag.ContinueOnError)
	fl.SetOutput(stderr)
	where := addDBFlags(fl)
	if err := fl.Parse(args); err != nil {
		return err
	}
	if fl.NArg() != 1 {
		return errors.New("backup: name one file to write")
	}
	dest := fl.Arg(0)
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	st, err := where.open(ctx, log, store.Hooks{})
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer st.Close()
	if err := st.Backup(ctx, dest); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	fmt.Fprintf(stdout, "wrote %s\n", dest)
	return nil
}
