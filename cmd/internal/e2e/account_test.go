package e2e

import (
	"context"
	"errors"
	"testing"
	"time"

	"margin/app/anchor"
	"margin/app/annotation"
	"margin/app/client"
	msync "margin/app/sync"
)

// apiErr returns the API's error answer in err, failing the test when
// there is none.
func apiErr(t *testing.T, err error) *client.Error {
	t.Helper()
	e, ok := client.AsError(err)
	if !ok {
		t.Fatalf("want an error answer from the API, got %v", err)
	}
	return e
}

// limitSignIns signs in to name with a wrong password, at most 30 times,
// until the server limits the attempts, and returns its answer then: nil
// when it never did. Every attempt must be answered with an API error.
func limitSignIns(t *testing.T, ctx context.Context, c *client.Client, name string) *client.Error {
	t.Helper()
	for range 30 {
		_, err := c.SignIn(ctx, name, "wrong password")
		if e := apiErr(t, err); e.Code == "rate_limited" {
			return e
		}
	}
	return nil
}

// TestClientAccountsAndSync runs the app's typed client against the real
// binary: every account call, a push and a pull, and the errors the
// account page turns into sentences.
func TestClientAccountsAndSync(t *testing.T) {
	p := start(t, "")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	c := client.New(p.URL)
	if _, err := c.Session(ctx); !errors.Is(err, client.ErrSignedOut) {
		t.Fatalf("session before signing in: %v", err)
	}
	if _, err := c.SignUp(ctx, "alice", "short"); apiErr(t, err).Status != 400 || apiErr(t, err).Message == "" {
		t.Errorf("short password: %v", err)
	}
	u, err := c.SignUp(ctx, "alice", "correct horse")
	if err != nil || u.Name != "alice" || u.ID == "" {
		t.Fatalf("sign up: %+v %v", u, err)
	}
	if got, err := c.Session(ctx); err != nil || got != u {
		t.Fatalf("session: %+v %v", got, err)
	}

	other := client.New(p.URL)
	if _, err := other.SignUp(ctx, "Alice", "another one"); apiErr(t, err).Code != "name_taken" {
		t.Errorf("taken name: %v", err)
	}
	if _, err := other.SignIn(ctx, "alice", "wrong password"); apiErr(t, err).Code != "bad_credentials" {
		t.Errorf("wrong password: %v", err)
	}

	// A push and a pull of one highlight.
	at := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	a := annotation.Annotation{
		ID: annotation.NewID(), Article: "art1",
		Target: anchor.Selector{Exact: "passage", Start: 0, End: 7},
		Color:  annotation.Green, Created: at, Modified: at,
	}
	const clientID = "c_e2e_client_1"
	push := msync.PushRequest{Protocol: msync.Protocol, ClientID: clientID, Mutations: []msync.Mutation{{
		ID: 1, Op: msync.OpUpsert, Kind: msync.KindAnnotation, Object: a.ID,
		HLC: msync.At(time.Now()), Fields: msync.AnnotationFields(&a, nil),
	}}}
	resp, err := c.Push(ctx, push)
	if err != nil || resp.LastMutationID != 1 || len(resp.Results) != 1 || resp.Results[0].Status != msync.StatusApplied {
		t.Fatalf("push: %+v %v", resp, err)
	}
	page, err := c.Pull(ctx, clientID, 0, 0)
	if err != nil || len(page.Changes) != 1 || page.Changes[0].ID != a.ID || page.LastMutationID == nil || *page.LastMutationID != 1 {
		t.Fatalf("pull: %+v %v", page, err)
	}
	if got, err := msync.ToAnnotation(&page.Changes[0]); err != nil || got.Color != annotation.Green || got.Target != a.Target {
		t.Errorf("pulled annotation: %+v %v", got, err)
	}
	// Someone else's client id is refused.
	if _, err := other.SignUp(ctx, "bob", "bob's password"); err != nil {
		t.Fatal(err)
	}
	push.Mutations[0].ID = 2
	if _, err := other.Push(ctx, push); apiErr(t, err).Status != 403 {
		t.Errorf("push with alice's client id: %v", err)
	}

	// A new password ends the other sessions and replaces the old one.
	second := client.New(p.URL)
	if _, err := second.SignIn(ctx, "alice", "correct horse"); err != nil {
		t.Fatal(err)
	}
	if err := c.ChangePassword(ctx, "not it", "battery staple"); apiErr(t, err).Status/100 != 4 {
		t.Errorf("change with a wrong password: %v", err)
	}
	if err := c.ChangePassword(ctx, "correct horse", "battery staple"); err != nil {
		t.Fatalf("change password: %v", err)
	}
	if _, err := second.Session(ctx); !errors.Is(err, client.ErrSignedOut) {
		t.Errorf("the other session survived the new password: %v", err)
	}
	if _, err := second.SignIn(ctx, "alice", "correct horse"); apiErr(t, err).Code != "bad_credentials" {
		t.Errorf("old password: %v", err)
	}

	// Sign out, and in again.
	if err := c.SignOut(ctx, true); err != nil {
		t.Fatalf("sign out: %v", err)
	}
	if _, err := c.Session(ctx); !errors.Is(err, client.ErrSignedOut) {
		t.Errorf("session after signing out: %v", err)
	}
	if _, err := c.SignIn(ctx, "alice", "battery staple"); err != nil {
		t.Fatalf("sign in: %v", err)
	}

	// Delete the account: the password must confirm it.
	if err := c.DeleteAccount(ctx, "wrong"); apiErr(t, err).Status/100 != 4 {
		t.Errorf("delete with a wrong password: %v", err)
	}
	if err := c.DeleteAccount(ctx, "battery staple"); err != nil {
		t.Fatalf("delete account: %v", err)
	}
	if _, err := client.New(p.URL).SignIn(ctx, "alice", "battery staple"); apiErr(t, err).Code != "bad_credentials" {
		t.Errorf("sign in to a deleted account: %v", err)
	}

	// Too many wrong passwords: the answer says how long to wait.
	limited := limitSignIns(t, ctx, other, "bob")
	if limited == nil || limited.Status != 429 || limited.RetryAfter <= 0 {
		t.Errorf("rate limiting: %+v", limited)
	}
}
