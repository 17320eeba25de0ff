package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	msync "margin/app/sync"
)

// TestContract runs the one suite over both backends.
func TestContract(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			runContract(t, b.open)
		})
	}
}

// runContract checks what the Store interface promises, on a fresh store
// per case.
func runContract(t *testing.T, open opener) {
	cases := []struct {
		name string
		run  func(t *testing.T, open opener)
	}{
		{"Users", testUsers},
		{"Sessions", testSessions},
		{"DeleteUser", testDeleteUser},
		{"Tokens", testTokens},
		{"TokenLimit", testTokenLimit},
		{"PushPull", testPushPull},
		{"Invalid", testInvalid},
		{"S2LostReply", testLostReply},
		{"S3DuplicatePush", testDuplicatePush},
		{"S4GapAndReuse", testGapAndReuse},
		{"S5PagingUnderWrites", testPagingUnderWrites},
		{"S6DeleteThenEdit", testDeleteThenEdit},
		{"S7Tombstones", testTombstones},
		{"S8Clamp", testClamp},
		{"S9ClientOwned", testClientOwned},
		{"X7OtherUsersAnnotation", testOtherUsersAnnotation},
		{"Notify", testNotify},
		{"Hooks", testHooks},
		{"BigPages", testBigPages},
		{"Media", testMedia},
		{"PutArticle", testPutArticle},
		{"ArticleIndexFollowsPush", testArticleIndexFollowsPush},
		{"ArticleIndexMigration", testArticleIndexMigration},
		{"DeleteArticle", testDeleteArticle},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			c.run(t, open)
		})
	}
}

func testPushPull(t *testing.T, open opener) {
	s := open(t, Options{})
	c := ctx(t)
	u := newUser(t, s, "ann")
	now := time.Now()
	muts := []msync.Mutation{
		upsert(1, annID(1), hlcAt(now, 1), annFields("first")),
		{ID: 2, Op: msync.OpUpsert, Kind: msync.KindSetting, Object: "theme", HLC: hlcAt(now, 2),
			Fields: map[string]json.RawMessage{"value": json.RawMessage(`"dark"`)}},
		{ID: 3, Op: msync.OpUpsert, Kind: msync.KindPosition, Object: "article-1", HLC: hlcAt(now, 3),
			Fields: map[string]json.RawMessage{"at": json.RawMessage(`{"b":3,"f":0.5}`)}},
		upsert(4, annID(2), hlcAt(now, 4), annFields("second")),
		upsert(5, annID(1), hlcAt(now, 5), noteField("first, edited")),
	}
	res := push(t, s, u.ID, "client-aaaa", now, muts...)
	if got, want := statuses(res), []string{"1:applied", "2:applied", "3:applied", "4:applied", "5:applied"}; !slices.Equal(got, want) {
		t.Fatalf("results %v, want %v", got, want)
	}
	if res.Response.LastMutationID != 5 || !res.Changed || res.Clamped != 0 || res.Response.ServerTimeMs != now.UnixMilli() {
		t.Fatalf("push result %+v", res)
	}
	// Four objects changed, annotation 1 twice in one push: one version
	// each.
	if seq, _ := s.ChangeSeq(c, u.ID); seq != 4 {
		t.Fatalf("change_seq %d, want 4 (one per changed object)", seq)
	}
	recs, last := pullAll(t, s, u.ID, "client-aaaa", 0, 2)
	if len(recs) != 4 || last.LastMutationID == nil || *last.LastMutationID != 5 || last.Cursor != 4 || last.HasMore {
		t.Fatalf("pull: %d records, last page %+v", len(recs), last)
	}
	for i, r := range recs {
		if r.Version != int64(i+1) {
			t.Fatalf("record %d has version %d", i, r.Version)
		}
	}
	a1 := recs[0]
	if a1.Kind != msync.KindAnnotation || a1.ID != annID(1) || a1.Created != now.UnixMilli() || a1.Deleted != 0 {
		t.Fatalf("annotation: %+v", a1)
	}
	if f := a1.Fields["note"]; string(f.Value) != `"first, edited"` || f.HLC != hlcAt(now, 5) || f.By != "client-aaaa" {
		t.Fatalf("note field %+v", f)
	}
	if f := a1.Fields["target"]; string(f.Value) != `{"exact":"word","start":10,"end":14}` || f.HLC != hlcAt(now, 1) {
		t.Fatalf("target field %+v", f)
	}
	if len(a1.Fields) != 6 {
		t.Fatalf("annotation has %d fields", len(a1.Fields))
	}
	if got := recs[1]; got.Kind != msync.KindSetting || string(got.Fields["value"].Value) != `"dark"` {
		t.Fatalf("setting %+v", got)
	}
	// The overwritten note is a revision.
	revs, err := s.Revisions(c, u.ID, msync.KindAnnotation, annID(1))
	if err != nil || len(revs) != 1 || string(revs[0].Value) != `"first"` || revs[0].Reason != msync.RevisionOverwritten || revs[0].Field != "note" {
		t.Fatalf("revisions %+v, %v", revs, err)
	}
	// A cursor at the end: nothing, same cursor, last mutation id.
	resp, err := s.Pull(c, u.ID, "client-aaaa", 4, 10, now)
	if err != nil || len(resp.Changes) != 0 || resp.Cursor != 4 || resp.HasMore || *resp.LastMutationID != 5 {
		t.Fatalf("pull at the end: %+v, %v", resp, err)
	}
	// Another client of the same user: last mutation id 0.
	if resp, _ := s.Pull(c, u.ID, "client-bbbb", 0, 10, now); *resp.LastMutationID != 0 || len(resp.Changes) != 4 {
		t.Fatalf("another client's pull: %+v", resp)
	}
	// A cursor from the future (a restored backup) must reset.
	if _, err := s.Pull(c, u.ID, "client-aaaa", 99, 10, now); !errors.Is(err, ErrResetRequired) {
		t.Fatalf("pull beyond the counter: %v", err)
	}
	// The pull was recorded for the tombstone collector: its first page,
	// and more progress a minute later.
	if n := count(t, s, "SELECT last_pull_version FROM sync_clients WHERE client_id = 'client-aaaa'"); n != 2 {
		t.Fatalf("last_pull_version %d, want 2", n)
	}
	if _, err := s.Pull(c, u.ID, "client-aaaa", 4, 10, now.Add(2*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if n := count(t, s, "SELECT last_pull_version FROM sync_clients WHERE client_id = 'client-aaaa'"); n != 4 {
		t.Fatalf("last_pull_version %d, want 4", n)
	}
	// An empty push changes nothing.
	if res := push(t, s, u.ID, "client-aaaa", now); res.Changed || res.Response.LastMutationID != 5 || len(res.Response.Results) != 0 {
		t.Fatalf("empty push: %+v", res)
	}
}

func testInvalid(t *testing.T, open opener) {
	s := open(t, Options{})
	u := newUser(t, s, "ann")
	now := time.Now()
	bad := upsert(2, annID(2), hlcAt(now, 2), map[string]json.RawMessage{"color": json.RawMessage(`"mauve"`)})
	res := push(t, s, u.ID, "client-aaaa", now,
		upsert(1, annID(1), hlcAt(now, 1), annFields("ok")),
		bad,
		upsert(3, "not-a-uuid", hlcAt(now, 3), annFields("x")),
		upsert(4, annID(4), hlcAt(now, 4), annFields("also ok")))
	if got, want := statuses(res), []string{"1:applied", "2:rejected/invalid", "3:rejected/invalid", "4:applied"}; !slices.Equal(got, want) {
		t.Fatalf("results %v, want %v", got, want)
	}
	if res.Response.LastMutationID != 4 {
		t.Fatalf("last mutation id %d: rejected mutations count as processed", res.Response.LastMutationID)
	}
	if m := res.Response.Results[1].Message; !strings.Contains(m, "mauve") || strings.HasPrefix(m, "sync:") {
		t.Fatalf("message %q", m)
	}
	recs, _ := pullAll(t, s, u.ID, "", 0, 10)
	if len(recs) != 2 {
		t.Fatalf("%d records stored, want the 2 valid ones", len(recs))
	}
}

func testNotify(t *testing.T, open opener) {
	s := open(t, Options{})
	lctx, cancel := context.WithCancel(ctx(t))
	got := make(chan string, 10)
	if err := s.Listen(lctx, func(u string) { got <- u }); err != nil {
		t.Fatal(err)
	}
	if err := s.Notify(ctx(t), "user-1"); err != nil {
		t.Fatal(err)
	}
	if u, ok := hear(got, 10*time.Second); !ok {
		t.Fatal("the listener heard nothing")
	} else if u != "user-1" {
		t.Fatalf("heard %q", u)
	}
	// Exactly once: a second delivery (say, the process's own NOTIFY coming
	// back from PostgreSQL) would arrive within a moment.
	if u, ok := hear(got, 300*time.Millisecond); ok {
		t.Fatalf("heard %q twice", u)
	}
	cancel()
	time.Sleep(50 * time.Millisecond)
	s.Notify(ctx(t), "user-2")
	if u, ok := hear(got, 300*time.Millisecond); ok {
		t.Fatalf("a listener whose context ended heard %q", u)
	}
}

func testHooks(t *testing.T, open opener) {
	var before, after int
	fail := errors.New("injected")
	var refuse bool
	s := open(t, Options{Hooks: Hooks{
		BeforeCommit: func(context.Context) error {
			before++
			if refuse {
				return fail
			}
			return nil
		},
		AfterCommit: func(context.Context) { after++ },
	}})
	u := newUser(t, s, "ann")
	now := time.Now()
	push(t, s, u.ID, "client-aaaa", now, upsert(1, annID(1), hlcAt(now, 1), annFields("one")))
	if before != 1 || after != 1 {
		t.Fatalf("hooks ran %d and %d times", before, after)
	}
	refuse = true
	state := snapshot(t, s, u.ID)
	_, err := s.Push(ctx(t), u.ID, &msync.PushRequest{Protocol: 1, ClientID: "client-aaaa",
		Mutations: []msync.Mutation{upsert(2, annID(2), hlcAt(now, 2), annFields("two"))}}, now)
	if !errors.Is(err, fail) || after != 1 {
		t.Fatalf("a push whose BeforeCommit failed: %v (AfterCommit ran %d times)", err, after)
	}
	if snapshot(t, s, u.ID) != state {
		t.Fatal("a push whose BeforeCommit failed changed the state")
	}
}

// testBigPages: a pull page stops at pageBytes of field data, so large
// article copies come a few at a time, and none is lost between pages.
func testBigPages(t *testing.T, open opener) {
	s := open(t, Options{})
	u := newUser(t, s, "reader")
	now := time.Now()
	text := strings.Repeat("word ", 180000) // about 900 kB of field data
	doc, _ := json.Marshal(map[string]any{"blocks": []any{map[string]any{"kind": "paragraph", "runs": []any{map[string]any{"text": text}}}}})
	var ms []msync.Mutation
	for i := range 6 {
		ms = append(ms, msync.Mutation{ID: int64(i + 1), Op: msync.OpUpsert, Kind: msync.KindArticle,
			Object: fmt.Sprintf("article-%d", i), HLC: hlcAt(now, i), Fields: map[string]json.RawMessage{"doc": doc}})
	}
	if res := push(t, s, u.ID, "c_bigpages", now, ms...); res.Response.LastMutationID != 6 {
		t.Fatalf("push: %v", statuses(res))
	}
	first, err := s.Pull(ctx(t), u.ID, "c_bigpages", 0, msync.MaxPullLimit, now)
	if err != nil {
		t.Fatal(err)
	}
	if !first.HasMore || len(first.Changes) == 0 || len(first.Changes) >= 6 {
		t.Fatalf("first page: %d records, has_more %v; want a page cut short by size", len(first.Changes), first.HasMore)
	}
	all, _ := pullAll(t, s, u.ID, "c_bigpages", 0, msync.MaxPullLimit)
	seen := map[string]bool{}
	for _, r := range all {
		seen[r.ID] = true
	}
	if len(all) != 6 || len(seen) != 6 {
		t.Fatalf("pulled %d records (%d distinct), want 6", len(all), len(seen))
	}
}
