//go:build !(js && wasm)

package sync_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	gosync "sync"
	"testing"
	"time"

	"margin/app/anchor"
	"margin/app/annotation"
	"margin/app/local"
	msync "margin/app/sync"
)

// fakeServer applies pushes and answers pulls as the protocol says, in
// memory, and lets a test break it: fail, when set, may answer a request
// with an error instead.
type fakeServer struct {
	mu      gosync.Mutex
	recs    map[msync.Key]*msync.Record
	seq     int64
	last    map[string]int64
	hashes  map[string]map[int64][32]byte
	horizon int64
	pushes  []msync.PushRequest
	fail    func(kind string, push *msync.PushRequest, cursor int64) error
}

func newFakeServer() *fakeServer {
	return &fakeServer{recs: map[msync.Key]*msync.Record{}, last: map[string]int64{}, hashes: map[string]map[int64][32]byte{}}
}

func (s *fakeServer) Push(ctx context.Context, req msync.PushRequest) (msync.PushResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pushes = append(s.pushes, req)
	if s.fail != nil {
		if err := s.fail("push", &req, 0); err != nil {
			return msync.PushResponse{}, err
		}
	}
	if b, _ := json.Marshal(req); len(b) > msync.MaxPushBytes {
		return msync.PushResponse{}, &msync.StatusError{Status: 413, Code: "too_large"}
	}
	if err := msync.CheckRequest(&req); err != nil {
		return msync.PushResponse{}, &msync.StatusError{Status: 400, Code: "bad_request", Message: err.Error()}
	}
	c := req.ClientID
	if s.hashes[c] == nil {
		s.hashes[c] = map[int64][32]byte{}
	}
	for _, m := range req.Mutations {
		if h, ok := s.hashes[c][m.ID]; ok && h != m.Hash() {
			return msync.PushResponse{}, &msync.StatusError{Status: 409, Code: "client_id_reused"}
		}
	}
	resp := msync.PushResponse{ServerTimeMs: time.Now().UnixMilli()}
	for _, m := range req.Mutations {
		if m.ID <= s.last[c] {
			resp.Results = append(resp.Results, msync.Result{ID: m.ID, Status: msync.StatusSkipped})
			continue
		}
		if m.ID > s.last[c]+1 {
			break
		}
		res := msync.Result{ID: m.ID}
		if err := msync.CheckMutation(&m); err != nil {
			res.Status, res.Reason = msync.StatusRejected, msync.ReasonInvalid
		} else {
			r, out := msync.Apply(s.recs[m.Key()], m, c)
			if out.Changed {
				s.seq++
				r.Version = s.seq
				s.recs[m.Key()] = &r
			}
			res.Status, res.Reason = out.Status, out.Reason
		}
		s.last[c] = m.ID
		s.hashes[c][m.ID] = m.Hash()
		resp.Results = append(resp.Results, res)
	}
	resp.LastMutationID = s.last[c]
	return resp, nil
}

func (s *fakeServer) Pull(ctx context.Context, client string, cursor int64, limit int) (msync.PullResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail != nil {
		if err := s.fail("pull", nil, cursor); err != nil {
			return msync.PullResponse{}, err
		}
	}
	if cursor > 0 && cursor < s.horizon {
		return msync.PullResponse{}, &msync.StatusError{Status: 410, Code: "reset_required"}
	}
	var all []msync.Record
	for _, r := range s.recs {
		if r.Version > cursor {
			all = append(all, *r)
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].Version < all[j].Version })
	resp := msync.PullResponse{Cursor: cursor, ServerTimeMs: time.Now().UnixMilli()}
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
	return resp, nil
}

// live returns the server's live annotations, by id.
func (s *fakeServer) live(t *testing.T) map[string]annotation.Annotation {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]annotation.Annotation{}
	for k, r := range s.recs {
		if k.Kind == msync.KindAnnotation && r.Deleted == 0 {
			a, err := msync.ToAnnotation(r)
			if err != nil {
				t.Fatal(err)
			}
			out[a.ID] = a
		}
	}
	return out
}

func sample(i int) annotation.Annotation {
	at := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Second)
	exact := fmt.Sprintf("passage %d", i)
	return annotation.Annotation{
		ID: annotation.NewID(), Article: "art1", Color: annotation.Yellow,
		Target:  anchor.Selector{Exact: exact, Start: i * 100, End: i*100 + len(exact)},
		Created: at, Modified: at,
	}
}

func edit(t *testing.T, s *local.Store, n int, note string) []annotation.Annotation {
	t.Helper()
	var out []annotation.Annotation
	for i := range n {
		a := sample(i)
		a.Note = note
		if err := s.PutAnnotation(context.Background(), a); err != nil {
			t.Fatal(err)
		}
		out = append(out, a)
	}
	return out
}

func TestEngineBatchesAndHalvesOn413(t *testing.T) {
	ctx := context.Background()
	srv := newFakeServer()
	srv.fail = func(kind string, req *msync.PushRequest, _ int64) error {
		if kind == "push" && len(req.Mutations) > 300 {
			return &msync.StatusError{Status: 413, Code: "too_large"}
		}
		return nil
	}
	s := local.New(&local.Memory{}, t.Logf)
	edit(t, s, 1100, "")
	e := msync.NewEngine(s, srv, msync.Options{})
	if err := e.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	var sizes []int
	for _, p := range srv.pushes {
		sizes = append(sizes, len(p.Mutations))
	}
	if fmt.Sprint(sizes) != "[1000 500 250 250 250 250 100]" {
		t.Errorf("batch sizes %v", sizes)
	}
	if got := srv.live(t); len(got) != 1100 {
		t.Errorf("the server holds %d annotations", len(got))
	}
	if st := e.Status(); st.State != msync.Synced || st.Pending != 0 {
		t.Errorf("status %+v", st)
	}
}

func TestEngineKeepsBatchesUnder2MiB(t *testing.T) {
	ctx := context.Background()
	srv := newFakeServer()
	s := local.New(&local.Memory{}, t.Logf)
	edit(t, s, 400, strings.Repeat("long note ", annotation.MaxNote/10))
	e := msync.NewEngine(s, srv, msync.Options{})
	if err := e.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if len(srv.pushes) < 2 {
		t.Fatalf("%d pushes for 4 MB of notes", len(srv.pushes))
	}
	total := 0
	for _, p := range srv.pushes {
		b, _ := json.Marshal(p)
		if len(b) > msync.MaxPushBytes {
			t.Errorf("a push of %d bytes", len(b))
		}
		total += len(p.Mutations)
	}
	if total != 400 || len(srv.live(t)) != 400 {
		t.Errorf("%d mutations pushed, %d on the server", total, len(srv.live(t)))
	}
}

func TestEngineNewClientIDOn409(t *testing.T) {
	ctx := context.Background()
	srv := newFakeServer()
	s := local.New(&local.Memory{}, t.Logf)
	as := edit(t, s, 3, "")
	client, _, _ := s.Cursor(ctx)
	// The server already holds mutation 1 of this client id with other
	// content: the device lost its state but kept its id.
	srv.hashes[client] = map[int64][32]byte{1: {1}}
	srv.last[client] = 1
	e := msync.NewEngine(s, srv, msync.Options{})
	if err := e.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	now, _, _ := s.Cursor(ctx)
	if now == client || len(srv.live(t)) != 3 || srv.last[now] != 3 {
		t.Fatalf("client %s→%s; server holds %d, last %d", client, now, len(srv.live(t)), srv.last[now])
	}
	for _, a := range as {
		if _, ok := srv.live(t)[a.ID]; !ok {
			t.Errorf("%s missing", a.ID)
		}
	}
}

func TestEngineResetOn410KeepsPending(t *testing.T) {
	ctx := context.Background()
	srv := newFakeServer()
	other := local.New(&local.Memory{}, t.Logf)
	edit(t, other, 5, "from other")
	if err := msync.NewEngine(other, srv, msync.Options{}).Sync(ctx); err != nil {
		t.Fatal(err)
	}
	s := local.New(&local.Memory{}, t.Logf)
	e := msync.NewEngine(s, srv, msync.Options{})
	if err := e.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	// Three edits wait on this device; meanwhile the server forgot the
	// deletions its cursor needs, and another annotation was deleted.
	mine := []annotation.Annotation{sample(100), sample(101), sample(102)}
	for _, a := range mine {
		if err := s.PutAnnotation(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	gone := sample(0)
	all, _ := other.AllAnnotations(ctx)
	for _, a := range all {
		if a.Target == gone.Target {
			gone = a
		}
	}
	if err := other.DeleteAnnotation(ctx, gone.ID); err != nil {
		t.Fatal(err)
	}
	if err := msync.NewEngine(other, srv, msync.Options{}).Sync(ctx); err != nil {
		t.Fatal(err)
	}
	srv.mu.Lock()
	delete(srv.recs, msync.Key{Kind: msync.KindAnnotation, ID: gone.ID}) // its tombstone collected
	srv.horizon = srv.seq
	srv.mu.Unlock()
	pulls := 0
	srv.fail = func(kind string, _ *msync.PushRequest, cursor int64) error {
		if kind == "pull" {
			pulls++
		}
		return nil
	}
	if err := e.Pull(ctx); err != nil {
		t.Fatal(err)
	}
	view, _ := s.AllAnnotations(ctx)
	if len(view) != 7 {
		t.Fatalf("after the reset the device shows %d, want 4 + 3", len(view))
	}
	for _, a := range view {
		if a.ID == gone.ID {
			t.Fatal("the deleted annotation came back")
		}
	}
	if n, _ := s.Pending(ctx); n != 3 {
		t.Fatalf("%d pending after the reset", n)
	}
	if err := e.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if got := srv.live(t); len(got) != 7 {
		t.Errorf("the server holds %d", len(got))
	}
	if pulls < 3 {
		t.Errorf("%d pulls", pulls)
	}
}

// clock is a fake time for Run: After hands each wait to the test,
// which fires it by advancing the time.
type clock struct {
	mu    gosync.Mutex
	now   time.Time
	asked chan time.Duration
	fire  chan time.Time
}

func newClock() *clock {
	return &clock{now: time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC), asked: make(chan time.Duration), fire: make(chan time.Time)}
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) After(d time.Duration) <-chan time.Time {
	select {
	case c.asked <- d:
	case <-time.After(10 * time.Second):
		panic("the test did not read the engine's wait")
	}
	return c.fire
}

// wait returns the next wait the engine asks for.
func (c *clock) wait(t *testing.T) time.Duration {
	t.Helper()
	select {
	case d := <-c.asked:
		return d
	case <-time.After(10 * time.Second):
		t.Fatal("the engine asked for no wait")
		return 0
	}
}

// pass advances the time by d and fires the wait.
func (c *clock) pass(t *testing.T, d time.Duration) {
	t.Helper()
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
	select {
	case c.fire <- c.now:
	case <-time.After(10 * time.Second):
		t.Fatal("the engine did not wait")
	}
}

func TestEngineBacksOffWithJitter(t *testing.T) {
	srv := newFakeServer()
	down := errors.New("connection refused")
	busy := false
	srv.fail = func(kind string, _ *msync.PushRequest, _ int64) error {
		if busy {
			return &msync.StatusError{Status: 503, Code: "busy", RetryAfter: 90 * time.Second}
		}
		return down
	}
	s := local.New(&local.Memory{}, t.Logf)
	edit(t, s, 2, "")
	c := newClock()
	statuses := make(chan msync.Status, 100)
	e := msync.NewEngine(s, srv, msync.Options{Now: c.Now, After: c.After, Rand: func() float64 { return 0.5 },
		OnStatus: func(st msync.Status) { statuses <- st }})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.Run(ctx) }()
	var waits []time.Duration
	for i := range 9 {
		d := c.wait(t)
		waits = append(waits, d)
		if i == 8 {
			// The server is up but busy, and asks for a longer wait
			// than the back-off would take.
			srv.mu.Lock()
			busy = true
			srv.mu.Unlock()
		}
		c.pass(t, d)
	}
	want := []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second, 30 * time.Second, 30 * time.Second, 30 * time.Second}
	if fmt.Sprint(waits) != fmt.Sprint(want) {
		t.Errorf("waits %v, want %v", waits, want)
	}
	if d := c.wait(t); d != 90*time.Second {
		t.Errorf("after 503 with Retry-After 90 s, the engine waits %v", d)
	}
	if st := e.Status(); st.State != msync.Failed || st.Pending != 2 || st.Retry.IsZero() {
		t.Errorf("status %+v", st)
	}
	// Offline, nothing is tried; online again, it syncs at once.
	srv.mu.Lock()
	srv.fail = nil
	srv.mu.Unlock()
	e.Online(false)
	for st := range statuses {
		if st.State == msync.Offline && st.Err == nil {
			break
		}
	}
	e.Online(true)
	if d := c.wait(t); d != 60*time.Second {
		t.Errorf("after a sync the engine waits %v, want the interval", d)
	}
	if st := e.Status(); st.State != msync.Synced || len(srv.live(t)) != 2 {
		t.Errorf("status %+v", st)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Run returned %v", err)
	}
}

func TestEngineDebouncesKicksAndPullsOnNudge(t *testing.T) {
	srv := newFakeServer()
	s := local.New(&local.Memory{}, t.Logf)
	c := newClock()
	changes := make(chan []msync.Key, 10)
	e := msync.NewEngine(s, srv, msync.Options{Now: c.Now, After: c.After, OnChange: func(k []msync.Key) { changes <- k }})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- e.Run(ctx) }()
	if d := c.wait(t); d != 60*time.Second {
		t.Fatalf("after the first sync the engine waits %v", d)
	}
	// Three edits in 1.5 s: one push, 2 s after the first; later edits
	// do not put it off.
	for i, want := range []time.Duration{2 * time.Second, 1500 * time.Millisecond, time.Second} {
		a := sample(i)
		if err := s.PutAnnotation(ctx, a); err != nil {
			t.Fatal(err)
		}
		e.Kick()
		if d := c.wait(t); d != want {
			t.Fatalf("after edit %d the engine waits %v, want %v", i, d, want)
		}
		c.mu.Lock()
		c.now = c.now.Add(500 * time.Millisecond)
		c.mu.Unlock()
	}
	if st := e.Status(); st.State != msync.Unsynced || st.Pending != 3 || st.String() != "3 changes not yet synced" {
		t.Errorf("status before the push: %+v %q", st, st)
	}
	c.pass(t, 500*time.Millisecond)
	if d := c.wait(t); d != 60*time.Second {
		t.Fatalf("after the push the engine waits %v", d)
	}
	if len(srv.pushes) != 1 || len(srv.pushes[0].Mutations) != 3 {
		t.Fatalf("pushes %+v", srv.pushes)
	}
	// Another device changes one; the nudge pulls it at once.
	other := local.New(&local.Memory{}, t.Logf)
	if err := msync.NewEngine(other, srv, msync.Options{}).Sync(ctx); err != nil {
		t.Fatal(err)
	}
	x, _ := other.AllAnnotations(ctx)
	x[0].Note = "from the other device"
	if err := other.PutAnnotation(ctx, x[0]); err != nil {
		t.Fatal(err)
	}
	if err := msync.NewEngine(other, srv, msync.Options{}).Sync(ctx); err != nil {
		t.Fatal(err)
	}
	for len(changes) > 0 {
		<-changes
	}
	e.Nudge()
	if d := c.wait(t); d != 60*time.Second {
		t.Fatalf("after the nudge the engine waits %v", d)
	}
	select {
	case keys := <-changes:
		if len(keys) != 1 || keys[0].ID != x[0].ID {
			t.Errorf("changed %v", keys)
		}
	default:
		t.Error("OnChange was not called")
	}
	got, _ := s.AllAnnotations(ctx)
	for _, g := range got {
		if g.ID == x[0].ID && g.Note != "from the other device" {
			t.Errorf("after the nudge: %+v", g)
		}
	}
	cancel()
	<-done
}

func TestEngineStopsWhenSignedOut(t *testing.T) {
	srv := newFakeServer()
	srv.fail = func(string, *msync.PushRequest, int64) error {
		return &msync.StatusError{Status: 401, Code: "signed_out"}
	}
	s := local.New(&local.Memory{}, t.Logf)
	edit(t, s, 1, "")
	e := msync.NewEngine(s, srv, msync.Options{})
	if err := e.Run(context.Background()); !errors.Is(err, msync.ErrSignedOut) {
		t.Fatalf("Run returned %v", err)
	}
	if st := e.Status(); st.State != msync.SignedOut || st.Pending != 1 || st.String() != "Signed out — 1 change not yet synced" {
		t.Errorf("status %+v %q", st, st)
	}
}

func TestStatusSentences(t *testing.T) {
	for _, c := range []struct {
		s    msync.Status
		want string
	}{
		{msync.Status{State: msync.Synced}, "Synced"},
		{msync.Status{State: msync.Syncing, Pending: 2}, "Syncing… — 2 changes not yet synced"},
		{msync.Status{State: msync.Unsynced, Pending: 1}, "1 change not yet synced"},
		{msync.Status{State: msync.Offline, Pending: 4}, "Offline — 4 changes not yet synced"},
		{msync.Status{State: msync.Failed}, "Sync failed"},
	} {
		if got := c.s.String(); got != c.want {
			t.Errorf("%+v: %q, want %q", c.s, got, c.want)
		}
	}
}
