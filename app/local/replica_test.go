//go:build !(js && wasm)

package local

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"margin/app/annotation"
	"margin/app/article"
	msync "margin/app/sync"
)

// server is a small stand-in for Margin's server, enough to feed Pulled
// and Pushed: it applies mutations as the real store does and pages its
// changes by version.
type server struct {
	recs map[msync.Key]*msync.Record
	seq  int64
	last map[string]int64
}

func newServer() *server {
	return &server{recs: map[msync.Key]*msync.Record{}, last: map[string]int64{}}
}

func (s *server) push(client string, batch []msync.Mutation) msync.PushResponse {
	resp := msync.PushResponse{ServerTimeMs: time.Now().UnixMilli()}
	for _, m := range batch {
		if m.ID <= s.last[client] {
			resp.Results = append(resp.Results, msync.Result{ID: m.ID, Status: msync.StatusSkipped})
			continue
		}
		if m.ID > s.last[client]+1 {
			break
		}
		r, out := msync.Apply(s.recs[m.Key()], m, client)
		if out.Changed {
			s.seq++
			r.Version = s.seq
			s.recs[m.Key()] = &r
		}
		s.last[client] = m.ID
		resp.Results = append(resp.Results, msync.Result{ID: m.ID, Status: out.Status, Reason: out.Reason})
	}
	resp.LastMutationID = s.last[client]
	return resp
}

func (s *server) pull(client string, cursor int64, limit int) msync.PullResponse {
	var all []msync.Record
	for _, r := range s.recs {
		if r.Version > cursor {
			all = append(all, *r)
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].Version < all[j].Version })
	resp := msync.PullResponse{Cursor: cursor}
	if len(all) > limit {
		all, resp.HasMore = all[:limit], true
	}
	resp.Changes = all
	if len(all) > 0 {
		resp.Cursor = all[len(all)-1].Version
	}
	if !resp.HasMore {
		lmid := s.last[client]
		resp.LastMutationID = &lmid
	}
	return resp
}

// sync pushes everything s has pending and pulls until done, as the
// engine does.
func (srv *server) sync(t *testing.T, s *Store) []msync.Key {
	t.Helper()
	ctx := context.Background()
	for range 100 {
		client, batch, err := s.Outbox(ctx, 3, msync.MaxPushBytes)
		if err != nil {
			t.Fatal(err)
		}
		if len(batch) == 0 {
			break
		}
		if _, err := s.Pushed(ctx, client, batch, srv.push(client, batch)); err != nil {
			t.Fatal(err)
		}
	}
	var changed []msync.Key
	for range 100 {
		client, cursor, err := s.Cursor(ctx)
		if err != nil {
			t.Fatal(err)
		}
		page := srv.pull(client, cursor, 2)
		ks, err := s.Pulled(ctx, client, page)
		if err != nil {
			t.Fatal(err)
		}
		changed = append(changed, ks...)
		if !page.HasMore {
			return changed
		}
	}
	t.Fatal("pull did not end")
	return nil
}

func get(t *testing.T, s *Store, id string) (annotation.Annotation, bool) {
	t.Helper()
	all, err := s.AllAnnotations(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range all {
		if a.ID == id {
			return a, true
		}
	}
	return annotation.Annotation{}, false
}

func pending(t *testing.T, s *Store) int {
	t.Helper()
	n, err := s.Pending(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestUpgradeFromVersion1(t *testing.T) {
	ctx := context.Background()
	m := &Memory{}
	// What the version before sync wrote.
	a1, a2 := sample("art1", 1), sample("art1", 2)
	a2.Note, a2.Tags = "a note", []string{"x"}
	for _, a := range []annotation.Annotation{a1, a2} {
		b, _ := json.Marshal(v1Annotation{V: 1, Annotation: a})
		m.PutRaw(Annotations, a.ID, b)
	}
	art, _ := article.FromText("Kept for reading offline.")
	art.ID, art.Meta.Title = "art1", "Old copy"
	b, _ := json.Marshal(v1Article{V: 1, ID: art.ID, Article: art})
	m.PutRaw(Articles, art.ID, b)
	m.PutRaw(Annotations, "junk", []byte(`{"v":1,"id":"junk","article":"art1","target":{"exact":""}}`))

	var warnings []string
	s := New(m, func(f string, args ...any) { warnings = append(warnings, fmt.Sprintf(f, args...)) })
	got, err := s.Annotations(ctx, "art1")
	if err != nil || len(got) != 2 || got[1].Note != "a note" || got[1].Tags[0] != "x" || !got[0].Created.Equal(a1.Created) {
		t.Fatalf("after upgrade: %+v %v", got, err)
	}
	if titles, _ := s.Titles(ctx); titles["art1"] != "Old copy" {
		t.Errorf("titles %v", titles)
	}
	// Every record is in the new format, each with the change that makes
	// it, except the unreadable one, which is left as it was.
	if n := pending(t, s); n != 3 {
		t.Errorf("%d changes logged, want 3", n)
	}
	for _, id := range []string{a1.ID, a2.ID} {
		raw, _ := m.Get(ctx, Annotations, id)
		if _, err := decodeObject(raw); err != nil {
			t.Errorf("annotation %s not converted: %v: %s", id, err, raw)
		}
	}
	if raw, _ := m.Get(ctx, Annotations, "junk"); !strings.Contains(string(raw), `"v":1`) {
		t.Errorf("the unreadable record was changed: %s", raw)
	}
	if len(warnings) != 1 {
		t.Errorf("warnings %q, want one about the unreadable record", warnings)
	}
	// A second store (another tab, or the next visit) converts nothing again.
	again := New(m, t.Logf)
	if n := pending(t, again); n != 3 {
		t.Errorf("after reopening, %d changes logged", n)
	}
}

func TestConcurrentEditsTakeDistinctIDs(t *testing.T) {
	ctx := context.Background()
	m := &Memory{}
	// Two tabs over one database, each with its own clock, one of them
	// a day behind.
	tabs := []*Store{New(m, t.Logf), New(m, t.Logf, WithClock(func() time.Time { return time.Now().Add(-24 * time.Hour) }))}
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := tabs[g%2]
			for i := range 10 {
				if err := s.PutAnnotation(ctx, sample(fmt.Sprintf("art%d", g), i)); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	client, batch, err := tabs[0].Outbox(ctx, 1000, msync.MaxPushBytes)
	if err != nil {
		t.Fatal(err)
	}
	if len(batch) != 80 {
		t.Fatalf("%d changes logged, want 80", len(batch))
	}
	for i, m := range batch {
		if m.ID != int64(i+1) {
			t.Fatalf("change %d has id %d", i, m.ID)
		}
		if i > 0 && m.HLC <= batch[i-1].HLC {
			t.Fatalf("change %d stamped %d, not after %d", m.ID, m.HLC, batch[i-1].HLC)
		}
	}
	// The tabs share the database, and so its client id.
	if c2, _, err := tabs[1].Outbox(ctx, 1, 1<<20); err != nil || client == "" || c2 != client {
		t.Fatalf("the tabs' client ids: %q and %q (%v)", client, c2, err)
	}
	if all, _ := tabs[1].AllAnnotations(ctx); len(all) != 80 {
		t.Errorf("the other tab sees %d annotations", len(all))
	}
}

func TestPullRebasesPendingEdits(t *testing.T) {
	ctx := context.Background()
	srv := newServer()
	a, b := New(&Memory{}, t.Logf), New(&Memory{}, t.Logf)
	x := sample("art1", 1)
	if err := a.PutAnnotation(ctx, x); err != nil {
		t.Fatal(err)
	}
	srv.sync(t, a)
	if changed := srv.sync(t, b); len(changed) != 1 {
		t.Fatalf("b saw %v change", changed)
	}
	if n := pending(t, a); n != 0 {
		t.Fatalf("a still has %d pending after sync", n)
	}
	// a changes the colour, b the note; b pulls a's change before
	// pushing its own.
	xa, _ := get(t, a, x.ID)
	xa.Color = annotation.Blue
	if err := a.PutAnnotation(ctx, xa); err != nil {
		t.Fatal(err)
	}
	srv.sync(t, a)
	xb, _ := get(t, b, x.ID)
	xb.Note = "from b"
	if err := b.PutAnnotation(ctx, xb); err != nil {
		t.Fatal(err)
	}
	client, cursor, _ := b.Cursor(ctx)
	if _, err := b.Pulled(ctx, client, srv.pull(client, cursor, 10)); err != nil {
		t.Fatal(err)
	}
	got, _ := get(t, b, x.ID)
	if got.Color != annotation.Blue || got.Note != "from b" {
		t.Fatalf("after pulling with a pending edit: %+v", got)
	}
	if n := pending(t, b); n != 1 {
		t.Fatalf("b's edit left the log before the server had it: %d pending", n)
	}
	srv.sync(t, b)
	srv.sync(t, a)
	for _, s := range []*Store{a, b} {
		got, _ := get(t, s, x.ID)
		if got.Color != annotation.Blue || got.Note != "from b" || pending(t, s) != 0 {
			t.Errorf("not converged: %+v", got)
		}
	}
	ra, _ := a.Records(ctx, msync.KindAnnotation)
	rb, _ := b.Records(ctx, msync.KindAnnotation)
	if !sameRecord(&ra[0], &rb[0]) {
		t.Errorf("records differ:\n%+v\n%+v", ra[0], rb[0])
	}
}

func TestLastMutationIDOnlyFromTheLastPage(t *testing.T) {
	ctx := context.Background()
	srv := newServer()
	s := New(&Memory{}, t.Logf)
	for i := range 5 {
		if err := s.PutAnnotation(ctx, sample("art1", i)); err != nil {
			t.Fatal(err)
		}
	}
	client, batch, _ := s.Outbox(ctx, 100, msync.MaxPushBytes)
	if _, err := s.Pushed(ctx, client, batch, srv.push(client, batch)); err != nil {
		t.Fatal(err)
	}
	// The server has all five; the log keeps them until a pull's last
	// page says so.
	if n := pending(t, s); n != 0 {
		t.Fatalf("%d not confirmed after the push", n)
	}
	if _, again, _ := s.Outbox(ctx, 100, msync.MaxPushBytes); len(again) != 0 {
		t.Fatalf("confirmed changes would be sent again: %v", again)
	}
	page := srv.pull(client, 0, 2)
	if _, err := s.Pulled(ctx, client, page); err != nil {
		t.Fatal(err)
	}
	if raws, _ := s.b.All(ctx, storePending, "", ""); len(raws) != 5 {
		t.Fatalf("a middle page dropped pending changes: %d left", len(raws))
	}
	srv.sync(t, s)
	if raws, _ := s.b.All(ctx, storePending, "", ""); len(raws) != 0 {
		t.Fatalf("%d changes left after the last page", len(raws))
	}
	if all, _ := s.AllAnnotations(ctx); len(all) != 5 {
		t.Fatalf("%d annotations after sync", len(all))
	}
}

func TestDeletedElsewhereOffersRestore(t *testing.T) {
	for _, pullFirst := range []bool{false, true} {
		t.Run(fmt.Sprintf("pull first %v", pullFirst), func(t *testing.T) {
			ctx := context.Background()
			srv := newServer()
			a, b := New(&Memory{}, t.Logf), New(&Memory{}, t.Logf)
			x := sample("art1", 1)
			if err := a.PutAnnotation(ctx, x); err != nil {
				t.Fatal(err)
			}
			srv.sync(t, a)
			srv.sync(t, b)
			// a deletes; b, offline, edits the note.
			if err := a.DeleteAnnotation(ctx, x.ID); err != nil {
				t.Fatal(err)
			}
			srv.sync(t, a)
			xb, _ := get(t, b, x.ID)
			xb.Note = "written offline"
			if err := b.PutAnnotation(ctx, xb); err != nil {
				t.Fatal(err)
			}
			if pullFirst {
				client, cursor, _ := b.Cursor(ctx)
				if _, err := b.Pulled(ctx, client, srv.pull(client, cursor, 10)); err != nil {
					t.Fatal(err)
				}
			} else {
				client, batch, _ := b.Outbox(ctx, 100, msync.MaxPushBytes)
				resp := srv.push(client, batch)
				if resp.Results[0].Reason != msync.ReasonDeleted {
					t.Fatalf("push result %+v", resp.Results)
				}
				rej, err := b.Pushed(ctx, client, batch, resp)
				if err != nil || len(rej) != 1 || rej[0].ID != x.ID {
					t.Fatalf("rejected %v %v", rej, err)
				}
			}
			srv.sync(t, b)
			if _, ok := get(t, b, x.ID); ok {
				t.Fatal("the deleted annotation is still shown")
			}
			rejected, err := b.Rejected(ctx)
			if err != nil || len(rejected) != 1 || rejected[0].Annotation.Note != "written offline" || rejected[0].Reason != msync.ReasonDeleted {
				t.Fatalf("rejected %+v %v", rejected, err)
			}
			// Editing it again is refused here, without the server.
			if err := b.PutAnnotation(ctx, xb); !errors.Is(err, ErrDeleted) {
				t.Fatalf("edit of a deleted annotation: %v", err)
			}
			restored, err := b.RestoreAsNew(ctx, x.ID)
			if err != nil || restored.ID == x.ID || restored.Note != "written offline" {
				t.Fatalf("restored %+v %v", restored, err)
			}
			if r, _ := b.Rejected(ctx); len(r) != 0 {
				t.Errorf("still offered after restoring: %v", r)
			}
			srv.sync(t, b)
			srv.sync(t, a)
			if got, ok := get(t, a, restored.ID); !ok || got.Note != "written offline" {
				t.Errorf("the restored annotation did not reach a: %+v", got)
			}
		})
	}
}

func TestPushedDropsInvalidWithWarning(t *testing.T) {
	ctx := context.Background()
	var warnings []string
	s := New(&Memory{}, func(f string, args ...any) { warnings = append(warnings, fmt.Sprintf(f, args...)) })
	if err := s.PutAnnotation(ctx, sample("art1", 1)); err != nil {
		t.Fatal(err)
	}
	client, batch, _ := s.Outbox(ctx, 10, msync.MaxPushBytes)
	resp := msync.PushResponse{LastMutationID: 1, Results: []msync.Result{{ID: 1, Status: msync.StatusRejected, Reason: msync.ReasonInvalid, Message: "bad"}}}
	rej, err := s.Pushed(ctx, client, batch, resp)
	if err != nil || len(rej) != 0 || len(warnings) != 1 || !strings.Contains(warnings[0], "bad") {
		t.Fatalf("rejected %v, err %v, warnings %q", rej, err, warnings)
	}
	// The server's pull then says it processed it: the view drops it.
	lmid := int64(1)
	if _, err := s.Pulled(ctx, client, msync.PullResponse{LastMutationID: &lmid}); err != nil {
		t.Fatal(err)
	}
	if all, _ := s.AllAnnotations(ctx); len(all) != 0 || pending(t, s) != 0 {
		t.Errorf("the refused annotation stays: %v", all)
	}
}

func TestNewClientIDRenumbersPending(t *testing.T) {
	ctx := context.Background()
	srv := newServer()
	s := New(&Memory{}, t.Logf)
	x := sample("art1", 1)
	for i := range 3 {
		x.Note = fmt.Sprint("note ", i)
		if err := s.PutAnnotation(ctx, x); err != nil {
			t.Fatal(err)
		}
	}
	old, batch, _ := s.Outbox(ctx, 1, msync.MaxPushBytes)
	if _, err := s.Pushed(ctx, old, batch, srv.push(old, batch)); err != nil {
		t.Fatal(err)
	}
	id, err := s.NewClientID(ctx)
	if err != nil || id == old || !msync.ValidClientID(id) {
		t.Fatalf("new id %q (old %q): %v", id, old, err)
	}
	client, batch, _ := s.Outbox(ctx, 100, msync.MaxPushBytes)
	if client != id || len(batch) != 2 || batch[0].ID != 1 || batch[1].ID != 2 {
		t.Fatalf("after renumbering: %s %+v", client, batch)
	}
	recs, _ := s.Records(ctx, msync.KindAnnotation)
	if recs[0].Fields["note"].By != id || string(recs[0].Fields["note"].Value) != `"note 2"` {
		t.Errorf("the view was not made again under the new id: %+v", recs[0].Fields["note"])
	}
	srv.sync(t, s)
	if got, _ := get(t, s, x.ID); got.Note != "note 2" || pending(t, s) != 0 {
		t.Errorf("after sync: %+v", got)
	}
}

func TestResetKeepsPending(t *testing.T) {
	ctx := context.Background()
	srv := newServer()
	a, b := New(&Memory{}, t.Logf), New(&Memory{}, t.Logf)
	xs := []annotation.Annotation{sample("art1", 1), sample("art1", 2), sample("art1", 3)}
	for _, x := range xs {
		if err := a.PutAnnotation(ctx, x); err != nil {
			t.Fatal(err)
		}
	}
	srv.sync(t, a)
	srv.sync(t, b)
	// b has three edits pending when the server says its cursor is too old.
	for i := range 3 {
		y := sample("art2", 10+i)
		if err := b.PutAnnotation(ctx, y); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Reset(ctx); err != nil {
		t.Fatal(err)
	}
	if _, cursor, _ := b.Cursor(ctx); cursor != 0 {
		t.Fatalf("cursor %d after reset", cursor)
	}
	if all, _ := b.AllAnnotations(ctx); len(all) != 3 || all[0].Article != "art2" {
		t.Fatalf("after reset the view holds %+v", all)
	}
	srv.sync(t, b)
	if all, _ := b.AllAnnotations(ctx); len(all) != 6 || pending(t, b) != 0 {
		t.Fatalf("after resync %d annotations, %d pending", len(all), pending(t, b))
	}
}

func TestDiscardNumbersTheRestDown(t *testing.T) {
	ctx := context.Background()
	s := New(&Memory{}, t.Logf)
	xs := []annotation.Annotation{sample("art1", 1), sample("art1", 2), sample("art1", 3)}
	for _, x := range xs {
		if err := s.PutAnnotation(ctx, x); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Discard(ctx, 2); err != nil {
		t.Fatal(err)
	}
	_, batch, _ := s.Outbox(ctx, 100, msync.MaxPushBytes)
	if len(batch) != 2 || batch[0].Object != xs[0].ID || batch[1].Object != xs[2].ID || batch[1].ID != 2 {
		t.Fatalf("after discarding: %+v", batch)
	}
	if _, ok := get(t, s, xs[1].ID); ok {
		t.Error("the discarded annotation is still shown")
	}
	if err := s.PutAnnotation(ctx, sample("art1", 4)); err != nil {
		t.Fatal(err)
	}
	if _, batch, _ = s.Outbox(ctx, 100, msync.MaxPushBytes); len(batch) != 3 || batch[2].ID != 3 {
		t.Fatalf("the next edit after discarding: %+v", batch)
	}
}

func TestMoveIntoAccount(t *testing.T) {
	ctx := context.Background()
	guestDB, userDB := &Memory{}, &Memory{}
	guest, user := New(guestDB, t.Logf), New(userDB, t.Logf)
	x := sample("art1", 1)
	x.Note = "guest note"
	if err := guest.PutAnnotation(ctx, x); err != nil {
		t.Fatal(err)
	}
	gone := sample("art1", 2)
	if err := guest.PutAnnotation(ctx, gone); err != nil {
		t.Fatal(err)
	}
	if err := guest.DeleteAnnotation(ctx, gone.ID); err != nil {
		t.Fatal(err)
	}
	art, _ := article.FromText("Some text.")
	art.ID = "art1"
	if err := guest.PutArticle(ctx, art); err != nil {
		t.Fatal(err)
	}
	if err := guest.PutPosition(ctx, "art1", Position{Block: 3, Fraction: 0.5}); err != nil {
		t.Fatal(err)
	}
	if err := guest.PutSetting(ctx, "theme", "dark"); err != nil {
		t.Fatal(err)
	}
	// The account already has its own annotation.
	own := sample("art9", 9)
	if err := user.PutAnnotation(ctx, own); err != nil {
		t.Fatal(err)
	}
	kicked := 0
	user.OnEdit(func() { kicked++ })
	n, err := guest.MoveInto(ctx, user)
	if err != nil || n != 4 {
		t.Fatalf("moved %d: %v", n, err)
	}
	if kicked != 1 {
		t.Errorf("OnEdit called %d times", kicked)
	}
	all, _ := user.AllAnnotations(ctx)
	if len(all) != 2 {
		t.Fatalf("the account holds %+v", all)
	}
	if got, ok := get(t, user, x.ID); !ok || got.Note != "guest note" {
		t.Errorf("moved annotation %+v", got)
	}
	if a, err := user.Article(ctx, "art1"); err != nil || a.Text() != art.Text() {
		t.Errorf("moved article: %v", err)
	}
	if p, ok, _ := user.Position(ctx, "art1"); !ok || p.Block != 3 {
		t.Errorf("moved position %+v %v", p, ok)
	}
	if set, _ := user.Settings(ctx); set["theme"] != "dark" {
		t.Errorf("moved settings %v", set)
	}
	if n := pending(t, user); n != 5 {
		t.Errorf("%d changes to sync, want 5", n)
	}
	if guestDB.Size() != 0 {
		t.Errorf("the guest's database still holds %d bytes", guestDB.Size())
	}
	if all, _ := guest.AllAnnotations(ctx); len(all) != 0 {
		t.Errorf("the guest still shows %v", all)
	}
}

func TestPositionsAndSettings(t *testing.T) {
	ctx := context.Background()
	s := New(&Memory{}, t.Logf)
	if _, ok, err := s.Position(ctx, "art1"); ok || err != nil {
		t.Fatalf("position before any: %v %v", ok, err)
	}
	for range 2 {
		if err := s.PutPosition(ctx, "art1", Position{Block: 7, Fraction: 0.25}); err != nil {
			t.Fatal(err)
		}
	}
	if p, ok, _ := s.Position(ctx, "art1"); !ok || p != (Position{7, 0.25}) {
		t.Errorf("position %+v", p)
	}
	if n := pending(t, s); n != 1 {
		t.Errorf("an unmoved position logged a change: %d", n)
	}
	if err := s.PutPosition(ctx, "art1", Position{Block: 7, Fraction: 2}); !errors.Is(err, msync.ErrInvalid) {
		t.Errorf("a fraction of 2: %v", err)
	}
	if err := s.PutSetting(ctx, "theme", "dark"); err != nil {
		t.Fatal(err)
	}
	if err := s.PutSetting(ctx, "bad name!", "x"); !errors.Is(err, msync.ErrInvalid) {
		t.Errorf("a bad name: %v", err)
	}
	if set, _ := s.Settings(ctx); len(set) != 1 || set["theme"] != "dark" {
		t.Errorf("settings %v", set)
	}
}

func TestErase(t *testing.T) {
	ctx := context.Background()
	m := &Memory{}
	s := New(m, t.Logf)
	if err := s.PutAnnotation(ctx, sample("art1", 1)); err != nil {
		t.Fatal(err)
	}
	old, _, _ := s.Cursor(ctx)
	if err := s.Erase(ctx); err != nil {
		t.Fatal(err)
	}
	if all, _ := s.AllAnnotations(ctx); len(all) != 0 {
		t.Fatalf("after erase: %v", all)
	}
	// Used again, it starts afresh, under a new client id.
	if id, _, _ := s.Cursor(ctx); id == old || pending(t, s) != 0 {
		t.Errorf("after erase: client %s (was %s)", id, old)
	}
}

func TestMemoryTransactions(t *testing.T) {
	ctx := context.Background()
	m := &Memory{}
	put := func(store, id, v string) Op {
		return Op{Kind: OpPut, Store: store, Key: id, Record: []byte(fmt.Sprintf(`{"id":%q,"v":%q}`, id, v))}
	}
	// Reads see the transaction's own writes, round after round.
	rounds := 0
	err := m.Update(ctx, []string{"a", "b"}, func(got []json.RawMessage) ([]Op, error) {
		rounds++
		switch rounds {
		case 1:
			return []Op{put("a", "1", "x"), put("b", "2", "y"), {Kind: OpGet, Store: "a", Key: "1"}, {Kind: OpGet, Store: "a", Key: "none"}}, nil
		case 2:
			if !strings.Contains(string(got[0]), `"x"`) || got[1] != nil {
				return nil, fmt.Errorf("round 2 got %s", got)
			}
			return []Op{{Kind: OpDelete, Store: "b", Key: "2"}, {Kind: OpGetAll, Store: "b"}}, nil
		case 3:
			if string(got[0]) != "[]" {
				return nil, fmt.Errorf("round 3 got %s", got)
			}
			return []Op{put("b", "3", "z")}, nil
		}
		return nil, errors.New("called after the last round")
	})
	if err != nil || rounds != 3 {
		t.Fatalf("%d rounds: %v", rounds, err)
	}
	if all, _ := m.All(ctx, "b", "", ""); len(all) != 1 {
		t.Fatalf("b holds %s", all)
	}
	// All or nothing: an error, a store out of scope or a full quota
	// leaves everything as it was.
	size := m.Size()
	fail := errors.New("no")
	for name, step := range map[string]func([]json.RawMessage) ([]Op, error){
		"error": func(got []json.RawMessage) ([]Op, error) {
			if got == nil {
				return []Op{put("a", "9", "w"), {Kind: OpGet, Store: "a", Key: "9"}}, nil
			}
			return nil, fail
		},
		"scope": func([]json.RawMessage) ([]Op, error) { return []Op{put("a", "9", "w"), put("c", "1", "w")}, nil },
		"quota": func([]json.RawMessage) ([]Op, error) {
			m.Limit = size + 10
			return []Op{put("a", "9", strings.Repeat("w", 100))}, nil
		},
		"clear": func(got []json.RawMessage) ([]Op, error) {
			if got == nil {
				return []Op{{Kind: OpClear, Store: "a"}, {Kind: OpGetAll, Store: "a"}}, nil
			}
			if string(got[0]) != "[]" {
				return nil, fmt.Errorf("after clear: %s", got[0])
			}
			return nil, fail
		},
	} {
		err := m.Update(ctx, []string{"a", "b"}, step)
		if err == nil || (name == "quota") != errors.Is(err, ErrQuota) {
			t.Errorf("%s: %v", name, err)
		}
		if got, _ := m.Get(ctx, "a", "9"); got != nil || m.Size() != size {
			t.Errorf("%s: the failed transaction left %s", name, got)
		}
		if all, _ := m.All(ctx, "a", "", ""); len(all) != 1 {
			t.Errorf("%s: a holds %s", name, all)
		}
		m.Limit = 0
	}
}
