package synctest

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"margin/app/local"
	msync "margin/app/sync"
	"margin/cmd/internal/store"
)

// S6: A deletes an annotation while B, offline, edits its note. The
// server keeps the tombstone and B's text as a revision; B's push is
// rejected as deleted; B is offered "restore as new", and the restored
// annotation, under a new id, reaches A.
func TestS6DeleteAgainstOfflineEdit(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, t.TempDir())
	a, b := newDevice(t, h, "A", nil), newDevice(t, h, "B", nil)
	x := newAnnotation("art1", 1)
	x.Note = "first"
	if err := a.s.PutAnnotation(ctx, x); err != nil {
		t.Fatal(err)
	}
	a.sync(t)
	b.sync(t)
	if _, ok := b.annotations(t)[x.ID]; !ok {
		t.Fatal("B did not get the annotation")
	}

	b.tr.offline.Store(true)
	xb := b.annotations(t)[x.ID]
	xb.Note = "B's offline text"
	if err := b.s.PutAnnotation(ctx, xb); err != nil {
		t.Fatal(err)
	}
	if err := b.e.Sync(ctx); err == nil || b.e.Status().State != msync.Offline || b.e.Status().Pending != 1 {
		t.Fatalf("offline sync: %v, status %+v", err, b.e.Status())
	}
	if err := a.s.DeleteAnnotation(ctx, x.ID); err != nil {
		t.Fatal(err)
	}
	a.sync(t)

	// B reconnects. Its push is answered "rejected: deleted".
	var results []msync.Result
	b.tr.observe = func(kind string, req *msync.PushRequest, status int, body []byte) {
		var resp msync.PushResponse
		if kind == "push" && status == 200 && json.Unmarshal(body, &resp) == nil {
			results = append(results, resp.Results...)
		}
	}
	b.tr.offline.Store(false)
	b.sync(t)
	if len(results) != 1 || results[0].Status != msync.StatusRejected || results[0].Reason != msync.ReasonDeleted {
		t.Fatalf("B's push results %+v", results)
	}
	if len(b.rejected) != 1 || b.rejected[0].ID != x.ID {
		t.Errorf("B was told of rejections %v", b.rejected)
	}
	// The server keeps the tombstone, and B's text among the revisions.
	if r := h.records()[msync.Key{Kind: msync.KindAnnotation, ID: x.ID}]; r.Deleted == 0 || len(r.Fields) != 0 {
		t.Errorf("the server's record %+v", r)
	}
	revs, err := h.store().Revisions(ctx, h.userID, msync.KindAnnotation, x.ID)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range revs {
		if r.Field == "note" && string(r.Value) == `"B's offline text"` && r.Reason == msync.RevisionAfterDelete {
			found = true
		}
	}
	if !found {
		t.Errorf("B's text is not among the revisions %+v", revs)
	}
	// B no longer shows it, and offers it back.
	if _, ok := b.annotations(t)[x.ID]; ok {
		t.Error("B still shows the deleted annotation")
	}
	offered, err := b.s.Rejected(ctx)
	if err != nil || len(offered) != 1 || offered[0].Annotation.Note != "B's offline text" || offered[0].Reason != msync.ReasonDeleted {
		t.Fatalf("B offers %+v (%v)", offered, err)
	}
	restored, err := b.s.RestoreAsNew(ctx, x.ID)
	if err != nil || restored.ID == x.ID {
		t.Fatalf("restore: %+v %v", restored, err)
	}
	b.sync(t)
	a.sync(t)
	got, ok := a.annotations(t)[restored.ID]
	if !ok || got.Note != "B's offline text" || got.Target != x.Target {
		t.Errorf("A has %+v", got)
	}
	if _, ok := a.annotations(t)[x.ID]; ok {
		t.Error("the deleted annotation came back on A")
	}
}

// S7, client side: the server purged tombstones past a client's cursor
// while the client had three edits pending. Its pull is answered 410; it
// fetches everything again, keeps its three edits on top, and pushes
// them; no deleted annotation reappears.
func TestS7TombstoneHorizon(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, t.TempDir())
	a, b := newDevice(t, h, "A", nil), newDevice(t, h, "B", nil)
	var xs []string
	for i := range 5 {
		x := newAnnotation("art1", i)
		if err := a.s.PutAnnotation(ctx, x); err != nil {
			t.Fatal(err)
		}
		xs = append(xs, x.ID)
	}
	a.sync(t)
	b.sync(t)
	// A deletes two and edits one; the server then collects the
	// tombstones.
	for _, id := range xs[:2] {
		if err := a.s.DeleteAnnotation(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	x := a.annotations(t)[xs[2]]
	x.Note = "edited by A"
	if err := a.s.PutAnnotation(ctx, x); err != nil {
		t.Fatal(err)
	}
	a.sync(t)
	n, err := h.store().CollectTombstones(ctx, time.Now().Add(time.Hour))
	if err != nil || n != 2 {
		t.Fatalf("collected %d tombstones: %v", n, err)
	}
	// B, offline meanwhile, made three edits: two new annotations and a
	// colour change.
	var mine []string
	for i := range 2 {
		y := newAnnotation("art2", 10+i)
		if err := b.s.PutAnnotation(ctx, y); err != nil {
			t.Fatal(err)
		}
		mine = append(mine, y.ID)
	}
	y := b.annotations(t)[xs[3]]
	y.Color = "blue"
	if err := b.s.PutAnnotation(ctx, y); err != nil {
		t.Fatal(err)
	}
	var pulls []int
	b.tr.observe = func(kind string, _ *msync.PushRequest, status int, _ []byte) {
		if kind == "pull" {
			pulls = append(pulls, status)
		}
	}
	// A nudge makes B pull before it pushes.
	if err := b.e.Pull(ctx); err != nil {
		t.Fatal(err)
	}
	if len(pulls) < 2 || pulls[0] != 410 {
		t.Fatalf("pull answers %v, want 410 and then more", pulls)
	}
	view := b.annotations(t)
	if len(view) != 5 || b.pending(t) != 3 {
		t.Fatalf("after the resync B shows %d annotations with %d pending, want 3 + 2 and 3", len(view), b.pending(t))
	}
	for _, id := range xs[:2] {
		if _, ok := view[id]; ok {
			t.Errorf("deleted annotation %s reappeared", id)
		}
	}
	if view[xs[2]].Note != "edited by A" || view[xs[3]].Color != "blue" {
		t.Errorf("B shows %+v and %+v", view[xs[2]], view[xs[3]])
	}
	b.sync(t)
	a.sync(t)
	if b.pending(t) != 0 {
		t.Errorf("%d still pending", b.pending(t))
	}
	av := a.annotations(t)
	if len(av) != 5 || av[xs[3]].Color != "blue" || av[mine[0]].ID == "" || av[mine[1]].ID == "" {
		t.Errorf("A shows %d: %+v", len(av), av)
	}
}

// directTransport calls the store as the server would, at a time the
// test sets: S8 needs the server's clock to move on by minutes.
type directTransport struct {
	h       *harness
	now     func() time.Time
	clamped int
}

func (d *directTransport) Push(ctx context.Context, req msync.PushRequest) (msync.PushResponse, error) {
	if err := msync.CheckRequest(&req); err != nil {
		return msync.PushResponse{}, &msync.StatusError{Status: 400, Message: err.Error()}
	}
	res, err := d.h.store().Push(ctx, d.h.userID, &req, d.now())
	switch {
	case errors.Is(err, store.ErrClientReused):
		return msync.PushResponse{}, &msync.StatusError{Status: 409, Code: "client_id_reused"}
	case err != nil:
		return msync.PushResponse{}, err
	}
	d.clamped += res.Clamped
	return res.Response, nil
}

func (d *directTransport) Pull(ctx context.Context, clientID string, cursor int64, limit int) (msync.PullResponse, error) {
	return d.h.store().Pull(ctx, d.h.userID, clientID, cursor, limit, d.now())
}

// S8: device A's clock jumps a year ahead while B's stays right; they
// edit one note in turn, without seeing each other's edit first. The
// server never stores a clock beyond its time plus MaxSkew and counts the
// clamped ones; after one exchange A stamps sensible times again; while
// A's clamped edit is in the future B's concurrent edit loses (and is
// kept as a revision), and once the server's time has passed it, B's
// newer edit wins.
func TestS8ClockSkew(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, t.TempDir())
	serverNow := time.Now()
	var skewA time.Duration
	now := func() time.Time { return serverNow }
	trA, trB := &directTransport{h: h, now: now}, &directTransport{h: h, now: now}
	a := local.New(&local.Memory{}, t.Logf, local.WithClock(func() time.Time { return serverNow.Add(skewA) }))
	b := local.New(&local.Memory{}, t.Logf, local.WithClock(now))
	ea, eb := msync.NewEngine(a, trA, msync.Options{}), msync.NewEngine(b, trB, msync.Options{})
	run := func(f func(context.Context) error) {
		t.Helper()
		if err := f(ctx); err != nil {
			t.Fatal(err)
		}
		limit, _ := msync.Clamp(1<<62, serverNow)
		for k, r := range h.records() {
			for name, f := range r.Fields {
				if f.HLC > limit {
					t.Errorf("%v field %s stored at %v, beyond the server's time %v plus MaxSkew", k, name, f.HLC.Time(), serverNow)
				}
			}
		}
	}
	note := func(s *local.Store, id, text string) {
		t.Helper()
		all, _ := s.AllAnnotations(ctx)
		for _, x := range all {
			if x.ID == id {
				x.Note = text
				if err := s.PutAnnotation(ctx, x); err != nil {
					t.Fatal(err)
				}
				return
			}
		}
		t.Fatalf("no annotation %s", id)
	}
	shown := func(s *local.Store, id string) string {
		all, _ := s.AllAnnotations(ctx)
		for _, x := range all {
			if x.ID == id {
				return x.Note
			}
		}
		return "(none)"
	}

	x := newAnnotation("art1", 1)
	if err := b.PutAnnotation(ctx, x); err != nil {
		t.Fatal(err)
	}
	run(eb.Sync)
	run(ea.Sync)
	// A's clock jumps a year ahead: its edit is stamped then, and the
	// server clamps it to its own time plus MaxSkew.
	skewA = 365 * 24 * time.Hour
	note(a, x.ID, "A1")
	run(ea.Sync)
	if trA.clamped == 0 {
		t.Error("the server counted no clamped clock")
	}
	// After that one exchange A stamps within MaxSkew of the server's time.
	if got := a.Clock().Now().Time(); got.Sub(serverNow) > msync.MaxSkew+time.Second || got.Before(serverNow) {
		t.Errorf("after learning the server's time, A stamps %v (server %v)", got, serverNow)
	}
	// A minute later B, which has not seen A1, edits: its edit is older
	// than A's clamped one, and loses.
	serverNow = serverNow.Add(time.Minute)
	note(b, x.ID, "B1")
	run(eb.Push)
	// Eleven minutes later the server's time has passed A1's clamped
	// clock: B's next edit wins.
	serverNow = serverNow.Add(10 * time.Minute)
	note(b, x.ID, "B2")
	run(eb.Push)
	run(ea.Sync)
	run(eb.Sync)
	if shown(a, x.ID) != "B2" || shown(b, x.ID) != "B2" {
		t.Errorf("after the clamp window: A shows %q, B %q", shown(a, x.ID), shown(b, x.ID))
	}
	// A's next edit, stamped sensibly, wins in turn.
	serverNow = serverNow.Add(time.Minute)
	note(a, x.ID, "A2")
	run(ea.Sync)
	run(eb.Sync)
	if shown(a, x.ID) != "A2" || shown(b, x.ID) != "A2" {
		t.Errorf("A's next edit: A shows %q, B %q", shown(a, x.ID), shown(b, x.ID))
	}
	revs, err := h.store().Revisions(ctx, h.userID, msync.KindAnnotation, x.ID)
	if err != nil {
		t.Fatal(err)
	}
	lost := false
	for _, r := range revs {
		if r.Field == "note" && string(r.Value) == `"B1"` && r.Reason == msync.RevisionLost {
			lost = true
		}
	}
	if !lost {
		t.Errorf("B1 did not lose to A's clamped edit: revisions %+v", revs)
	}
}
