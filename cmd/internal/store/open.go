package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	_ "modernc.org/sqlite"             // registers the "sqlite" database/sql driver
)

// Options say which database Open opens and how.
type Options struct {
	// Path is the SQLite database file, made (with its folder) if missing.
	Path string
	// DSN, a postgres:// or postgresql:// URL, opens PostgreSQL instead.
	// Exactly one of Path and DSN is set.
	DSN string
	// Log receives what the store has to say that no caller is waiting
	// for (a lost LISTEN connection, a failed bookkeeping write); nil
	// discards it.
	Log *slog.Logger
	// Hooks are called at fixed points of every push; tests use them to
	// inject faults. The zero value does nothing.
	Hooks Hooks
	// BusyTimeout is how long an SQLite statement waits for another
	// process's lock before that try fails; 5 s if zero.
	BusyTimeout time.Duration
	// MaxConns caps the connections: PostgreSQL's pool (default 16) or
	// SQLite's readers (default 4; SQLite always has one writer).
	MaxConns int

	// globalVersions, set only by this package's tests, stamps versions
	// from a counter shared by all users and taken without the user's
	// lock: the commit-order bug the per-user counter prevents, kept so a
	// test can show that it catches it (S5).
	globalVersions *atomic.Int64
}

// Hooks are functions the store calls during a push, for fault-injection
// tests (a kill -9 before or after the commit, a slow transaction). Nil
// hooks are skipped.
type Hooks struct {
	// BeforeCommit runs inside the push's transaction after all of its
	// writes, just before COMMIT, holding the user's lock. An error aborts
	// the push: it is rolled back and Push returns the error (retried first
	// if it is a serialization failure). It may run more than once per
	// Push when the transaction is retried.
	BeforeCommit func(ctx context.Context) error
	// AfterCommit runs once the push has committed, before Push returns.
	AfterCommit func(ctx context.Context)
}

// Open opens the database that opts name, applying any migrations this
// binary has and the database lacks. A database migrated by a newer Margin
// is ErrSchemaTooNew. Several processes may open one database at once; only
// one migrates it.
func Open(ctx context.Context, opts Options) (Store, error) {
	if opts.Log == nil {
		opts.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if opts.BusyTimeout <= 0 {
		opts.BusyTimeout = 5 * time.Second
	}
	switch {
	case opts.Path != "" && opts.DSN != "":
		return nil, errors.New("store: open: give a file path or a PostgreSQL URL, not both")
	case opts.DSN != "":
		if !strings.HasPrefix(opts.DSN, "postgres://") && !strings.HasPrefix(opts.DSN, "postgresql://") {
			return nil, errors.New("store: open: the database URL must start with postgres:// or postgresql://")
		}
		return openPostgres(ctx, opts)
	case opts.Path != "":
		return openSQLite(ctx, opts)
	}
	return nil, errors.New("store: open: no database given")
}

var _ Store = (*db)(nil)

// db is the Store for both backends: the SQL is shared, and dialect holds
// what differs.
type db struct {
	dialect
	w     *sql.DB   // writes: SQLite's one writer connection, or the PostgreSQL pool
	r     *sql.DB   // reads: SQLite's readers, or the same pool
	opts  Options   // as Open completed them: Path or DSN, Log, Hooks…
	stmts stmtCache // SQLite's prepared writer statements
	group *grouper  // SQLite's group committer of pushes

	hub        hub           // this process's listeners
	instance   string        // tells this process's notifications from others'
	listen     sync.Once     // starts the PostgreSQL LISTEN loop
	listenOnce sync.Once     // closes listening
	listening  chan struct{} // closed once the first LISTEN is in place
	stop       chan struct{} // closed by Close
	wg         sync.WaitGroup
	closed     atomic.Bool
}

func openSQLite(ctx context.Context, opts Options) (*db, error) {
	path := opts.Path
	if strings.ContainsAny(path, "?#") {
		return nil, fmt.Errorf("store: open %s: the file name may not hold '?' or '#'", path)
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("store: open %s: %w", path, err)
		}
	}
	busy := fmt.Sprintf("_pragma=busy_timeout(%d)", opts.BusyTimeout.Milliseconds())
	common := busy + "&_pragma=foreign_keys(1)&_pragma=synchronous(FULL)"
	// The writer sets WAL (it sticks to the file) and begins every
	// transaction with BEGIN IMMEDIATE, so a write transaction never has to
	// upgrade a read lock, which is where SQLITE_BUSY comes from.
	w, err := sql.Open("sqlite", path+"?"+common+"&_pragma=journal_mode(WAL)&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	s := newDB(sqliteDialect, opts)
	s.w = w
	if err := s.migrate(ctx); err != nil {
		w.Close()
		return nil, err
	}
	r, err := sql.Open("sqlite", path+"?"+common+"&_pragma=query_only(1)")
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	n := opts.MaxConns
	if n <= 0 {
		n = 4
	}
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	r.SetConnMaxIdleTime(5 * time.Minute)
	s.r = r
	s.startGroup()
	return s, nil
}

func openPostgres(ctx context.Context, opts Options) (*db, error) {
	p, err := sql.Open("pgx", opts.DSN)
	if err != nil {
		return nil, fmt.Errorf("store: open PostgreSQL: %w", err)
	}
	n := opts.MaxConns
	if n <= 0 {
		n = 16
	}
	p.SetMaxOpenConns(n)
	p.SetMaxIdleConns(n)
	p.SetConnMaxIdleTime(5 * time.Minute)
	s := newDB(postgresDialect, opts)
	s.w, s.r = p, p
	if err := s.migrate(ctx); err != nil {
		p.Close()
		return nil, err
	}
	return s, nil
}

func newDB(d dialect, opts Options) *db {
	return &db{dialect: d, opts: opts,
		stmts:    stmtCache{m: map[string]*sql.Stmt{}},
		instance: randomID(8), stop: make(chan struct{}), listening: make(chan struct{})}
}

// Ping checks that the database answers.
func (s *db) Ping(ctx context.Context) error {
	if err := s.w.PingContext(ctx); err != nil {
		return fmt.Errorf("store: ping: %w", err)
	}
	return nil
}

// Close stops the listener and closes the connections.
func (s *db) Close() error {
	if s.closed.Swap(true) {
		return nil
	}
	close(s.stop)
	s.wg.Wait()
	s.stmts.close()
	err := s.w.Close()
	if s.r != s.w && s.r != nil {
		err = errors.Join(err, s.r.Close())
	}
	return err
}

// Backup writes a consistent copy of the database to path, which must not
// exist, without stopping writers: SQLite's VACUUM INTO reads one snapshot
// on a connection of its own. PostgreSQL has pg_dump for that.
func (s *db) Backup(ctx context.Context, path string) error {
	if s.name == "postgres" {
		return errors.New("store: backup: Margin does not copy a PostgreSQL database itself; back it up with pg_dump (for example pg_dump --format=custom --file=margin.dump \"$DSN\")")
	}
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("store: backup to %s: the file exists; choose a new name", path)
	}
	b, err := sql.Open("sqlite", s.opts.Path+fmt.Sprintf("?_pragma=busy_timeout(%d)", s.opts.BusyTimeout.Milliseconds()))
	if err != nil {
		return fmt.Errorf("store: backup: %w", err)
	}
	defer b.Close()
	if _, err := b.ExecContext(ctx, "VACUUM INTO $1", path); err != nil {
		return fmt.Errorf("store: backup to %s: %w", path, err)
	}
	return nil
}

// redact returns a PostgreSQL URL without its password, for messages.
func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "the PostgreSQL database"
	}
	return u.Redacted()
}
