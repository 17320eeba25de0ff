package server

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	msync "margin/app/sync"
	"margin/cmd/internal/apitest"
	"margin/cmd/internal/store"
)

// rawPush writes a push request with the client's cookies on a new
// connection and returns the connection without reading the answer.
func rawPush(t *testing.T, c *apitest.Client, body []byte) net.Conn {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, c.Base+"/api/sync/push", strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for _, ck := range c.HTTP.Jar.Cookies(req.URL) {
		req.AddCookie(ck)
	}
	conn, err := net.Dial("tcp", req.URL.Host)
	if err != nil {
		t.Fatal(err)
	}
	if err := req.Write(conn); err != nil {
		t.Fatal(err)
	}
	return conn
}

// S2: the push reaches the server and the connection closes before the
// client reads the answer, once before the commit could happen and once
// after the answer was on its way; the client sends the same push again.
// Each mutation is applied once: one version each, one revision for the
// one overwritten note, and the retry answers the same last mutation id.
func TestS2LostReplyAfterCommit(t *testing.T) {
	for _, tc := range []struct {
		name string
		wait bool // for the answer to start before closing
	}{
		{"closed at once", false},
		{"closed after the commit", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newAPIServer(t)
			ctx := context.Background()
			c := srv.user(t, "ada")
			client := apitest.ClientID()
			clock := msync.NewClock(nil, 0)
			a := apitest.Annotation("article-1", "first note")
			first := &msync.PushRequest{Protocol: msync.Protocol, ClientID: client,
				Mutations: []msync.Mutation{apitest.Upsert(1, &a, clock.Now())}}
			if r, _, err := c.Push(ctx, first); err != nil || r.Status != http.StatusOK {
				t.Fatalf("first push: %v %v", r, err)
			}
			lost := apitest.Creates(client, 2, 50)
			lost.Mutations = append(lost.Mutations, apitest.SetNote(52, a.ID, "second note", clock.Now()))
			body, _ := json.Marshal(lost)

			conn := rawPush(t, c, body)
			if tc.wait {
				conn.SetReadDeadline(time.Now().Add(20 * time.Second))
				if _, err := bufio.NewReader(conn).ReadByte(); err != nil {
					t.Fatalf("no answer began: %v", err)
				}
			}
			conn.Close()

			var res msync.PushResponse
			for i := range 50 { // the first request may still be running
				r, out, err := c.Push(ctx, lost)
				if err != nil {
					t.Fatal(err)
				}
				if r.Status == http.StatusOK {
					res = out
					break
				}
				if r.Status != http.StatusServiceUnavailable || i == 49 {
					t.Fatalf("retry: %s", r)
				}
				time.Sleep(100 * time.Millisecond)
			}
			if res.LastMutationID != 52 {
				t.Errorf("retry: last mutation id %d, want 52", res.LastMutationID)
			}
			recs, last, err := c.PullAll(ctx, client)
			if err != nil {
				t.Fatal(err)
			}
			if last != 52 || len(recs) != 51 {
				t.Fatalf("pulled %d records, last mutation %d; want 51, 52", len(recs), last)
			}
			// 51 creates and one edit: 52 changes, so versions 1..52 and
			// the edited annotation at 52.
			seen := map[string]bool{}
			for _, r := range recs {
				if seen[r.ID] {
					t.Errorf("annotation %s pulled twice", r.ID)
				}
				seen[r.ID] = true
				if r.Version < 1 || r.Version > 52 {
					t.Errorf("annotation %s at version %d, outside 1..52: a mutation applied twice", r.ID, r.Version)
				}
			}
			revs, err := srv.Store.Revisions(ctx, sessionUser(t, srv, c), msync.KindAnnotation, a.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(revs) != 1 {
				t.Errorf("%d revisions of the edited annotation, want 1: %+v", len(revs), revs)
			}
		})
	}
}

// sessionUser returns the id of the user c is signed in as.
func sessionUser(t *testing.T, srv *apiServer, c *apitest.Client) string {
	t.Helper()
	r := must(t)(c.Do(context.Background(), http.MethodGet, "/api/session", nil))
	var u userAnswer
	if r.Status != http.StatusOK || json.Unmarshal(r.Body, &u) != nil {
		t.Fatalf("session: %s", r)
	}
	return u.User.ID
}

// S3: the same push twice in a row, and twice at once on two
// connections: the same final state, each mutation applied by exactly
// one of the two, no 5xx, and the change counter moved once per row.
func TestS3DuplicateAndConcurrentReplay(t *testing.T) {
	srv := newAPIServer(t)
	ctx := context.Background()
	c := srv.user(t, "ada")
	const n = 20

	client := apitest.ClientID()
	req := apitest.Creates(client, 1, n)
	_, first, _ := c.Push(ctx, req)
	before, _, _ := c.PullAll(ctx, client)
	r, again, err := c.Push(ctx, req)
	if err != nil || r.Status != http.StatusOK {
		t.Fatalf("replay: %v %v", r, err)
	}
	after, _, _ := c.PullAll(ctx, client)
	for i := range n {
		if first.Results[i].Status != msync.StatusApplied || again.Results[i].Status != msync.StatusSkipped {
			t.Errorf("mutation %d: %s then %s; want applied then skipped", i+1, first.Results[i].Status, again.Results[i].Status)
		}
	}
	if a, b := fmt.Sprint(before), fmt.Sprint(after); a != b {
		t.Error("the replay changed the state")
	}

	for round := range 5 {
		client := apitest.ClientID()
		req := apitest.Creates(client, 1, n)
		var wg sync.WaitGroup
		var answers [2]msync.PushResponse
		var statuses [2]int
		for i := range 2 {
			other := apitest.New(srv.URL)
			other.HTTP.Jar = c.HTTP.Jar
			other.HTTP.Transport = &http.Transport{} // a connection of its own
			wg.Go(func() {
				r, out, err := other.Push(ctx, req)
				if err != nil {
					t.Error(err)
					return
				}
				statuses[i], answers[i] = r.Status, out
			})
		}
		wg.Wait()
		if statuses != [2]int{200, 200} {
			t.Fatalf("round %d: statuses %v, want both 200", round, statuses)
		}
		for i := range n {
			got := []string{answers[0].Results[i].Status, answers[1].Results[i].Status}
			if !(got[0] == msync.StatusApplied && got[1] == msync.StatusSkipped || got[0] == msync.StatusSkipped && got[1] == msync.StatusApplied) {
				t.Errorf("round %d, mutation %d: %v; want applied once and skipped once", round, i+1, got)
			}
		}
	}
	// 6 batches of n creates, each applied once: the counter is 6n.
	user := sessionUser(t, srv, c)
	if seq, err := srv.Store.ChangeSeq(ctx, user); err != nil || seq != 6*n {
		t.Errorf("change counter %d (%v), want %d", seq, err, 6*n)
	}
}

// S4: with the server at mutation 3, a push of 5–6 applies nothing and
// answers 3; mutation 2 sent again with other content is 409.
func TestS4MutationGapAndReuse(t *testing.T) {
	srv := newAPIServer(t)
	ctx := context.Background()
	c := srv.user(t, "ada")
	client := apitest.ClientID()
	req := apitest.Creates(client, 1, 3)
	if r, res, err := c.Push(ctx, req); err != nil || r.Status != http.StatusOK || res.LastMutationID != 3 {
		t.Fatalf("push 1–3: %v %+v %v", r, res, err)
	}
	before, _, _ := c.PullAll(ctx, client)

	gap := apitest.Creates(client, 5, 2)
	r, res, err := c.Push(ctx, gap)
	if err != nil || r.Status != http.StatusOK || res.LastMutationID != 3 {
		t.Fatalf("push 5–6: %v %+v %v; want 200 with last mutation 3", r, res, err)
	}
	for _, x := range res.Results {
		if x.Status == msync.StatusApplied {
			t.Errorf("mutation %d applied across a gap", x.ID)
		}
	}

	reused := apitest.Creates(client, 2, 1)
	r, _, err = c.Push(ctx, reused)
	if err != nil {
		t.Fatal(err)
	}
	wantStatus(t, "mutation 2 with other content", r, http.StatusConflict, "client_id_reused")

	same := &msync.PushRequest{Protocol: msync.Protocol, ClientID: client, Mutations: req.Mutations[1:2]}
	if r, res, err := c.Push(ctx, same); err != nil || r.Status != http.StatusOK || res.Results[0].Status != msync.StatusSkipped {
		t.Errorf("mutation 2 again, same content: %v %+v %v; want skipped", r, res, err)
	}
	after, last, _ := c.PullAll(ctx, client)
	if fmt.Sprint(before) != fmt.Sprint(after) || last != 3 {
		t.Errorf("the refused pushes changed the state (last mutation %d)", last)
	}
}

func TestPullQueryValidation(t *testing.T) {
	srv := newAPIServer(t)
	ctx := context.Background()
	c := srv.user(t, "ada")
	client := apitest.ClientID()
	for _, q := range []string{
		"", "client_id=short", "client_id=" + client + "&cursor=-1", "client_id=" + client + "&cursor=x",
		"client_id=" + client + "&limit=0", "client_id=" + client + "&limit=1001", "client_id=" + client + "&limit=1e3",
		"client_id=%3Cscript%3E12345",
	} {
		wantStatus(t, q, must(t)(c.Do(ctx, http.MethodGet, "/api/sync/pull?"+q, nil)), http.StatusBadRequest, "bad_query")
	}
	c.Push(ctx, apitest.Creates(client, 1, 5))
	r, page, err := c.Pull(ctx, client, 0, 2)
	if err != nil || r.Status != http.StatusOK || len(page.Changes) != 2 || !page.HasMore || page.LastMutationID != nil {
		t.Errorf("first page of 2: %v %+v", r, page)
	}
	r, page, _ = c.Pull(ctx, client, page.Cursor, 1000)
	if r.Status != http.StatusOK || len(page.Changes) != 3 || page.HasMore || page.LastMutationID == nil || *page.LastMutationID != 5 {
		t.Errorf("last page: %v %+v", r, page)
	}
	if !strings.Contains(string(must(t)(c.Do(ctx, http.MethodGet, "/api/sync/pull?client_id="+apitest.ClientID(), nil)).Body), `"changes":[`) {
		t.Error("an empty pull's changes are not a list")
	}
}

// A cursor older than the tombstone horizon answers 410 with
// reset_required.
func TestPullResetRequired(t *testing.T) {
	srv := newAPIServer(t)
	ctx := context.Background()
	c := srv.user(t, "ada")
	client := apitest.ClientID()
	// Versions 1 and 2, then the deletion of the first at version 3 (a
	// separate push: one push changing a row twice bumps it once).
	req := apitest.Creates(client, 1, 2)
	del := &msync.PushRequest{Protocol: msync.Protocol, ClientID: client,
		Mutations: []msync.Mutation{apitest.Delete(3, req.Mutations[0].Object, msync.At(time.Now().Add(time.Second)))}}
	for _, p := range []*msync.PushRequest{req, del} {
		if r, _, err := c.Push(ctx, p); err != nil || r.Status != http.StatusOK {
			t.Fatalf("push: %v %v", r, err)
		}
	}
	// Another device pulls everything, then tombstones are collected;
	// client, which pushed but never pulled, is behind.
	c.PullAll(ctx, apitest.ClientID())
	if n, err := srv.Store.CollectTombstones(ctx, time.Now().Add(time.Hour)); err != nil || n != 1 {
		t.Fatalf("CollectTombstones = %d, %v; want 1", n, err)
	}
	r, _, err := c.Pull(ctx, client, 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	var reset msync.ResetResponse
	if r.Status != http.StatusGone || json.Unmarshal(r.Body, &reset) != nil || !reset.ResetRequired || reset.Code != "reset_required" || reset.Error == "" {
		t.Errorf("pull below the horizon: %s; want 410 reset_required", r)
	}
	if r, _, _ := c.Pull(ctx, client, 0, 0); r.Status != http.StatusOK {
		t.Errorf("pull from 0 after a reset: %s", r)
	}
}

// Store errors reach the client as the protocol says: busy is 503 with
// Retry-After and nothing committed.
func TestPushBusyIs503(t *testing.T) {
	fail := true
	var mu sync.Mutex
	st, _ := openStore(t, func(o *store.Options) {
		o.Hooks.BeforeCommit = func(context.Context) error {
			mu.Lock()
			defer mu.Unlock()
			if fail {
				return store.ErrBusy
			}
			return nil
		}
	})
	srv := newAPIServerOn(t, st)
	ctx := context.Background()
	c := srv.user(t, "ada")
	client := apitest.ClientID()
	r, _, err := c.Push(ctx, apitest.Creates(client, 1, 3))
	if err != nil {
		t.Fatal(err)
	}
	wantStatus(t, "busy push", r, http.StatusServiceUnavailable, "busy")
	if r.Header.Get("Retry-After") == "" {
		t.Error("503 without Retry-After")
	}
	if recs, last, _ := c.PullAll(ctx, client); len(recs) != 0 || last != 0 {
		t.Errorf("a busy push stored %d records", len(recs))
	}
	mu.Lock()
	fail = false
	mu.Unlock()
	if r, _, _ := c.Push(ctx, apitest.Creates(client, 1, 3)); r.Status != http.StatusOK {
		t.Errorf("push once the store is well: %s", r)
	}
}
