package store

import (
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// dialect is what differs between SQLite and PostgreSQL. The SQL itself
// is shared: both take $N parameters, ON CONFLICT and RETURNING.
type dialect struct {
	name string // "sqlite" or "postgres": the migrations folder too
	// forUpdate ends the SELECT that takes a user's row lock. SQLite
	// needs none: its one writer holds the database's write lock from
	// BEGIN IMMEDIATE.
	forUpdate string
	// readTx starts a pull: one snapshot for all of its queries.
	readTx *sql.TxOptions
	// retryable reports a transient failure that a new try of the whole
	// transaction may get past.
	retryable func(error) bool
	// unique and foreignKey report constraint violations.
	unique     func(error) bool
	foreignKey func(error) bool
	// lockMigrations, run first in the migration transaction, makes
	// concurrent Opens migrate one after the other.
	lockMigrations string
}

var sqliteDialect = dialect{
	name:      "sqlite",
	forUpdate: "",
	// A deferred BEGIN: the snapshot is taken by the first SELECT and kept
	// until the end of the transaction (WAL mode).
	readTx: &sql.TxOptions{ReadOnly: true},
	retryable: func(err error) bool {
		c := sqliteCode(err) & 0xff
		return c == sqlite3.SQLITE_BUSY || c == sqlite3.SQLITE_LOCKED
	},
	unique: func(err error) bool {
		c := sqliteCode(err)
		return c == sqlite3.SQLITE_CONSTRAINT_UNIQUE || c == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	},
	foreignKey: func(err error) bool { return sqliteCode(err) == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY },
	// The writer's BEGIN IMMEDIATE already excludes other writers.
	lockMigrations: "",
}

var postgresDialect = dialect{
	name: "postgres",
	// NO KEY UPDATE, the lock an UPDATE of change_seq takes anyway: it
	// does not wait for the KEY SHARE locks that foreign-key checks (a new
	// client's row) take on the user.
	forUpdate: " FOR NO KEY UPDATE",
	readTx:    &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true},
	retryable: func(err error) bool {
		switch pgCode(err) {
		case "40001", // serialization_failure
			"40P01", // deadlock_detected
			"40003": // statement_completion_unknown (CockroachDB's ambiguous result)
			return true
		}
		// Two users creating one annotation id at the same moment: the
		// retry sees the other's row and answers not_found.
		var pe *pgconn.PgError
		return errors.As(err, &pe) && pe.Code == "23505" && pe.ConstraintName == "objects_annotation_id"
	},
	unique:     func(err error) bool { return pgCode(err) == "23505" },
	foreignKey: func(err error) bool { return pgCode(err) == "23503" },
	// A transaction-scoped advisory lock, released by COMMIT. CockroachDB
	// has no advisory locks; see README.md.
	lockMigrations: "SELECT pg_advisory_xact_lock(7361826482)",
}

func sqliteCode(err error) int {
	var e *sqlite.Error
	if errors.As(err, &e) {
		return e.Code()
	}
	return 0
}

func pgCode(err error) string {
	var e *pgconn.PgError
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// randomID returns n random bytes in hex.
func randomID(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
