package serverproc

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"margin/cmd/internal/apitest"
	"margin/cmd/internal/pgtest"
)

// Two server processes on one PostgreSQL database: a device's event
// stream on the first hears of a push made through the second within
// 2 s (LISTEN/NOTIFY between the processes).
func TestTwoServersOnOnePostgreSQLNudgeEachOther(t *testing.T) {
	binary(t)
	dsn := pgtest.DSN(t)
	s1 := start(t, t.TempDir(), nil, "--db", dsn)
	s2 := start(t, t.TempDir(), nil, "--db", dsn)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	laptop, phone := apitest.New(s1.URL), apitest.New(s2.URL)
	if r, err := laptop.SignUp(ctx, "ada", password); err != nil || r.Status != http.StatusCreated {
		t.Fatalf("sign up on server 1: %v %v", r, err)
	}
	if r, err := phone.SignIn(ctx, "ada", password); err != nil || r.Status != http.StatusOK {
		t.Fatalf("sign in on server 2: %v %v", r, err)
	}
	status, events, err := laptop.Events(ctx)
	if err != nil || status != http.StatusOK {
		t.Fatalf("events on server 1: %d %v", status, err)
	}
	wait := func(name string) int64 {
		t.Helper()
		timeout := time.After(2 * time.Second)
		for {
			select {
			case ev, ok := <-events:
				if !ok {
					t.Fatal("the event stream ended")
				}
				if ev.Name == "" {
					continue
				}
				if ev.Name != name {
					t.Fatalf("event %+v, want %s", ev, name)
				}
				var v struct{ Seq int64 }
				json.Unmarshal([]byte(ev.Data), &v)
				return v.Seq
			case <-timeout:
				t.Fatalf("no %s event within 2 s", name)
				return 0
			}
		}
	}
	if seq := wait("hello"); seq != 0 {
		t.Errorf("hello seq %d, want 0", seq)
	}
	for round := int64(1); round <= 3; round++ {
		client := apitest.ClientID()
		if r, _, err := phone.Push(ctx, apitest.Creates(client, 1, 1)); err != nil || r.Status != http.StatusOK {
			t.Fatalf("push on server 2: %v %v", r, err)
		}
		if seq := wait("change"); seq != round {
			t.Errorf("change seq %d, want %d", seq, round)
		}
	}
}
