package store

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	msync "margin/app/sync"
	"margin/cmd/internal/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// opener opens a new, empty store of one backend for a test; the store is
// closed when the test ends.
type opener func(t testing.TB, o Options) *db

// backends are the stores every contract test runs against.
var backends = []struct {
	name string
	open opener
}{
	{"sqlite", openSQLiteTest},
	{"postgres", openPostgresTest},
}

func openSQLiteTest(t testing.TB, o Options) *db {
	t.Helper()
	o.Path = filepath.Join(t.TempDir(), "data", "margin.db")
	return openTest(t, o)
}

func openPostgresTest(t testing.TB, o Options) *db {
	t.Helper()
	o.DSN = pgtest.DSN(t)
	return openTest(t, o)
}

func openTest(t testing.TB, o Options) *db {
	t.Helper()
	s, err := Open(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s.(*db)
}

// ctx returns a context that ends with the test or after a minute.
func ctx(t testing.TB) context.Context {
	c, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return c
}

func newUser(t testing.TB, s Store, name string) User {
	t.Helper()
	u, err := s.CreateUser(ctx(t), name, "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA")
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// annID returns the n-th annotation id of a test.
func annID(n int) string { return fmt.Sprintf("0190a000-0000-7000-8000-%012d", n) }

// annFields returns the fields of a new annotation with the given note.
func annFields(note string) map[string]json.RawMessage {
	n, _ := json.Marshal(note)
	return map[string]json.RawMessage{
		"article": json.RawMessage(`"article-1"`),
		"target":  json.RawMessage(`{"exact":"word","start":10,"end":14}`),
		"color":   json.RawMessage(`"yellow"`),
		"note":    n,
		"tags":    json.RawMessage(`[]`),
		"created": json.RawMessage(`1767225600000`),
	}
}

// noteField returns the fields of an edit of the note alone.
func noteField(note string) map[string]json.RawMessage {
	n, _ := json.Marshal(note)
	return map[string]json.RawMessage{"note": n}
}

func upsert(id int64, object string, h msync.HLC, fields map[string]json.RawMessage) msync.Mutation {
	return msync.Mutation{ID: id, Op: msync.OpUpsert, Kind: msync.KindAnnotation, Object: object, HLC: h, Fields: fields}
}

func del(id int64, object string, h msync.HLC) msync.Mutation {
	return msync.Mutation{ID: id, Op: msync.OpDelete, Kind: msync.KindAnnotation, Object: object, HLC: h}
}

// hlcAt returns a clock value at now plus a counter.
func hlcAt(now time.Time, n int) msync.HLC { return msync.At(now) + msync.HLC(n) }

func push(t testing.TB, s Store, userID, client string, now time.Time, ms ...msync.Mutation) PushResult {
	t.Helper()
	res, err := s.Push(ctx(t), userID, &msync.PushRequest{Protocol: msync.Protocol, ClientID: client, Mutations: ms}, now)
	if err != nil {
		t.Fatalf("push: %v", err)
	}
	return res
}

// pullAll pulls every page after cursor and returns the records and the
// last page.
func pullAll(t testing.TB, s Store, userID, client string, cursor int64, limit int) ([]msync.Record, msync.PullResponse) {
	t.Helper()
	var all []msync.Record
	for range 100000 {
		resp, err := s.Pull(ctx(t), userID, client, cursor, limit, time.Now())
		if err != nil {
			t.Fatalf("pull from %d: %v", cursor, err)
		}
		all = append(all, resp.Changes...)
		if !resp.HasMore {
			return all, resp
		}
		if resp.LastMutationID != nil {
			t.Fatalf("a page with more after it has last_mutation_id %d", *resp.LastMutationID)
		}
		cursor = resp.Cursor
	}
	t.Fatal("pulling never ended")
	return nil, msync.PullResponse{}
}

// statuses returns the results' statuses (with reasons) in order.
func statuses(res PushResult) []string {
	var out []string
	for _, r := range res.Response.Results {
		s := fmt.Sprintf("%d:%s", r.ID, r.Status)
		if r.Reason != "" {
			s += "/" + r.Reason
		}
		out = append(out, s)
	}
	return out
}

// hear waits up to wait for a user id on ch: the id and true, or "" and
// false if none came.
func hear(ch <-chan string, wait time.Duration) (string, bool) {
	select {
	case u := <-ch:
		return u, true
	case <-time.After(wait):
		return "", false
	}
}

// count runs a COUNT query on the store's database.
func count(t testing.TB, s *db, q string, args ...any) int {
	t.Helper()
	var n int
	if err := s.w.QueryRowContext(ctx(t), q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// snapshot describes everything the store holds for a user, for comparing
// states: objects with versions and fields, revisions, change counter.
func snapshot(t testing.TB, s *db, userID string) string {
	t.Helper()
	recs, _ := pullAll(t, s, userID, "", 0, msync.MaxPullLimit)
	seq, err := s.ChangeSeq(ctx(t), userID)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(recs)
	revs := count(t, s, "SELECT COUNT(*) FROM revisions WHERE user_id = $1", userID)
	return fmt.Sprintf("seq=%d revisions=%d records=%s", seq, revs, b)
}
