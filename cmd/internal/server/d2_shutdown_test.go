package server

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"margin/cmd/internal/apitest"
	"margin/cmd/internal/store"
)

// D2, in process: the server is told to stop while 50 pushes are in
// flight. Each push either commits and is answered 200, or fails before
// anything of it commits; Serve returns within the grace period, and no
// goroutine is left behind once the store is closed.
func TestD2GracefulShutdownInProcess(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	reached := make(chan struct{}, 100)
	st, path := openStore(t, func(o *store.Options) {
		o.Hooks.BeforeCommit = func(context.Context) error {
			select {
			case reached <- struct{}{}:
			default:
			}
			time.Sleep(20 * time.Millisecond) // keep pushes in flight
			return nil
		}
	})
	const grace = 15 * time.Second
	s := newServerOn(t, st, discard, func(c *Config) { c.Timeouts = Timeouts{Shutdown: grace} })
	ln := listen(t)
	base := "http://" + ln.Addr().String()
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()

	owner := apitest.New(base)
	if r, err := owner.SignUp(context.Background(), "ada", password); err != nil || r.Status != http.StatusCreated {
		t.Fatalf("sign up: %v %v", r, err)
	}
	const pushes, each = 50, 20
	clients := make([]string, pushes)
	statuses := make([]int, pushes)
	var transports []*http.Transport
	var wg sync.WaitGroup
	for i := range pushes {
		clients[i] = apitest.ClientID()
		c := apitest.New(base)
		c.HTTP.Jar = owner.HTTP.Jar
		tr := &http.Transport{}
		transports = append(transports, tr)
		c.HTTP.Transport = tr
		wg.Go(func() {
			r, _, err := c.Push(context.Background(), apitest.Creates(clients[i], 1, each))
			if err == nil {
				statuses[i] = r.Status
			}
		})
	}
	<-reached
	stopped := time.Now()
	stop()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Serve: %v", err)
		}
	case <-time.After(grace + 5*time.Second):
		t.Fatal("Serve did not return within the grace period")
	}
	t.Logf("drained in %v", time.Since(stopped))
	wg.Wait()
	for _, tr := range transports {
		tr.CloseIdleConnections()
	}
	owner.HTTP.CloseIdleConnections()
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}

	// What the database holds, read afresh.
	st2, err := store.Open(context.Background(), store.Options{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	defer st2.Close()
	u, err := st2.UserByName(context.Background(), "ada")
	if err != nil {
		t.Fatal(err)
	}
	answered := 0
	for i, client := range clients {
		page, err := st2.Pull(context.Background(), u.ID, client, 0, 1000, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		var last int64
		if page.LastMutationID != nil {
			last = *page.LastMutationID
		}
		mine := 0
		for _, rec := range page.Changes {
			if rec.Fields["note"].By == client {
				mine++
			}
		}
		switch {
		case statuses[i] == http.StatusOK:
			answered++
			if last != each || mine != each {
				t.Errorf("push %d answered 200 but %d of its %d mutations are stored (last %d)", i, mine, each, last)
			}
		case statuses[i] >= 500:
			t.Errorf("push %d answered %d", i, statuses[i])
		default:
			if last != 0 || mine != 0 {
				t.Errorf("push %d failed (status %d) yet %d of its mutations are stored", i, statuses[i], mine)
			}
		}
	}
	t.Logf("%d of %d pushes answered 200 before the server stopped", answered, pushes)
	if answered == 0 {
		t.Error("no push in flight was let finish")
	}
}
