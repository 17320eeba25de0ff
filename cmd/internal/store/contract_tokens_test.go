package store

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"
)

// The contract's cases about API tokens.

func testTokens(t *testing.T, open opener) {
	s := open(t, Options{})
	c := ctx(t)
	ann, bob := newUser(t, s, "ann"), newUser(t, s, "bob")
	now := time.Now().Truncate(time.Millisecond)

	if got, err := s.Tokens(c, ann.ID); err != nil || len(got) != 0 {
		t.Fatalf("tokens of a new user: %+v, %v", got, err)
	}
	first, err := s.CreateToken(c, Token{UserID: ann.ID, Name: "Laptop", Hash: "hash-1", Scopes: []string{"import"}, Created: now}, 50)
	if err != nil {
		t.Fatal(err)
	}
	if first.ID == "" || first.Name != "Laptop" || !first.Created.Equal(now) || !first.LastUsed.IsZero() {
		t.Fatalf("created token %+v", first)
	}
	second, err := s.CreateToken(c, Token{UserID: ann.ID, Name: "Phone", Hash: "hash-2", Scopes: []string{"import", "read"}, Created: now.Add(time.Second)}, 50)
	if err != nil || second.ID == first.ID {
		t.Fatalf("second token %+v, %v", second, err)
	}
	if _, err := s.CreateToken(c, Token{UserID: bob.ID, Name: "Bob's", Hash: "hash-1", Scopes: []string{"import"}, Created: now}, 50); !errors.Is(err, ErrExists) {
		t.Fatalf("a hash stored already: %v, want ErrExists", err)
	}
	if _, err := s.CreateToken(c, Token{UserID: "nobody", Name: "x", Hash: "hash-x", Scopes: []string{"import"}, Created: now}, 50); !errors.Is(err, ErrNotFound) {
		t.Fatalf("a token of nobody: %v, want ErrNotFound", err)
	}

	list, err := s.Tokens(c, ann.ID)
	if err != nil || len(list) != 2 || list[0].ID != second.ID || list[1].ID != first.ID {
		t.Fatalf("ann's tokens, newest first: %+v, %v", list, err)
	}
	if got := list[0]; got.Name != "Phone" || !slices.Equal(got.Scopes, []string{"import", "read"}) || got.Hash != "hash-2" || got.UserID != ann.ID {
		t.Fatalf("listed token %+v", got)
	}
	if got, _ := s.Tokens(c, bob.ID); len(got) != 0 {
		t.Fatalf("bob sees tokens: %+v", got)
	}

	// Found by hash, and marked used at most once a minute.
	got, err := s.TokenByHash(c, "hash-1", now.Add(time.Second))
	if err != nil || got.ID != first.ID || got.UserID != ann.ID || !slices.Equal(got.Scopes, []string{"import"}) {
		t.Fatalf("TokenByHash = %+v, %v", got, err)
	}
	used := now.Add(time.Second)
	if !got.LastUsed.Equal(used) {
		t.Fatalf("first use: last used %v, want %v", got.LastUsed, used)
	}
	if got, _ := s.TokenByHash(c, "hash-1", used.Add(30*time.Second)); !got.LastUsed.Equal(used) {
		t.Fatalf("a use 30 s later moved the mark to %v", got.LastUsed)
	}
	if n := count(t, s, fmt.Sprintf("SELECT COUNT(*) FROM api_tokens WHERE hash = 'hash-1' AND last_used_at = %d", used.UnixMilli())); n != 1 {
		t.Fatal("the first use is not stored")
	}
	later := used.Add(2 * time.Minute)
	if got, _ := s.TokenByHash(c, "hash-1", later); !got.LastUsed.Equal(later) {
		t.Fatalf("a use two minutes later: last used %v, want %v", got.LastUsed, later)
	}
	// A request that started earlier does not move the mark back.
	if got, _ := s.TokenByHash(c, "hash-1", used.Add(90*time.Second)); !got.LastUsed.Equal(later) {
		t.Fatalf("an older use: %v", got.LastUsed)
	}
	if list, _ := s.Tokens(c, ann.ID); !list[1].LastUsed.Equal(later) || !list[0].LastUsed.IsZero() {
		t.Fatalf("listed last uses: %v, %v", list[0].LastUsed, list[1].LastUsed)
	}
	if _, err := s.TokenByHash(c, "no-such-hash", now); !errors.Is(err, ErrNotFound) {
		t.Fatalf("an unknown hash: %v", err)
	}

	// Bob cannot revoke ann's token; ann can, once.
	if err := s.DeleteToken(c, bob.ID, first.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("bob revoking ann's token: %v, want ErrNotFound", err)
	}
	if _, err := s.TokenByHash(c, "hash-1", now); err != nil {
		t.Fatalf("bob's attempt revoked ann's token: %v", err)
	}
	if err := s.DeleteToken(c, ann.ID, first.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.TokenByHash(c, "hash-1", now); !errors.Is(err, ErrNotFound) {
		t.Fatalf("a revoked token: %v", err)
	}
	if err := s.DeleteToken(c, ann.ID, first.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("revoking twice: %v", err)
	}

	// Deleting the user takes their tokens along.
	if err := s.DeleteUser(c, ann.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.TokenByHash(c, "hash-2", now); !errors.Is(err, ErrNotFound) {
		t.Fatalf("a deleted user's token: %v", err)
	}
	if n := count(t, s, "SELECT COUNT(*) FROM api_tokens"); n != 0 {
		t.Fatalf("%d tokens outlived their user", n)
	}
}

// A user holds at most max tokens, even when the creations race.
func testTokenLimit(t *testing.T, open opener) {
	s := open(t, Options{})
	c := ctx(t)
	u := newUser(t, s, "ann")
	const max, tries = 5, 12
	var wg sync.WaitGroup
	errs := make([]error, tries)
	for i := range tries {
		wg.Go(func() {
			_, errs[i] = s.CreateToken(c, Token{UserID: u.ID, Name: "t", Hash: fmt.Sprintf("race-%d", i), Scopes: []string{"import"}, Created: time.Now()}, max)
		})
	}
	wg.Wait()
	made := 0
	for _, err := range errs {
		switch {
		case err == nil:
			made++
		case !errors.Is(err, ErrTooMany):
			t.Fatalf("a racing creation: %v", err)
		}
	}
	if list, _ := s.Tokens(c, u.ID); made != max || len(list) != max {
		t.Fatalf("%d creations succeeded, %d tokens stored; want %d", made, len(list), max)
	}
	// Revoking one makes room for one.
	list, _ := s.Tokens(c, u.ID)
	if err := s.DeleteToken(c, u.ID, list[0].ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateToken(c, Token{UserID: u.ID, Name: "t", Hash: "after", Scopes: []string{"import"}, Created: time.Now()}, max); err != nil {
		t.Fatalf("after a revocation: %v", err)
	}
}
