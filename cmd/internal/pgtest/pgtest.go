// Package pgtest starts a throwaway PostgreSQL server for tests: one per
// test binary, on a free loopback port, in a temporary folder, with every
// durability setting off because nothing in it must outlive the run.
// Each call to DSN creates a fresh, empty database on it.
//
// A test package that uses it runs its tests through Main, which stops the
// server when they end:
//
//	func TestMain(m *testing.M) { pgtest.Main(m) }
//
//	func TestSomething(t *testing.T) {
//		dsn := pgtest.DSN(t) // skips when PostgreSQL is not installed
//		…
//	}
//
// A DSN is an ordinary postgres:// URL: several connections or processes
// (say two server binaries that must see each other's notifications) may
// share one.
//
// PostgreSQL refuses to run as root. When the tests run as root, the
// server runs as the "postgres" user that Debian's package creates.
// Without PostgreSQL the tests that ask for it skip with a message, except
// when CI=true, where they fail.
package pgtest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Main runs the package's tests, stops the server if a test started one,
// and exits with the tests' status.
func Main(m *testing.M) {
	code := m.Run()
	Stop()
	os.Exit(code)
}

// DSN returns the URL of a new, empty database on the test binary's
// PostgreSQL server, starting the server on first use. It skips the test
// when PostgreSQL is not installed, unless CI=true, and fails it when the
// server cannot be started.
func DSN(t testing.TB) string {
	t.Helper()
	s, err := get()
	if err != nil {
		var nf *notFound
		if errors.As(err, &nf) {
			if os.Getenv("CI") == "true" {
				t.Fatalf("PostgreSQL not found (CI=true, so this fails instead of skipping): %v", nf)
			}
			t.Skipf("PostgreSQL not found: %v", nf)
		}
		t.Fatalf("pgtest: starting PostgreSQL: %v", err)
	}
	name := fmt.Sprintf("t_%d", dbs.Add(1))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := execSQL(ctx, s.url("postgres"), "CREATE DATABASE "+name); err != nil {
		t.Fatalf("pgtest: creating database %s: %v", name, err)
	}
	return s.url(name)
}

// Exec runs statements as the superuser on the database a DSN names, for
// tests that must do what the application may not (install a trigger,
// end another connection).
func Exec(t testing.TB, dsn, sql string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := execSQL(ctx, dsn, sql); err != nil {
		t.Fatalf("pgtest: %s: %v", sql, err)
	}
}

// execSQL connects to the database a DSN names, runs sql and disconnects.
func execSQL(ctx context.Context, dsn, sql string) error {
	c, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return fmt.Errorf("connecting: %w", err)
	}
	defer c.Close(context.Background())
	_, err = c.Exec(ctx, sql)
	return err
}

// Stop stops the server and removes its folder. Main calls it; calling it
// again, or without a server, does nothing.
func Stop() {
	mu.Lock()
	s := running
	running = nil
	mu.Unlock()
	if s != nil {
		s.stop()
	}
}

var (
	dbs     atomic.Int64 // numbers the databases DSN creates
	mu      sync.Mutex   // guards running and started
	running *server
	started bool
	failed  error // why the server could not be started, once tried
)

// get returns the running server, starting it on the first call.
func get() (*server, error) {
	mu.Lock()
	defer mu.Unlock()
	if !started {
		started = true
		running, failed = start()
	}
	if failed != nil {
		return nil, failed
	}
	if running == nil {
		return nil, errors.New("the server was stopped")
	}
	return running, nil
}

// notFound says PostgreSQL is not installed here.
type notFound struct{ msg string }

func (e *notFound) Error() string { return e.msg }

// server is a running PostgreSQL.
type server struct {
	dir  string        // the temporary folder: data/, the socket, log
	port int           // on 127.0.0.1
	proc *os.Process   // the postmaster
	done chan struct{} // closed when the postmaster has exited
}

func (s *server) url(db string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", s.port, db)
}

// binDir finds the folder holding initdb and postgres: $PGTEST_BINDIR,
// the newest /usr/lib/postgresql/N/bin, or the PATH.
func binDir() (string, error) {
	if d := os.Getenv("PGTEST_BINDIR"); d != "" {
		return d, nil
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	slices.SortFunc(dirs, func(a, b string) int {
		va, _ := strconv.Atoi(filepath.Base(filepath.Dir(a)))
		vb, _ := strconv.Atoi(filepath.Base(filepath.Dir(b)))
		return vb - va
	})
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p), nil
	}
	return "", &notFound{"no initdb in /usr/lib/postgresql/*/bin or on the PATH (apt-get install postgresql, or set PGTEST_BINDIR)"}
}

// start makes a cluster in a new temporary folder and starts it.
func start() (*server, error) {
	bin, err := binDir()
	if err != nil {
		return nil, err
	}
	for _, name := range []string{"initdb", "postgres"} {
		if _, err := os.Stat(filepath.Join(bin, name)); err != nil {
			return nil, &notFound{fmt.Sprintf("%s is missing from %s", name, bin)}
		}
	}
	cred, err := credential()
	if err != nil {
		return nil, err
	}
	removeAbandoned()
	dir, err := os.MkdirTemp("", "pgtest-")
	if err != nil {
		return nil, err
	}
	if cred != nil {
		if err := os.Chown(dir, int(cred.Uid), int(cred.Gid)); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
	}
	initdb := exec.Command(filepath.Join(bin, "initdb"), "-D", filepath.Join(dir, "data"),
		"-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions")
	initdb.Dir = dir
	initdb.Env = append(os.Environ(), "LC_ALL=C")
	initdb.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	if out, err := initdb.CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("initdb: %v\n%s", err, out)
	}
	// A free port can be taken by someone else between our check and the
	// server's bind: try a few.
	var last error
	for range 3 {
		s, err := launch(bin, dir, cred)
		if err == nil {
			return s, nil
		}
		last = err
	}
	os.RemoveAll(dir)
	return nil, last
}

// credential returns who the server runs as: nil (the current user)
// unless that is root, which PostgreSQL refuses.
func credential() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("running as root, and PostgreSQL refuses root, but there is no postgres user to run it as: %v", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

// launch starts the postmaster on a free port and waits until it answers.
// It runs as a child of the test binary, not through pg_ctl's daemon, so
// that it dies with the binary even when Main never gets to stop it (a
// test timeout, a kill): the kernel sends it SIGQUIT when the thread that
// started it ends, and that thread is kept for the process's lifetime.
func launch(bin, dir string, cred *syscall.Credential) (*server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	logPath := filepath.Join(dir, "log")
	logf, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		return nil, err
	}
	defer logf.Close()
	cmd := exec.Command(filepath.Join(bin, "postgres"), "-D", filepath.Join(dir, "data"),
		"-p", strconv.Itoa(port), "-k", dir,
		"-c", "listen_addresses=127.0.0.1",
		"-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
		"-c", "max_connections=300", "-c", "shared_buffers=64MB",
		"-c", "dynamic_shared_memory_type=mmap",
		"-c", "log_min_messages=warning", "-c", "log_min_error_statement=panic")
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Pdeathsig: syscall.SIGQUIT, Setpgid: true}

	s := &server{dir: dir, port: port, done: make(chan struct{})}
	startErr := make(chan error, 1)
	go func() {
		// Pdeathsig fires when the thread that forked the child exits; this
		// goroutine keeps its thread until the server has exited.
		runtime.LockOSThread()
		if err := cmd.Start(); err != nil {
			startErr <- err
			return
		}
		startErr <- nil
		cmd.Wait()
		close(s.done)
	}()
	if err := <-startErr; err != nil {
		return nil, fmt.Errorf("starting postgres: %v", err)
	}
	s.proc = cmd.Process

	deadline := time.Now().Add(60 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		c, err := pgx.Connect(ctx, s.url("postgres"))
		cancel()
		if err == nil {
			c.Close(context.Background())
			return s, nil
		}
		select {
		case <-s.done:
			out, _ := os.ReadFile(logPath)
			return nil, fmt.Errorf("postgres exited at start:\n%s", strings.TrimSpace(string(out)))
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			s.halt()
			out, _ := os.ReadFile(logPath)
			return nil, fmt.Errorf("postgres did not answer within a minute: %v\n%s", err, out)
		}
	}
}

// stop stops the server and removes its folder.
func (s *server) stop() {
	s.halt()
	os.RemoveAll(s.dir)
}

// halt asks for a fast shutdown and kills the server if that takes too
// long.
func (s *server) halt() {
	s.proc.Signal(syscall.SIGINT)
	select {
	case <-s.done:
	case <-time.After(20 * time.Second):
		s.proc.Kill()
		<-s.done
	}
}

// removeAbandoned removes the folders of servers whose test binary was
// killed before it could (the server itself died with it): those an hour
// old whose postmaster is gone.
func removeAbandoned() {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), "pgtest-*"))
	for _, d := range dirs {
		info, err := os.Stat(d)
		if err != nil || time.Since(info.ModTime()) < time.Hour {
			continue
		}
		if b, err := os.ReadFile(filepath.Join(d, "data", "postmaster.pid")); err == nil {
			pid, _ := strconv.Atoi(strings.TrimSpace(strings.SplitN(string(b), "\n", 2)[0]))
			if err := syscall.Kill(pid, 0); pid > 0 && (err == nil || err == syscall.EPERM) {
				continue // still running
			}
		}
		os.RemoveAll(d)
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
