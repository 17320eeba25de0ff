package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	msync "margin/app/sync"
	"margin/cmd/internal/apitest"
	"margin/cmd/internal/respond"
)

// X11: bodies that are too large, not strictly the JSON expected, or
// break the protocol are refused with a JSON error, and every refusal
// leaves what is stored as it was.
func TestX11PushDecodingRefusals(t *testing.T) {
	srv := newAPIServer(t)
	ctx := context.Background()
	c := srv.user(t, "ada")
	client := apitest.ClientID()
	if r, _, err := c.Push(ctx, apitest.Creates(client, 1, 3)); err != nil || r.Status != http.StatusOK {
		t.Fatalf("first push: %v %v", r, err)
	}
	snapshot := func() string {
		recs, last, err := c.PullAll(ctx, client)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(recs)
		return fmt.Sprintf("%s last %d", b, last)
	}
	before := snapshot()

	// valid is a push of one new annotation, as JSON, with its note "ok".
	valid := func() []byte {
		a := apitest.Annotation("article-1", "ok")
		req := msync.PushRequest{Protocol: msync.Protocol, ClientID: client,
			Mutations: []msync.Mutation{apitest.Upsert(4, &a, msync.At(time.Now()))}}
		b, _ := json.Marshal(req)
		return b
	}
	replace := func(old, new string) []byte {
		b := valid()
		if !bytes.Contains(b, []byte(old)) {
			t.Fatalf("%s not in %s", old, b)
		}
		return bytes.Replace(b, []byte(old), []byte(new), 1)
	}
	tooDeep := respond.BadJSON(respond.ErrTooDeep).Message
	tooMany := apitest.Creates(client, 4, msync.MaxMutations+1)
	tooManyJSON, _ := json.Marshal(tooMany)

	for _, tc := range []struct {
		what   string
		body   []byte
		status []int
	}{
		{"over the limit", append(valid()[:len(valid())-1], []byte(`,"pad":"`+strings.Repeat("x", pushBodyLimit)+`"}`)...), []int{413}},
		{"unknown field", replace(`"protocol":1`, `"protocol":1,"priority":9`), []int{400}},
		{"unknown field in a mutation", replace(`"op":`, `"ops":"x","op":`), []int{400}},
		{"trailing second value", append(valid(), valid()...), []int{400}},
		{"trailing garbage", append(valid(), []byte(" ]")...), []int{400}},
		{`"ID" for "id"`, replace(`{"id":4`, `{"ID":4`), []int{400}},
		{`"id" and "ID"`, replace(`{"id":4`, `{"id":4,"ID":5`), []int{400}},
		{`"client_id" and "Client_ID"`, replace(`"protocol":1`, `"protocol":1,"Client_ID":"x"`), []int{400}},
		{"duplicate field", replace(`"protocol":1`, `"protocol":1,"protocol":1`), []int{400}},
		{"100,000 nested arrays", []byte(strings.Repeat("[", 100_000)), []int{400}},
		{"nested arrays inside a field", replace(`"note":"ok"`, `"note":`+strings.Repeat("[", 100)+strings.Repeat("]", 100)), []int{400}},
		{"invalid UTF-8 in a note", replace(`"note":"ok"`, "\"note\":\"o\xffk\""), []int{400}},
		{"lone surrogate in a note", replace(`"note":"ok"`, `"note":"o\udc00k"`), []int{400}},
		{"1,001 mutations", tooManyJSON, []int{400, 413}},
		{"another protocol", replace(`"protocol":1`, `"protocol":2`), []int{400}},
		{"bad client id", replace(`"client_id":"`, `"client_id":"<`), []int{400}},
		{"mutation ids not rising", replace(`{"id":4`, `{"id":0`), []int{400}},
		{"not an object", []byte(`[1,2,3]`), []int{400}},
		{"empty body", []byte{}, []int{400}},
	} {
		t.Run(tc.what, func(t *testing.T) {
			start := time.Now()
			r := must(t)(c.Do(ctx, http.MethodPost, "/api/sync/push", tc.body))
			if tc.what == "100,000 nested arrays" {
				t.Logf("refused in %v", time.Since(start))
				// Unclosed brackets are not JSON whatever the depth: only
				// the message shows the depth bound refused them.
				if got := r.Problem().Error; got != tooDeep {
					t.Errorf("refused with %q, want %q", got, tooDeep)
				}
			}
			if !slices.Contains(tc.status, r.Status) {
				t.Errorf("status %s, want %v", r, tc.status)
			}
			wantProblemShape(t, tc.what, r)
			if after := snapshot(); after != before {
				t.Errorf("stored data changed:\nbefore %.300s\nafter  %.300s", before, after)
			}
		})
	}

	// A body with no length given is cut off at the limit too.
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/api/sync/push",
		io.MultiReader(bytes.NewReader(valid()[:len(valid())-1]), strings.NewReader(`,"pad":"`), strings.NewReader(strings.Repeat("x", pushBodyLimit))))
	req.Header.Set("Content-Type", "application/json")
	req.ContentLength = -1
	resp, err := c.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("chunked body over the limit: status %d, want 413", resp.StatusCode)
	}
	if after := snapshot(); after != before {
		t.Error("the chunked body changed stored data")
	}

	// Account routes take far less.
	big := map[string]string{"name": "ada", "password": strings.Repeat("x", accountBodyLimit)}
	wantStatus(t, "sign-in body over 16 KiB", must(t)(apitest.New(srv.URL).JSON(ctx, http.MethodPost, "/api/session", big)), http.StatusRequestEntityTooLarge, "too_large")

	// One bad mutation among good ones is refused alone (not a refusal
	// of the request): the others apply.
	a, b := apitest.Annotation("article-1", "fine"), apitest.Annotation("article-1", "bad colour")
	bad := apitest.Upsert(5, &b, msync.At(time.Now()))
	bad.Fields["color"] = json.RawMessage(`"mauve"`)
	r, res, err := c.Push(ctx, &msync.PushRequest{Protocol: msync.Protocol, ClientID: client,
		Mutations: []msync.Mutation{apitest.Upsert(4, &a, msync.At(time.Now())), bad}})
	if err != nil || r.Status != http.StatusOK || len(res.Results) != 2 ||
		res.Results[0].Status != msync.StatusApplied || res.Results[1].Status != msync.StatusRejected || res.Results[1].Reason != msync.ReasonInvalid {
		t.Errorf("push with one invalid mutation: %v %+v %v", r, res, err)
	}
}
