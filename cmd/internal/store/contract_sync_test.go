package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	msync "margin/app/sync"
)

// The contract's cases about sync: RELIABILITY.md's S2-S9 and X7 at the
// level of the store.

// S2: the reply to a push is lost after the commit; the client sends it
// again.
func testLostReply(t *testing.T, open opener) {
	s := open(t, Options{})
	u := newUser(t, s, "ann")
	now := time.Now()
	push(t, s, u.ID, "client-aaaa", now, upsert(1, annID(1), hlcAt(now, 1), annFields("one")))
	req := []msync.Mutation{
		upsert(2, annID(1), hlcAt(now, 2), noteField("two")),
		upsert(3, annID(2), hlcAt(now, 3), annFields("new")),
	}
	first := push(t, s, u.ID, "client-aaaa", now, req...)
	state := snapshot(t, s, u.ID)
	again := push(t, s, u.ID, "client-aaaa", now.Add(time.Second), req...)
	if got := statuses(again); !slices.Equal(got, []string{"2:skipped", "3:skipped"}) {
		t.Fatalf("the retry: %v", got)
	}
	if again.Response.LastMutationID != first.Response.LastMutationID || again.Changed {
		t.Fatalf("the retry: %+v, first %+v", again, first)
	}
	if after := snapshot(t, s, u.ID); after != state {
		t.Fatalf("the retry changed the state:\n%s\n%s", state, after)
	}
	if n := count(t, s, "SELECT COUNT(*) FROM revisions"); n != 1 {
		t.Fatalf("%d revisions, want 1", n)
	}
}

// S3: one push body sent twice in a row, and twice at once.
func testDuplicatePush(t *testing.T, open opener) {
	now := time.Now()
	req := &msync.PushRequest{Protocol: 1, ClientID: "client-aaaa", Mutations: []msync.Mutation{
		upsert(1, annID(1), hlcAt(now, 1), annFields("a")),
		upsert(2, annID(2), hlcAt(now, 2), annFields("b")),
		upsert(3, annID(1), hlcAt(now, 3), noteField("a2")),
		del(4, annID(2), hlcAt(now, 4)),
		upsert(5, annID(3), hlcAt(now, 5), annFields("c")),
	}}
	var states []string
	for _, concurrent := range []bool{false, true} {
		s := open(t, Options{})
		u := newUser(t, s, "ann")
		var results [2]PushResult
		var errs [2]error
		if concurrent {
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i := range 2 {
				wg.Go(func() {
					<-start
					results[i], errs[i] = s.Push(ctx(t), u.ID, req, now)
				})
			}
			close(start)
			wg.Wait()
		} else {
			for i := range 2 {
				results[i], errs[i] = s.Push(ctx(t), u.ID, req, now)
			}
		}
		for i, err := range errs {
			if err != nil {
				t.Fatalf("concurrent=%v: push %d: %v", concurrent, i, err)
			}
		}
		for m := range 5 {
			a, b := results[0].Response.Results[m].Status, results[1].Response.Results[m].Status
			if !(a == msync.StatusApplied && b == msync.StatusSkipped || a == msync.StatusSkipped && b == msync.StatusApplied) {
				t.Fatalf("concurrent=%v: mutation %d: %s and %s, want one applied and one skipped", concurrent, m+1, a, b)
			}
		}
		if results[0].Response.LastMutationID != 5 || results[1].Response.LastMutationID != 5 {
			t.Fatalf("concurrent=%v: last mutation ids %d and %d", concurrent, results[0].Response.LastMutationID, results[1].Response.LastMutationID)
		}
		// Three objects changed: the counter moved three times.
		if seq, _ := s.ChangeSeq(ctx(t), u.ID); seq != 3 {
			t.Fatalf("concurrent=%v: change_seq %d, want 3", concurrent, seq)
		}
		states = append(states, snapshot(t, s, u.ID))
	}
	if states[0] != states[1] {
		t.Fatalf("sequential and concurrent duplicates left different states:\n%s\n%s", states[0], states[1])
	}
}

// S4: a gap in the numbers stops the push; a number reused with other
// content refuses it whole.
func testGapAndReuse(t *testing.T, open opener) {
	s := open(t, Options{})
	u := newUser(t, s, "ann")
	now := time.Now()
	first := []msync.Mutation{
		upsert(1, annID(1), hlcAt(now, 1), annFields("one")),
		upsert(2, annID(2), hlcAt(now, 2), annFields("two")),
		upsert(3, annID(3), hlcAt(now, 3), annFields("three")),
	}
	push(t, s, u.ID, "client-aaaa", now, first...)
	state := snapshot(t, s, u.ID)
	gap := push(t, s, u.ID, "client-aaaa", now,
		upsert(5, annID(5), hlcAt(now, 5), annFields("five")),
		upsert(6, annID(6), hlcAt(now, 6), annFields("six")))
	if gap.Response.LastMutationID != 3 || len(gap.Response.Results) != 0 || gap.Changed {
		t.Fatalf("a push after a gap: %+v", gap)
	}
	if after := snapshot(t, s, u.ID); after != state {
		t.Fatalf("a push after a gap changed the state:\n%s\n%s", state, after)
	}
	// 3 and 4 processed, 6 after the gap at 5 not looked at.
	part := push(t, s, u.ID, "client-aaaa", now, first[2],
		upsert(4, annID(4), hlcAt(now, 4), annFields("four")),
		upsert(6, annID(6), hlcAt(now, 6), annFields("six")))
	if got := statuses(part); !slices.Equal(got, []string{"3:skipped", "4:applied"}) || part.Response.LastMutationID != 4 {
		t.Fatalf("a push with a gap inside: %v, last %d", got, part.Response.LastMutationID)
	}
	state = snapshot(t, s, u.ID)
	reused := upsert(2, annID(2), hlcAt(now, 2), annFields("not two"))
	_, err := s.Push(ctx(t), u.ID, &msync.PushRequest{Protocol: 1, ClientID: "client-aaaa",
		Mutations: []msync.Mutation{reused, upsert(5, annID(5), hlcAt(now, 5), annFields("five"))}}, now)
	if !errors.Is(err, ErrClientReused) {
		t.Fatalf("a reused number: %v, want ErrClientReused", err)
	}
	if after := snapshot(t, s, u.ID); after != state {
		t.Fatalf("a refused push changed the state:\n%s\n%s", state, after)
	}
	if resp, _ := s.Pull(ctx(t), u.ID, "client-aaaa", 0, 100, now); *resp.LastMutationID != 4 {
		t.Fatalf("last mutation id after the refused push: %d", *resp.LastMutationID)
	}
}

// S6: a delete, then an edit of the deleted object from another device.
func testDeleteThenEdit(t *testing.T, open opener) {
	s := open(t, Options{})
	u := newUser(t, s, "ann")
	now := time.Now()
	push(t, s, u.ID, "device-a1", now, upsert(1, annID(1), hlcAt(now, 1), annFields("original")))
	push(t, s, u.ID, "device-a1", now, del(2, annID(1), hlcAt(now, 3)))
	// Device B edited offline, before the delete by its clock.
	res := push(t, s, u.ID, "device-b1", now, upsert(1, annID(1), hlcAt(now, 2), noteField("typed on B")))
	if got := statuses(res); !slices.Equal(got, []string{"1:rejected/deleted"}) || res.Changed {
		t.Fatalf("an edit of a deleted annotation: %v (changed %v)", got, res.Changed)
	}
	recs, _ := pullAll(t, s, u.ID, "device-b1", 0, 10)
	if len(recs) != 1 || recs[0].Deleted != hlcAt(now, 3) || len(recs[0].Fields) != 0 {
		t.Fatalf("the tombstone: %+v", recs)
	}
	revs, err := s.Revisions(ctx(t), u.ID, msync.KindAnnotation, annID(1))
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, r := range revs {
		if r.Field == "note" {
			texts = append(texts, string(r.Value)+" "+r.Reason+" "+r.By)
		}
	}
	want := []string{`"original" after_delete device-a1`, `"typed on B" after_delete device-b1`}
	if !slices.Equal(texts, want) {
		t.Fatalf("note revisions %q, want %q", texts, want)
	}
	// Deleting again is applied and changes nothing.
	if res := push(t, s, u.ID, "device-b1", now, del(2, annID(1), hlcAt(now, 4))); res.Changed || statuses(res)[0] != "2:applied" {
		t.Fatalf("a second delete: %+v", res)
	}
}

// S7: purged tombstones and the horizon.
func testTombstones(t *testing.T, open opener) {
	s := open(t, Options{})
	c := ctx(t)
	u := newUser(t, s, "ann")
	now := time.Now()
	var muts []msync.Mutation
	for i := 1; i <= 4; i++ {
		muts = append(muts, upsert(int64(i), annID(i), hlcAt(now, i), annFields(fmt.Sprint(i))))
	}
	push(t, s, u.ID, "client-old", now, muts...)                          // versions 1-4
	if _, err := s.Pull(c, u.ID, "client-old", 0, 100, now); err != nil { // client-old at cursor 4
		t.Fatal(err)
	}
	push(t, s, u.ID, "client-new", now, del(1, annID(1), hlcAt(now, 10)), del(2, annID(2), hlcAt(now, 11))) // versions 5, 6

	// client-old, seen just now, has not pulled the deletions: nothing goes.
	if n, err := s.CollectTombstones(c, now.Add(-time.Hour)); err != nil || n != 0 {
		t.Fatalf("collect while a recent client lags: %d, %v", n, err)
	}
	// Once it has pulled them (recorded: a minute since its last record),
	// they go.
	if _, err := s.Pull(c, u.ID, "client-old", 4, 100, now.Add(2*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if n := count(t, s, "SELECT COUNT(*) FROM sync_clients WHERE client_id = 'client-new' AND last_pull_version = 0"); n != 1 {
		t.Fatal("client-new should not have pulled")
	}
	// client-new has pulled nothing: it was last seen before the cutoff
	// only if the cutoff is after now; use a cutoff between the two.
	if _, err := s.w.ExecContext(c, "UPDATE sync_clients SET last_seen_at = $1 WHERE client_id = 'client-new'", now.Add(-2*time.Hour).UnixMilli()); err != nil {
		t.Fatal(err)
	}
	n, err := s.CollectTombstones(c, now.Add(-time.Hour))
	if err != nil || n != 2 {
		t.Fatalf("collect after every recent client pulled: %d, %v", n, err)
	}
	// A cursor before the purged deletions must reset; one after them not.
	if _, err := s.Pull(c, u.ID, "client-x", 4, 100, now); !errors.Is(err, ErrResetRequired) {
		t.Fatalf("pull from before the horizon: %v", err)
	}
	if _, err := s.Pull(c, u.ID, "client-x", 6, 100, now); err != nil {
		t.Fatalf("pull from the horizon: %v", err)
	}
	// From 0, one object a page: the pages go on below the horizon, as
	// this client began them since the purge. Another client may not.
	if _, err := s.Pull(c, u.ID, "client-y", 3, 100, now); !errors.Is(err, ErrResetRequired) {
		t.Fatalf("pull from below the horizon by a client that did not pull from 0: %v", err)
	}
	recs, lastPage := pullAll(t, s, u.ID, "client-x", 0, 1)
	if lastPage.Cursor != 6 {
		t.Fatalf("the last page's cursor is %d, want the change counter, 6", lastPage.Cursor)
	}
	var ids []string
	for _, r := range recs {
		if r.Deleted != 0 {
			t.Fatalf("pull from 0 has a tombstone %+v", r)
		}
		ids = append(ids, r.ID)
	}
	if !slices.Equal(ids, []string{annID(3), annID(4)}) {
		t.Fatalf("pull from 0 after purging: %v", ids)
	}
	// A pull from 0 that a purge interrupts must start again.
	if resp, err := s.Pull(c, u.ID, "client-z", 0, 1, now); err != nil || resp.Cursor != 3 {
		t.Fatalf("client-z's first page: %+v, %v", resp, err)
	}
	// Deletions older than the cutoff go whatever the clients pulled.
	push(t, s, u.ID, "client-new", now, del(3, annID(3), hlcAt(now, 12)))
	if n, _ := s.CollectTombstones(c, now.Add(-time.Hour)); n != 0 {
		t.Fatalf("a fresh deletion was purged while client-old lags")
	}
	if n, _ := s.CollectTombstones(c, now.Add(time.Hour)); n != 1 {
		t.Fatal("a deletion older than the cutoff was kept")
	}
	if recs, _ := pullAll(t, s, u.ID, "", 0, 10); len(recs) != 1 || recs[0].ID != annID(4) {
		t.Fatalf("after the second collection: %+v", recs)
	}
	if _, err := s.Pull(c, u.ID, "client-z", 3, 1, now); !errors.Is(err, ErrResetRequired) {
		t.Fatalf("the second page of a pull from 0 begun before a purge: %v", err)
	}
}

// S8: a clock far ahead is clamped to the server's time plus MaxSkew.
func testClamp(t *testing.T, open opener) {
	s := open(t, Options{})
	u := newUser(t, s, "ann")
	now := time.Now()
	ahead := msync.At(now.AddDate(1, 0, 0))
	res := push(t, s, u.ID, "client-fast", now,
		upsert(1, annID(1), ahead, annFields("from the future")),
		upsert(2, annID(2), hlcAt(now, 1), annFields("on time")))
	if res.Clamped != 1 {
		t.Fatalf("clamped %d, want 1", res.Clamped)
	}
	limit := msync.At(now.Add(msync.MaxSkew)) + 0xFFFF
	recs, _ := pullAll(t, s, u.ID, "", 0, 10)
	for _, r := range recs {
		for name, f := range r.Fields {
			if f.HLC > limit {
				t.Fatalf("field %s of %s has clock %v, beyond now+MaxSkew", name, r.ID, f.HLC.Time())
			}
		}
	}
	if f := recs[0].Fields["note"]; f.HLC != limit {
		t.Fatalf("the clamped clock is %d, want %d", f.HLC, limit)
	}
	if f := recs[1].Fields["note"]; f.HLC != hlcAt(now, 1) {
		t.Fatalf("an on-time clock was changed: %d", f.HLC)
	}
	// Once the window has passed, a correct clock wins.
	later := now.Add(msync.MaxSkew + time.Minute)
	push(t, s, u.ID, "client-slow", later, upsert(1, annID(1), msync.At(later), noteField("later")))
	if recs, _ := pullAll(t, s, u.ID, "", 0, 10); string(recs[len(recs)-1].Fields["note"].Value) != `"later"` {
		t.Fatalf("the later edit lost: %+v", recs[len(recs)-1].Fields["note"])
	}
}

// S9: a client id of user A pushed by user B.
func testClientOwned(t *testing.T, open opener) {
	s := open(t, Options{})
	a, b := newUser(t, s, "ann"), newUser(t, s, "bob")
	now := time.Now()
	push(t, s, a.ID, "client-of-ann", now, upsert(1, annID(1), hlcAt(now, 1), annFields("ann's")))
	stateA, stateB := snapshot(t, s, a.ID), snapshot(t, s, b.ID)
	_, err := s.Push(ctx(t), b.ID, &msync.PushRequest{Protocol: 1, ClientID: "client-of-ann", Mutations: []msync.Mutation{
		upsert(2, annID(2), hlcAt(now, 2), annFields("bob's"))}}, now)
	if !errors.Is(err, ErrClientOwned) {
		t.Fatalf("bob pushing with ann's client: %v", err)
	}
	if snapshot(t, s, a.ID) != stateA || snapshot(t, s, b.ID) != stateB {
		t.Fatal("the refused push changed something")
	}
	if resp, _ := s.Pull(ctx(t), a.ID, "client-of-ann", 0, 10, now); *resp.LastMutationID != 1 {
		t.Fatalf("ann's last mutation id is %d", *resp.LastMutationID)
	}
	// Bob's pull with ann's client id tells him nothing about it.
	if resp, _ := s.Pull(ctx(t), b.ID, "client-of-ann", 0, 10, now); *resp.LastMutationID != 0 || len(resp.Changes) != 0 {
		t.Fatalf("bob's pull with ann's client: %+v", resp)
	}
	if n := count(t, s, "SELECT COUNT(*) FROM sync_clients WHERE client_id = 'client-of-ann' AND user_id = $1", a.ID); n != 1 {
		t.Fatal("ann's client changed hands")
	}
}

// X7: another user's annotation id in a push, and in pulls.
func testOtherUsersAnnotation(t *testing.T, open opener) {
	s := open(t, Options{})
	a, b := newUser(t, s, "ann"), newUser(t, s, "bob")
	now := time.Now()
	var muts []msync.Mutation
	for i := 1; i <= 20; i++ {
		muts = append(muts, upsert(int64(i), annID(i), hlcAt(now, i), annFields("ann's")))
	}
	push(t, s, a.ID, "client-of-ann", now, muts...)
	stateA := snapshot(t, s, a.ID)
	res := push(t, s, b.ID, "client-of-bob", now,
		upsert(1, annID(3), hlcAt(now, 100), noteField("bob was here")),
		del(2, annID(4), hlcAt(now, 101)),
		upsert(3, annID(500), hlcAt(now, 102), annFields("bob's own")),
		// Other kinds are per user: the same setting name is bob's own.
		msync.Mutation{ID: 4, Op: msync.OpUpsert, Kind: msync.KindSetting, Object: "theme", HLC: hlcAt(now, 103),
			Fields: map[string]json.RawMessage{"value": json.RawMessage(`"dark"`)}})
	if got, want := statuses(res), []string{"1:rejected/not_found", "2:rejected/not_found", "3:applied", "4:applied"}; !slices.Equal(got, want) {
		t.Fatalf("bob's push: %v, want %v", got, want)
	}
	if snapshot(t, s, a.ID) != stateA {
		t.Fatal("bob's push changed ann's objects")
	}
	recs, _ := pullAll(t, s, b.ID, "client-of-bob", 0, 7)
	if len(recs) != 2 {
		t.Fatalf("bob pulled %d records, want his 2", len(recs))
	}
	for _, r := range recs {
		if r.ID != annID(500) && r.ID != "theme" {
			t.Fatalf("bob's pull holds %s", r.ID)
		}
	}
	if revs, _ := s.Revisions(ctx(t), b.ID, msync.KindAnnotation, annID(3)); len(revs) != 0 {
		t.Fatalf("bob has revisions of ann's annotation: %+v", revs)
	}
}
