package server

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	msync "margin/app/sync"
	"margin/cmd/internal/apitest"
)

// X7: users A and B with 1,000 annotations each. B's pulls never hold
// A's rows; B's pushes touching A's annotations are rejected as
// not_found and leave them as they were; every account and sync route
// answers 401 to a request without a session.
func TestX7AccessControl(t *testing.T) {
	srv := newAPIServer(t)
	ctx := context.Background()
	a, b := srv.user(t, "alice"), srv.user(t, "bob")
	ca, cb := apitest.ClientID(), apitest.ClientID()
	reqA, reqB := apitest.Creates(ca, 1, 1000), apitest.Creates(cb, 1, 1000)
	for i := range reqA.Mutations {
		reqA.Mutations[i].Fields["note"] = json.RawMessage(`"alice's secret"`)
	}
	for _, p := range []struct {
		c   *apitest.Client
		req *msync.PushRequest
	}{{a, reqA}, {b, reqB}} {
		if r, _, err := p.c.Push(ctx, p.req); err != nil || r.Status != http.StatusOK {
			t.Fatalf("seed push: %v %v", r, err)
		}
	}
	aliceIDs := map[string]bool{}
	for _, m := range reqA.Mutations {
		aliceIDs[m.Object] = true
	}
	aliceBefore, _, err := a.PullAll(ctx, ca)
	if err != nil || len(aliceBefore) != 1000 {
		t.Fatalf("alice pulls %d records (%v)", len(aliceBefore), err)
	}

	// B pulls, page by page and all at once.
	for _, limit := range []int{7, 1000} {
		var cursor int64
		for range 1000 {
			r, page, err := b.Pull(ctx, cb, cursor, limit)
			if err != nil || r.Status != http.StatusOK {
				t.Fatalf("bob pulls: %v %v", r, err)
			}
			if strings.Contains(string(r.Body), "alice") {
				t.Fatal("bob's pull holds alice's data")
			}
			for _, rec := range page.Changes {
				if aliceIDs[rec.ID] {
					t.Fatalf("bob's pull holds alice's annotation %s", rec.ID)
				}
			}
			cursor = page.Cursor
			if !page.HasMore {
				break
			}
		}
	}

	// B edits, deletes and "creates" A's annotations.
	clock := msync.NewClock(nil, 0)
	clock.Observe(msync.At(time.Now().Add(time.Minute)))
	victim := reqA.Mutations[0].Object
	steal := apitest.Annotation("article-1", "bob was here")
	steal.ID = reqA.Mutations[1].Object
	attack := &msync.PushRequest{Protocol: msync.Protocol, ClientID: cb, Mutations: []msync.Mutation{
		apitest.SetNote(1001, victim, "bob was here", clock.Now()),
		apitest.Delete(1002, reqA.Mutations[2].Object, clock.Now()),
		apitest.Upsert(1003, &steal, clock.Now()),
	}}
	r, res, err := b.Push(ctx, attack)
	if err != nil || r.Status != http.StatusOK {
		t.Fatalf("bob's push: %v %v", r, err)
	}
	for _, x := range res.Results {
		if x.Status != msync.StatusRejected || x.Reason != msync.ReasonNotFound {
			t.Errorf("bob's mutation %d on alice's annotation: %+v, want rejected not_found", x.ID, x)
		}
	}
	if strings.Contains(string(r.Body), "alice") {
		t.Error("the answer to bob's push holds alice's data")
	}

	aliceAfter, last, err := a.PullAll(ctx, ca)
	if err != nil {
		t.Fatal(err)
	}
	if last != 1000 {
		t.Errorf("alice's last mutation is %d after bob's pushes, want 1000", last)
	}
	if string(mustJSON(aliceBefore)) != string(mustJSON(aliceAfter)) {
		t.Error("alice's annotations changed after bob's pushes")
	}

	// Anonymous requests.
	anon := apitest.New(srv.URL)
	for _, rt := range []struct{ method, path, body string }{
		{http.MethodGet, "/api/session", ""},
		{http.MethodPost, "/api/account/password", `{"password":"x","new_password":"yyyyyyyyy"}`},
		{http.MethodDelete, "/api/account", `{"password":"x"}`},
		{http.MethodPost, "/api/sync/push", string(mustJSON(apitest.Creates(apitest.ClientID(), 1, 1)))},
		{http.MethodGet, "/api/sync/pull?client_id=" + ca, ""},
		{http.MethodGet, "/api/sync/events", ""},
	} {
		var body []byte
		if rt.body != "" {
			body = []byte(rt.body)
		}
		r := must(t)(anon.Do(ctx, rt.method, rt.path, body))
		wantStatus(t, "anonymous "+rt.method+" "+rt.path, r, http.StatusUnauthorized, "signed_out")
		if strings.Contains(string(r.Body), "alice") {
			t.Errorf("anonymous %s %s shows alice's data", rt.method, rt.path)
		}
	}
	if recs, _, _ := a.PullAll(ctx, ca); len(recs) != 1000 {
		t.Errorf("alice has %d annotations after the anonymous requests", len(recs))
	}
}

// S9: user B pushes with user A's client id: 403, nothing applied, A's
// last mutation id unchanged, and a security warning in the log. B's
// pull with A's client id does not tell A's progress either.
func TestS9ClientIDHijack(t *testing.T) {
	srv := newAPIServer(t)
	ctx := context.Background()
	a, b := srv.user(t, "alice"), srv.user(t, "bob")
	ca := apitest.ClientID()
	if r, _, err := a.Push(ctx, apitest.Creates(ca, 1, 5)); err != nil || r.Status != http.StatusOK {
		t.Fatalf("alice's push: %v %v", r, err)
	}
	before, _, _ := a.PullAll(ctx, ca)

	r, _, err := b.Push(ctx, apitest.Creates(ca, 6, 3))
	if err != nil {
		t.Fatal(err)
	}
	wantStatus(t, "bob pushes with alice's client id", r, http.StatusForbidden, "client_owned")
	if log := srv.Log.String(); !strings.Contains(log, "level=WARN") || !strings.Contains(log, "security: client id of another user") || !strings.Contains(log, ca) {
		t.Errorf("no security log entry for the hijack:\n%s", log)
	}
	r, page, err := b.Pull(ctx, ca, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	switch {
	case r.Status == http.StatusOK && page.LastMutationID != nil && *page.LastMutationID != 0:
		t.Errorf("bob's pull with alice's client id tells alice's progress: %.200s", r.Body)
	case r.Status != http.StatusOK && r.Status != http.StatusForbidden:
		t.Errorf("bob's pull with alice's client id: %s", r)
	}
	if recs, _, _ := b.PullAll(ctx, apitest.ClientID()); len(recs) != 0 {
		t.Errorf("bob holds %d objects after pushing with alice's client id", len(recs))
	}
	after, last, err := a.PullAll(ctx, ca)
	if err != nil {
		t.Fatal(err)
	}
	if last != 5 || string(mustJSON(before)) != string(mustJSON(after)) {
		t.Errorf("alice's data or last mutation id (%d, want 5) changed", last)
	}
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
