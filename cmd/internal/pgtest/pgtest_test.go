package pgtest

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

func TestMain(m *testing.M) { Main(m) }

// Each DSN names its own empty database on one running server.
func TestDSNGivesFreshDatabases(t *testing.T) {
	// The first DSN starts the server (initdb included), which under a
	// busy machine takes a good part of a minute: the test's own clock
	// starts after it.
	a, b := DSN(t), DSN(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if a == b {
		t.Fatalf("two calls gave the same database %s", a)
	}
	ca, err := pgx.Connect(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	defer ca.Close(ctx)
	if _, err := ca.Exec(ctx, "CREATE TABLE x (n int)"); err != nil {
		t.Fatal(err)
	}
	cb, err := pgx.Connect(ctx, b)
	if err != nil {
		t.Fatal(err)
	}
	defer cb.Close(ctx)
	var n int
	if err := cb.QueryRow(ctx, "SELECT count(*) FROM pg_tables WHERE tablename = 'x'").Scan(&n); err != nil || n != 0 {
		t.Fatalf("the second database sees the first's table: n=%d err=%v", n, err)
	}
	Exec(t, b, "CREATE TABLE y (n int)")
	if err := cb.QueryRow(ctx, "SELECT count(*) FROM pg_tables WHERE tablename = 'y'").Scan(&n); err != nil || n != 1 {
		t.Fatalf("Exec's table is not there: n=%d err=%v", n, err)
	}
}
