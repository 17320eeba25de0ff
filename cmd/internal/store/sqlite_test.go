package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	msync "margin/app/sync"
	"margin/cmd/internal/pgtest"
)

// D4: a backup taken while 20 writers push is a consistent snapshot, and
// a store opened on it serves pulls.
func TestBackupWhileWriting(t *testing.T) {
	s := openSQLiteTest(t, Options{})
	const users, writersPerUser = 5, 4
	var ids []string
	for i := range users {
		ids = append(ids, newUser(t, s, fmt.Sprintf("user-%d", i)).ID)
	}
	var stop atomic.Bool
	var pushes atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, users*writersPerUser)
	for w := range users * writersPerUser {
		wg.Go(func() {
			user, client := ids[w%users], fmt.Sprintf("writer-%02d", w)
			for n := int64(1); n <= 100000 && !stop.Load(); n++ {
				now := time.Now()
				m := upsert(n, annID(w*1000000+int(n)), msync.At(now), annFields("x"))
				if _, err := s.Push(ctx(t), user, &msync.PushRequest{Protocol: 1, ClientID: client, Mutations: []msync.Mutation{m}}, now); err != nil {
					errs <- err
					return
				}
				pushes.Add(1)
			}
		})
	}
	dir := t.TempDir()
	var copies []string
	for i := range 5 {
		time.Sleep(300 * time.Millisecond)
		p := filepath.Join(dir, fmt.Sprintf("backup-%d.db", i))
		if err := s.Backup(ctx(t), p); err != nil {
			t.Fatal(err)
		}
		copies = append(copies, p)
	}
	time.Sleep(300 * time.Millisecond)
	stop.Store(true)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("a writer failed: %v", err)
	}
	t.Logf("%d pushes during the backups", pushes.Load())
	if err := s.Backup(ctx(t), copies[0]); err == nil || !strings.Contains(err.Error(), "exists") {
		t.Fatalf("a backup over an existing file: %v", err)
	}

	var total []int64
	for _, p := range copies {
		raw, err := sql.Open("sqlite", p)
		if err != nil {
			t.Fatal(err)
		}
		var check string
		if err := raw.QueryRow("PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
			t.Fatalf("%s: integrity_check %q, %v", p, check, err)
		}
		// Writers only create: in a consistent copy each user's versions
		// are exactly 1…change_seq.
		rows, err := raw.Query(`SELECT u.id, u.change_seq, COUNT(o.id), COALESCE(MAX(o.version), 0)
			FROM users u LEFT JOIN objects o ON o.user_id = u.id GROUP BY u.id, u.change_seq`)
		if err != nil {
			t.Fatal(err)
		}
		var sum int64
		for rows.Next() {
			var id string
			var seq, n, top int64
			if err := rows.Scan(&id, &seq, &n, &top); err != nil {
				t.Fatal(err)
			}
			if n != seq || top != seq {
				t.Fatalf("%s: user %s has change_seq %d, %d objects, greatest version %d", p, id, seq, n, top)
			}
			sum += n
		}
		rows.Close()
		raw.Close()
		total = append(total, sum)
	}
	t.Logf("objects in the copies: %v", total)
	if total[len(total)-1] == 0 {
		t.Fatal("the backups hold nothing: the writers did not run during them")
	}

	// Restore the last copy: pulls serve what it holds, and a client whose
	// cursor came from the newer database is told to start again.
	r := openTest(t, Options{Path: copies[len(copies)-1]})
	for _, id := range ids {
		seq, err := r.ChangeSeq(ctx(t), id)
		if err != nil {
			t.Fatal(err)
		}
		recs, _ := pullAll(t, r, id, "restored-client", 0, msync.PullLimit)
		if int64(len(recs)) != seq {
			t.Fatalf("the restored copy serves %d records of user %s, change_seq %d", len(recs), id, seq)
		}
		live, _ := s.ChangeSeq(ctx(t), id)
		if live > seq {
			if _, err := r.Pull(ctx(t), id, "restored-client", live, 10, time.Now()); !errors.Is(err, ErrResetRequired) {
				t.Fatalf("a cursor from after the backup: %v, want ErrResetRequired", err)
			}
		}
	}
}

// A writer kept out by another process's lock gets ErrBusy after the
// retries, with nothing committed, and gets through once the lock goes.
func TestSQLiteBusy(t *testing.T) {
	s := openSQLiteTest(t, Options{BusyTimeout: 20 * time.Millisecond})
	u := newUser(t, s, "ann")
	other, err := sql.Open("sqlite", s.opts.Path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	conn, err := other.Conn(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx(t), "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	req := &msync.PushRequest{Protocol: 1, ClientID: "client-aaaa", Mutations: []msync.Mutation{upsert(1, annID(1), hlcAt(now, 1), annFields("x"))}}
	if _, err := s.Push(ctx(t), u.ID, req, now); !errors.Is(err, ErrBusy) {
		t.Fatalf("a push while another process writes: %v, want ErrBusy", err)
	}
	release := time.AfterFunc(30*time.Millisecond, func() { conn.ExecContext(context.Background(), "COMMIT") })
	defer release.Stop()
	if _, err := conn.ExecContext(ctx(t), "SELECT 1"); err != nil {
		t.Fatal(err)
	}
	res, err := s.Push(ctx(t), u.ID, req, now)
	if err != nil || statuses(res)[0] != "1:applied" {
		t.Fatalf("a push after the lock went: %+v, %v", res, err)
	}
}

// D5: the schema as first released (testdata/schema-v1.db, made by
// MARGIN_WRITE_GOLDEN=1 go test -run TestMigrationsFromV1 and kept) migrates
// to this binary's head with its data intact, and a second run does
// nothing.
func TestMigrationsFromV1(t *testing.T) {
	golden := filepath.Join("testdata", "schema-v1.db")
	if os.Getenv("MARGIN_WRITE_GOLDEN") == "1" {
		writeGolden(t, golden)
	}
	b, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (make it with MARGIN_WRITE_GOLDEN=1 while the head is version 1)", err)
	}
	path := filepath.Join(t.TempDir(), "margin.db")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	before := checksums(t, path)
	if before["schema_migrations"] == "" || !strings.Contains(before["schema_migrations"], "0001_init.sql") {
		t.Fatalf("the golden file is not at schema version 1: %q", before["schema_migrations"])
	}
	var migrated string
	for run := range 2 {
		s, err := Open(ctx(t), Options{Path: path})
		if err != nil {
			t.Fatalf("run %d: %v", run, err)
		}
		s.Close()
		after := checksums(t, path)
		for table, sum := range before {
			if table != "schema_migrations" && after[table] != sum {
				t.Fatalf("run %d: the rows of %s changed", run, table)
			}
		}
		if run == 0 {
			migrated = after["schema_migrations"]
		} else if after["schema_migrations"] != migrated {
			t.Fatal("the second run changed schema_migrations")
		}
	}
	// The sync state is served as it was stored.
	s := openTest(t, Options{Path: path})
	u, err := s.UserByName(ctx(t), "golden")
	if err != nil {
		t.Fatal(err)
	}
	recs, last := pullAll(t, s, u.ID, "golden-client", 0, 2)
	if len(recs) != 3 || *last.LastMutationID != 5 || recs[2].Deleted == 0 || string(recs[0].Fields["note"].Value) != `"edited"` {
		t.Fatalf("the golden user's objects: %+v", recs)
	}
	if revs, _ := s.Revisions(ctx(t), u.ID, msync.KindAnnotation, annID(1)); len(revs) != 1 {
		t.Fatalf("the golden revisions: %+v", revs)
	}
	now := time.Now()
	if res := push(t, s, u.ID, "golden-client", now, upsert(6, annID(4), hlcAt(now, 1), annFields("new"))); statuses(res)[0] != "6:applied" {
		t.Fatalf("a push to the migrated database: %v", statuses(res))
	}
}

// checksums returns a digest of each table's rows, by their version 1
// columns, so a later migration that adds columns still compares equal.
func checksums(t *testing.T, path string) map[string]string {
	t.Helper()
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	out := map[string]string{}
	for table, cols := range map[string]string{
		"users":             "id, name, name_key, password_hash, created_at, change_seq, tombstone_horizon",
		"sessions":          "hash, user_id, created_at, expires_at, last_seen_at",
		"sync_clients":      "client_id, user_id, last_mutation_id, last_pull_version, created_at",
		"sync_mutations":    "client_id, mutation_id, hash",
		"objects":           "user_id, kind, id, version, deleted_hlc, created_at, updated_at, fields",
		"revisions":         "user_id, kind, object_id, field, value, hlc, by_client, reason, recorded_at",
		"schema_migrations": "version, name, applied_at",
	} {
		rows, err := raw.Query("SELECT " + cols + " FROM " + table + " ORDER BY " + cols)
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		n := len(strings.Split(cols, ","))
		for rows.Next() {
			vals := make([]any, n)
			ptrs := make([]any, n)
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&b, "%v\n", vals)
		}
		rows.Close()
		out[table] = b.String()
	}
	return out
}

// writeGolden makes the version 1 golden database: one user with a
// session, a client, a live annotation with a revision, a setting and a
// tombstone.
func writeGolden(t *testing.T, golden string) {
	if SchemaVersion() != 1 {
		t.Fatal("the golden file of version 1 can only be made by a binary whose head is version 1; keep the one checked in")
	}
	s := openSQLiteTest(t, Options{})
	u := newUser(t, s, "golden")
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	if err := s.CreateSession(ctx(t), Session{Hash: "golden-session", UserID: u.ID, Created: now, Expires: now.AddDate(10, 0, 0), LastSeen: now}); err != nil {
		t.Fatal(err)
	}
	push(t, s, u.ID, "golden-client", now,
		upsert(1, annID(1), hlcAt(now, 1), annFields("original")),
		upsert(2, annID(1), hlcAt(now, 2), noteField("edited")),
		msync.Mutation{ID: 3, Op: msync.OpUpsert, Kind: msync.KindSetting, Object: "theme", HLC: hlcAt(now, 3),
			Fields: map[string]json.RawMessage{"value": json.RawMessage(`"dark"`)}},
		upsert(4, annID(2), hlcAt(now, 4), annFields("gone")))
	push(t, s, u.ID, "golden-client", now, del(5, annID(2), hlcAt(now, 5)))
	os.MkdirAll(filepath.Dir(golden), 0o755)
	os.Remove(golden)
	if err := s.Backup(ctx(t), golden); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s", golden)
}

// A database migrated by a newer binary is refused, naming both versions.
func TestSchemaTooNew(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			s := b.open(t, Options{})
			head := SchemaVersion()
			if _, err := s.w.ExecContext(ctx(t), "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, 'from_the_future.sql', 0)", head+1); err != nil {
				t.Fatal(err)
			}
			_, err := Open(ctx(t), s.opts)
			if !errors.Is(err, ErrSchemaTooNew) {
				t.Fatalf("opening a newer schema: %v", err)
			}
			for _, want := range []string{fmt.Sprint("version ", head+1), fmt.Sprint("up to ", head)} {
				if !strings.Contains(err.Error(), want) {
					t.Fatalf("the message %q does not say %q", err, want)
				}
			}
		})
	}
}

// Processes opening a new database at once leave one set of migrations.
func TestConcurrentMigrations(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			opts := Options{Path: filepath.Join(t.TempDir(), "fresh.db")}
			if b.name == "postgres" {
				opts = Options{DSN: pgtest.DSN(t)}
			}
			const n = 4
			var wg sync.WaitGroup
			errs := make([]error, n)
			stores := make([]Store, n)
			start := make(chan struct{})
			for i := range n {
				wg.Go(func() {
					<-start
					stores[i], errs[i] = Open(ctx(t), opts)
				})
			}
			close(start)
			wg.Wait()
			for i, err := range errs {
				if err != nil {
					t.Fatalf("open %d: %v", i, err)
				}
				defer stores[i].Close()
			}
			s := stores[0].(*db)
			if got := count(t, s, "SELECT COUNT(*) FROM schema_migrations"); int64(got) != SchemaVersion() {
				t.Fatalf("%d migrations recorded, want %d", got, SchemaVersion())
			}
			newUser(t, s, "ann")
		})
	}
}

// The writer and the readers have the settings durability and
// correctness rest on.
func TestSQLiteSettings(t *testing.T) {
	s := openSQLiteTest(t, Options{})
	for _, c := range []struct {
		db     *sql.DB
		pragma string
		want   string
	}{
		{s.w, "journal_mode", "wal"},
		{s.w, "synchronous", "2"}, // FULL
		{s.w, "foreign_keys", "1"},
		{s.w, "busy_timeout", "5000"},
		{s.w, "query_only", "0"},
		{s.r, "journal_mode", "wal"},
		{s.r, "foreign_keys", "1"},
		{s.r, "query_only", "1"},
	} {
		var got string
		if err := c.db.QueryRowContext(ctx(t), "PRAGMA "+c.pragma).Scan(&got); err != nil || got != c.want {
			t.Errorf("PRAGMA %s = %q (%v), want %q", c.pragma, got, err, c.want)
		}
	}
	if n := s.w.Stats().MaxOpenConnections; n != 1 {
		t.Errorf("the writer may open %d connections", n)
	}
}

func TestOpenErrors(t *testing.T) {
	c := ctx(t)
	for _, o := range []Options{{}, {Path: "x.db", DSN: "postgres://x"}, {DSN: "mysql://x"}, {Path: "a?b.db"}} {
		if s, err := Open(c, o); err == nil {
			s.Close()
			t.Fatalf("Open(%+v) succeeded", o)
		}
	}
}
