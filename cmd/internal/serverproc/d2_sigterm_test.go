package serverproc

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"margin/cmd/internal/apitest"
)

// D2: SIGTERM reaches the real binary while 50 pushes are in flight.
// Each push is either answered 200 and stored, or failed without any of
// it stored (never stored but answered 5xx); the process exits within
// its 15 s grace period.
func TestD2SigtermWithPushesInFlight(t *testing.T) {
	ctx := context.Background()
	data := t.TempDir()
	// A pause before each commit keeps pushes in flight.
	p := start(t, data, []string{"MARGIN_TEST_FAULT=sleep-before-commit=30ms"})
	owner := apitest.New(p.URL)
	if r, err := owner.SignUp(ctx, "ada", password); err != nil || r.Status != http.StatusCreated {
		t.Fatalf("sign up: %v %v", r, err)
	}
	const pushes, each = 50, 20
	clients := make([]string, pushes)
	statuses := make([]int, pushes)
	var wg sync.WaitGroup
	for i := range pushes {
		clients[i] = apitest.ClientID()
		c := apitest.New(p.URL)
		c.HTTP.Jar = owner.HTTP.Jar
		c.HTTP.Transport = &http.Transport{}
		wg.Go(func() {
			if r, _, err := c.Push(ctx, apitest.Creates(clients[i], 1, each)); err == nil {
				statuses[i] = r.Status
			}
		})
	}
	if !p.waitLog("test fault: pausing before commit", 20*time.Second) {
		t.Fatal("no push reached its commit")
	}
	took := p.stop(t, 20*time.Second)
	t.Logf("exited %v after SIGTERM", took.Round(time.Millisecond))
	if took > 15*time.Second {
		t.Errorf("exit took %v, more than the 15 s grace period", took)
	}
	wg.Wait()

	p = start(t, data, nil)
	owner.Base = p.URL
	answered := 0
	for i, client := range clients {
		recs, last, err := owner.PullAll(ctx, client)
		if err != nil {
			t.Fatal(err)
		}
		mine := 0
		for _, r := range recs {
			if r.Fields["note"].By == client {
				mine++
			}
		}
		switch {
		case statuses[i] == http.StatusOK:
			answered++
			if mine != each || last != each {
				t.Errorf("push %d answered 200, yet %d of its %d are stored (last mutation %d)", i, mine, each, last)
			}
		case statuses[i] >= 500:
			t.Errorf("push %d answered %d", i, statuses[i])
		default:
			if mine != 0 || last != 0 {
				t.Errorf("push %d failed (status %d), yet %d of its mutations are stored", i, statuses[i], mine)
			}
		}
	}
	t.Logf("%d of %d pushes answered 200; the others failed before anything of theirs was stored", answered, pushes)
	if answered == 0 {
		t.Error("no push in flight was let finish")
	}
}
