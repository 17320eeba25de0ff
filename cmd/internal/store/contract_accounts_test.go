package store

import (
	"errors"
	"testing"
	"time"

	msync "margin/app/sync"
)

// The contract's cases about accounts and sessions.

func testUsers(t *testing.T, open opener) {
	s := open(t, Options{})
	c := ctx(t)
	ann := newUser(t, s, "Ann")
	if _, err := s.CreateUser(c, "aNN", "x"); !errors.Is(err, ErrExists) {
		t.Fatalf("a name taken in another case: %v, want ErrExists", err)
	}
	for _, name := range []string{"ann", "ANN", "Ann"} {
		u, err := s.UserByName(c, name)
		if err != nil || u.ID != ann.ID || u.Name != "Ann" {
			t.Fatalf("UserByName(%q) = %+v, %v", name, u, err)
		}
	}
	u, err := s.UserByID(c, ann.ID)
	if err != nil || u.Name != "Ann" || u.PasswordHash != ann.PasswordHash || !u.Created.Equal(ann.Created) {
		t.Fatalf("UserByID = %+v, %v; created %+v", u, err, ann)
	}
	if err := s.SetPassword(c, ann.ID, "new-hash"); err != nil {
		t.Fatal(err)
	}
	if u, _ := s.UserByID(c, ann.ID); u.PasswordHash != "new-hash" {
		t.Fatalf("password hash after SetPassword: %q", u.PasswordHash)
	}
	if _, err := s.UserByName(c, "bob"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown name: %v", err)
	}
	if _, err := s.UserByID(c, "nobody"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown id: %v", err)
	}
	if err := s.SetPassword(c, "nobody", "h"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("SetPassword of nobody: %v", err)
	}
	if err := s.DeleteUser(c, "nobody"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("DeleteUser of nobody: %v", err)
	}
	if err := s.Ping(c); err != nil {
		t.Fatal(err)
	}
}

func testSessions(t *testing.T, open opener) {
	s := open(t, Options{})
	c := ctx(t)
	u := newUser(t, s, "ann")
	now := time.Now().Truncate(time.Millisecond)
	a := Session{Hash: "aaaa", UserID: u.ID, Created: now, Expires: now.Add(time.Hour), LastSeen: now}
	b := Session{Hash: "bbbb", UserID: u.ID, Created: now, Expires: now.Add(2 * time.Hour), LastSeen: now}
	for _, ss := range []Session{a, b} {
		if err := s.CreateSession(c, ss); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.CreateSession(c, a); !errors.Is(err, ErrExists) {
		t.Fatalf("the same hash twice: %v", err)
	}
	if err := s.CreateSession(c, Session{Hash: "cccc", UserID: "nobody", Created: now, Expires: now.Add(time.Hour)}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("a session of nobody: %v", err)
	}
	got, err := s.Session(c, "aaaa", now.Add(time.Second))
	if err != nil || got.UserID != u.ID || !got.Expires.Equal(a.Expires) || !got.Created.Equal(now) {
		t.Fatalf("Session = %+v, %v", got, err)
	}
	// Seen marks are written at most once a minute.
	later := now.Add(2 * time.Minute)
	if got, err := s.Session(c, "aaaa", later); err != nil || !got.LastSeen.Equal(later) {
		t.Fatalf("seen two minutes later: %+v, %v", got, err)
	}
	if got, _ := s.Session(c, "aaaa", later.Add(time.Second)); !got.LastSeen.Equal(later) {
		t.Fatalf("last seen not kept: %v, want %v", got.LastSeen, later)
	}
	if _, err := s.Session(c, "aaaa", now.Add(time.Hour)); !errors.Is(err, ErrNotFound) {
		t.Fatalf("an expired session: %v", err)
	}
	if _, err := s.Session(c, "zzzz", now); !errors.Is(err, ErrNotFound) {
		t.Fatalf("an unknown session: %v", err)
	}
	// DeleteSessions keeps one; DeleteSession ends it.
	if err := s.CreateSession(c, Session{Hash: "dddd", UserID: u.ID, Created: now, Expires: now.Add(time.Hour), LastSeen: now}); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteSessions(c, u.ID, "bbbb"); err != nil {
		t.Fatal(err)
	}
	for hash, want := range map[string]bool{"aaaa": false, "bbbb": true, "dddd": false} {
		if _, err := s.Session(c, hash, now); (err == nil) != want {
			t.Fatalf("after DeleteSessions keeping bbbb, session %s: %v", hash, err)
		}
	}
	if err := s.DeleteSession(c, "bbbb"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Session(c, "bbbb", now); !errors.Is(err, ErrNotFound) {
		t.Fatalf("after DeleteSession: %v", err)
	}
	// A new session clears the user's expired ones.
	old := Session{Hash: "eeee", UserID: u.ID, Created: now.Add(-2 * time.Hour), Expires: now.Add(-time.Hour), LastSeen: now.Add(-2 * time.Hour)}
	if err := s.CreateSession(c, old); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateSession(c, Session{Hash: "ffff", UserID: u.ID, Created: now, Expires: now.Add(time.Hour), LastSeen: now}); err != nil {
		t.Fatal(err)
	}
	if n := count(t, s, "SELECT COUNT(*) FROM sessions WHERE hash = 'eeee'"); n != 0 {
		t.Fatal("an expired session outlived the creation of a new one")
	}
}

func testDeleteUser(t *testing.T, open opener) {
	s := open(t, Options{})
	c := ctx(t)
	now := time.Now()
	ann, bob := newUser(t, s, "ann"), newUser(t, s, "bob")
	for _, u := range []User{ann, bob} {
		if err := s.CreateSession(c, Session{Hash: "s-" + u.ID, UserID: u.ID, Created: now, Expires: now.Add(time.Hour), LastSeen: now}); err != nil {
			t.Fatal(err)
		}
		client := "client-" + u.ID[:8]
		push(t, s, u.ID, client, now,
			upsert(1, annID(len(u.Name)), hlcAt(now, 1), annFields("one")),
			upsert(2, annID(len(u.Name)), hlcAt(now, 2), noteField("two")), // a revision
			upsert(3, annID(100+len(u.Name)), hlcAt(now, 3), annFields("x")),
			del(4, annID(100+len(u.Name)), hlcAt(now, 4))) // a tombstone
		if _, err := s.Pull(c, u.ID, client, 0, 10, now); err != nil {
			t.Fatal(err)
		}
	}
	before := snapshot(t, s, bob.ID)
	if err := s.DeleteUser(c, ann.ID); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		"SELECT COUNT(*) FROM users WHERE id = $1",
		"SELECT COUNT(*) FROM sessions WHERE user_id = $1",
		"SELECT COUNT(*) FROM sync_clients WHERE user_id = $1",
		"SELECT COUNT(*) FROM sync_mutations WHERE client_id = 'client-' || substr($1, 1, 8)",
		"SELECT COUNT(*) FROM objects WHERE user_id = $1",
		"SELECT COUNT(*) FROM revisions WHERE user_id = $1",
	} {
		if n := count(t, s, q, ann.ID); n != 0 {
			t.Errorf("after DeleteUser, %s = %d", q, n)
		}
	}
	if _, err := s.UserByName(c, "ann"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("deleted user found: %v", err)
	}
	if _, err := s.Session(c, "s-"+ann.ID, now); !errors.Is(err, ErrNotFound) {
		t.Fatalf("deleted user's session: %v", err)
	}
	if _, err := s.Pull(c, ann.ID, "", 0, 10, now); !errors.Is(err, ErrNotFound) {
		t.Fatalf("pull of a deleted user: %v", err)
	}
	if _, err := s.Push(c, ann.ID, &msync.PushRequest{Protocol: 1, ClientID: "client-new", Mutations: nil}, now); !errors.Is(err, ErrNotFound) {
		t.Fatalf("push of a deleted user: %v", err)
	}
	if after := snapshot(t, s, bob.ID); after != before {
		t.Fatalf("deleting ann changed bob:\n%s\n%s", before, after)
	}
	// The name is free again.
	newUser(t, s, "Ann")
}
