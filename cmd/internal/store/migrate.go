package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"path"
	"strconv"
	"strings"
	"time"
)

// migrationFiles holds the schema, one numbered file per change and per
// dialect: migrations/sqlite/0001_init.sql, migrations/postgres/0001_init.sql…
// A released file never changes; a new change is a new number in both
// folders.
//
//go:embed migrations
var migrationFiles embed.FS

type migration struct {
	version int64
	name    string // the file name
	sql     string
}

// migrations returns a dialect's migrations in order, numbered 1, 2, 3…
func migrations(dialect string) ([]migration, error) {
	dir := path.Join("migrations", dialect)
	entries, err := migrationFiles.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.ParseInt(num, 10, 64)
		if !ok || err != nil || !strings.HasSuffix(e.Name(), ".sql") {
			return nil, fmt.Errorf("store: migration %s/%s is not named NNNN_name.sql", dir, e.Name())
		}
		if v != int64(len(out))+1 {
			return nil, fmt.Errorf("store: migration %s/%s: expected number %d", dir, e.Name(), len(out)+1)
		}
		b, err := migrationFiles.ReadFile(path.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: v, name: e.Name(), sql: string(b)})
	}
	return out, nil
}

// afterMigration holds, by migration number, the Go part of a migration
// that SQL alone cannot do portably, run in the same transaction: 2 makes
// the index of article objects, whose rows are summaries decoded from the
// stored models.
var afterMigration = map[int64]func(context.Context, querier) error{
	2: indexExisting,
}

// SchemaVersion is the newest schema this binary knows, the same for both
// dialects.
func SchemaVersion() int64 {
	ms, _ := migrations("sqlite")
	return int64(len(ms))
}

// migrate brings the schema up to this binary's newest migration in one
// transaction, which a second process waits for (SQLite's write lock, a
// PostgreSQL advisory lock) and then finds nothing left to do.
func (s *db) migrate(ctx context.Context) error {
	all, err := migrations(s.name)
	if err != nil {
		return err
	}
	head := int64(len(all))
	var applied []string
	err = s.write(ctx, "migrate", func(tx *sql.Tx) error {
		applied = nil
		if s.lockMigrations != "" {
			if _, err := tx.ExecContext(ctx, s.lockMigrations); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			version    BIGINT PRIMARY KEY,
			name       TEXT NOT NULL,
			applied_at BIGINT NOT NULL)`); err != nil {
			return err
		}
		var cur int64
		if err := tx.QueryRowContext(ctx, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations").Scan(&cur); err != nil {
			return err
		}
		if cur > head {
			return fmt.Errorf("%w: the database is at schema version %d, but this Margin knows versions up to %d; run the newer Margin, or restore a backup made before it ran", ErrSchemaTooNew, cur, head)
		}
		for _, m := range all[cur:] {
			if _, err := tx.ExecContext(ctx, m.sql); err != nil {
				return fmt.Errorf("applying %s: %w", m.name, err)
			}
			if fill := afterMigration[m.version]; fill != nil {
				if err := fill(ctx, tx); err != nil {
					return fmt.Errorf("applying %s: %w", m.name, err)
				}
			}
			if _, err := tx.ExecContext(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
				m.version, m.name, ms(time.Now())); err != nil {
				return err
			}
			applied = append(applied, m.name)
		}
		return nil
	})
	if errors.Is(err, ErrSchemaTooNew) {
		return err
	}
	if err != nil {
		return fmt.Errorf("store: migrating the %s database: %w", s.name, err)
	}
	if len(applied) > 0 {
		s.opts.Log.Info("store: migrated the database", "dialect", s.name, "applied", applied, "version", head)
	}
	return nil
}
