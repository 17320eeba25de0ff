package store

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	msync "margin/app/sync"
	"margin/cmd/internal/pgtest"
)

// D6: a serialization failure (40001, as CockroachDB sends them) in the
// middle of a push is retried, and the push is applied exactly once.
// Failures that never stop are ErrBusy with nothing committed.
func TestPostgresRetriesSerializationFailures(t *testing.T) {
	dsn := pgtest.DSN(t)
	s := openTest(t, Options{DSN: dsn})
	u := newUser(t, s, "ann")
	// A trigger fails the first n inserts of an object; the sequence is
	// not rolled back with the failed transaction, so it counts tries.
	pgtest.Exec(t, dsn, `
		CREATE SEQUENCE tries;
		CREATE TABLE fail_first (n bigint NOT NULL);
		INSERT INTO fail_first VALUES (1);
		CREATE FUNCTION inject() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN
			IF nextval('tries') <= (SELECT n FROM fail_first) THEN
				RAISE EXCEPTION 'injected serialization failure' USING ERRCODE = 'serialization_failure';
			END IF;
			RETURN NEW;
		END $$;
		CREATE TRIGGER inject BEFORE INSERT ON objects FOR EACH ROW EXECUTE FUNCTION inject();`)
	now := time.Now()
	res := push(t, s, u.ID, "client-aaaa", now,
		upsert(1, annID(1), hlcAt(now, 1), annFields("one")),
		upsert(2, annID(1), hlcAt(now, 2), noteField("two")))
	if got := statuses(res); !slices.Equal(got, []string{"1:applied", "2:applied"}) {
		t.Fatalf("results %v", got)
	}
	if n := count(t, s, "SELECT last_value FROM tries"); n != 2 {
		t.Fatalf("the insert was tried %d times, want 2 (one injected failure)", n)
	}
	if seq, _ := s.ChangeSeq(ctx(t), u.ID); seq != 1 {
		t.Fatalf("change_seq %d, want 1", seq)
	}
	if n := count(t, s, "SELECT COUNT(*) FROM objects"); n != 1 {
		t.Fatalf("%d objects", n)
	}
	if n := count(t, s, "SELECT COUNT(*) FROM revisions"); n != 1 {
		t.Fatalf("%d revisions, want 1", n)
	}
	if n := count(t, s, "SELECT COUNT(*) FROM sync_mutations"); n != 2 {
		t.Fatalf("%d mutation hashes, want 2", n)
	}

	// Failing every time: ErrBusy, and nothing of the push is kept.
	pgtest.Exec(t, dsn, "UPDATE fail_first SET n = 1000000")
	state := snapshot(t, s, u.ID)
	_, err := s.Push(ctx(t), u.ID, &msync.PushRequest{Protocol: 1, ClientID: "client-aaaa",
		Mutations: []msync.Mutation{upsert(3, annID(2), hlcAt(now, 3), annFields("three"))}}, now)
	if !errors.Is(err, ErrBusy) {
		t.Fatalf("a push that always fails: %v, want ErrBusy", err)
	}
	if snapshot(t, s, u.ID) != state {
		t.Fatal("a failed push changed the state")
	}
	if resp, _ := s.Pull(ctx(t), u.ID, "client-aaaa", 0, 10, now); *resp.LastMutationID != 2 {
		t.Fatalf("last mutation id after the failed push: %d", *resp.LastMutationID)
	}
}

// Two stores on one database, as two server processes: each hears the
// other's notifications once and its own once, and a listener whose
// connection is cut reconnects.
func TestPostgresNotifyAcrossProcesses(t *testing.T) {
	dsn := pgtest.DSN(t)
	a, b := openTest(t, Options{DSN: dsn}), openTest(t, Options{DSN: dsn})
	heardA, heardB := make(chan string, 100), make(chan string, 100)
	if err := a.Listen(ctx(t), func(u string) { heardA <- u }); err != nil {
		t.Fatal(err)
	}
	if err := b.Listen(ctx(t), func(u string) { heardB <- u }); err != nil {
		t.Fatal(err)
	}
	expect := func(ch chan string, who, want string) {
		t.Helper()
		got, ok := hear(ch, 10*time.Second)
		if !ok {
			t.Fatalf("%s did not hear %q", who, want)
		}
		if got != want {
			t.Fatalf("%s heard %q, want %q", who, got, want)
		}
	}
	quiet := func(ch chan string, who string) {
		t.Helper()
		if got, ok := hear(ch, 300*time.Millisecond); ok {
			t.Fatalf("%s heard %q again", who, got)
		}
	}
	if err := b.Notify(ctx(t), "user-1"); err != nil {
		t.Fatal(err)
	}
	expect(heardA, "a", "user-1")
	expect(heardB, "b", "user-1")
	if err := a.Notify(ctx(t), "user-2"); err != nil {
		t.Fatal(err)
	}
	expect(heardA, "a", "user-2")
	expect(heardB, "b", "user-2")
	quiet(heardA, "a")
	quiet(heardB, "b")

	// Cut both LISTEN connections; they come back.
	if n := count(t, a, `SELECT COUNT(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE query LIKE 'LISTEN%' AND datname = current_database()) cut`); n != 2 {
		t.Fatalf("cut %d LISTEN connections, want 2", n)
	}
	deadline := time.Now().Add(20 * time.Second)
	for heard := false; !heard; {
		if time.Now().After(deadline) {
			t.Fatal("a did not hear b after its connection was cut")
		}
		b.Notify(ctx(t), "user-3")
		got, _ := hear(heardA, 200*time.Millisecond)
		heard = got == "user-3"
	}
}

func TestPostgresBackupSaysPgDump(t *testing.T) {
	s := openPostgresTest(t, Options{})
	err := s.Backup(ctx(t), t.TempDir()+"/x")
	if err == nil || !strings.Contains(err.Error(), "pg_dump") {
		t.Fatalf("Backup on PostgreSQL: %v", err)
	}
}

// Listen's context ends the listening; Close ends everything.
func TestPostgresListenStopsWithClose(t *testing.T) {
	s, err := Open(context.Background(), Options{DSN: pgtest.DSN(t)})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Listen(ctx(t), func(string) {}); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		s.Close()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Close did not return while a listener was registered")
	}
	if err := s.Listen(ctx(t), func(string) {}); err == nil {
		t.Fatal("Listen on a closed store succeeded")
	}
}
