package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"runtime/metrics"
	"strings"
	"testing"
	"time"

	"margin/cmd/internal/apitest"
)

// next returns the next named event from ch, within 2 s.
func next(t *testing.T, ch <-chan apitest.Event) apitest.Event {
	t.Helper()
	timeout := time.After(2 * time.Second)
	for {
		select {
		case ev, ok := <-ch:
			if !ok {
				t.Fatal("the event stream ended")
			}
			if ev.Name != "" {
				return ev
			}
		case <-timeout:
			t.Fatal("no event within 2 s")
		}
	}
}

func seq(t *testing.T, ev apitest.Event) int64 {
	t.Helper()
	var v struct {
		Seq int64 `json:"seq"`
	}
	if err := json.Unmarshal([]byte(ev.Data), &v); err != nil {
		t.Fatalf("event data %q: %v", ev.Data, err)
	}
	return v.Seq
}

// A device's event stream says hello with the change counter, then
// "change" when another device of the same user pushes a change, and
// nothing for another user's changes.
func TestEventsNudgeOtherDevices(t *testing.T) {
	srv := newAPIServer(t, func(c *Config) { c.Timeouts.Heartbeat = 50 * time.Millisecond })
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	phone, laptop := srv.user(t, "ada"), apitest.New(srv.URL)
	laptop.SignIn(ctx, "ada", password)
	other := srv.user(t, "bob")
	phone.Push(ctx, apitest.Creates(apitest.ClientID(), 1, 2))

	status, ch, err := laptop.Events(ctx)
	if err != nil || status != http.StatusOK {
		t.Fatalf("events: %d %v", status, err)
	}
	hello := next(t, ch)
	if hello.Name != "hello" || seq(t, hello) != 2 {
		t.Fatalf("first event %+v, want hello with seq 2", hello)
	}
	other.Push(ctx, apitest.Creates(apitest.ClientID(), 1, 1))
	phone.Push(ctx, apitest.Creates(apitest.ClientID(), 1, 3))
	ev := next(t, ch)
	if ev.Name != "change" || seq(t, ev) != 5 {
		t.Errorf("event %+v, want change with seq 5", ev)
	}
	// Pings keep an idle stream alive.
	timeout := time.After(2 * time.Second)
	for pinged := false; !pinged; {
		select {
		case ev := <-ch:
			pinged = ev.Name == "" && ev.Data == "ping"
			if ev.Name != "" {
				t.Errorf("unexpected event %+v", ev)
			}
		case <-timeout:
			t.Fatal("no ping")
		}
	}
}

// ended waits up to 5 s for ch to close.
func ended(t *testing.T, what string, ch <-chan apitest.Event) {
	t.Helper()
	timeout := time.After(5 * time.Second)
	for {
		select {
		case _, ok := <-ch:
			if !ok {
				return
			}
		case <-timeout:
			t.Fatalf("%s goes on", what)
		}
	}
}

// Event streams are capped: beyond the cap per user a new stream ends
// the user's oldest; beyond the total cap a new one is refused. Signing
// out ends the session's streams.
func TestEventsLimitsAndSignOut(t *testing.T) {
	srv := newAPIServer(t, func(c *Config) { c.Limits.StreamsPerUser = 2; c.Limits.Streams = 3 })
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c := srv.user(t, "ada")
	open := func(c *apitest.Client) <-chan apitest.Event {
		t.Helper()
		status, ch, err := c.Events(ctx)
		if err != nil || status != http.StatusOK {
			t.Fatalf("events: %d %v", status, err)
		}
		if ev := next(t, ch); ev.Name != "hello" {
			t.Fatalf("first event %+v", ev)
		}
		return ch
	}
	first, second := open(c), open(c)
	third := open(c)
	ended(t, "the oldest stream beyond the cap per user", first)
	bob := srv.user(t, "bob")
	open(bob)
	if status, _, _ := bob.Events(ctx); status != http.StatusTooManyRequests {
		t.Errorf("a stream beyond the total cap: %d, want 429", status)
	}
	c.Do(ctx, http.MethodDelete, "/api/session", nil)
	ended(t, "a signed-out session's stream", second)
	ended(t, "a signed-out session's stream", third)
	if n := srv.hub.len(); n != 1 {
		t.Errorf("%d streams open, want bob's one", n)
	}
}

// Shutting down ends the event streams at once rather than waiting for
// them until the grace period is over.
func TestEventsEndAtShutdown(t *testing.T) {
	st, _ := openStore(t)
	s := newServerOn(t, st, discard, func(c *Config) { c.Timeouts = Timeouts{Shutdown: 30 * time.Second} })
	ln := listen(t)
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	c := apitest.New("http://" + ln.Addr().String())
	if r, err := c.SignUp(context.Background(), "ada", password); err != nil || r.Status != http.StatusCreated {
		t.Fatalf("sign up: %v %v", r, err)
	}
	var streams []<-chan apitest.Event
	for range 3 {
		status, ch, err := c.Events(context.Background())
		if err != nil || status != http.StatusOK {
			t.Fatalf("events: %d %v", status, err)
		}
		next(t, ch)
		streams = append(streams, ch)
	}
	stopped := time.Now()
	stop()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Serve: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("open event streams held the shutdown up")
	}
	t.Logf("stopped in %v with 3 streams open", time.Since(stopped))
	for _, ch := range streams {
		for range ch {
		}
	}
}

// A thousand open event streams cost little memory: no goroutine and no
// buffers each (about 1 KiB of heap each when measured; the budget is
// 8 KiB, where a goroutine and net/http's buffers per stream take 27).
func TestEventsThousandStreamsAreCheap(t *testing.T) {
	st, _ := openStore(t)
	s := newServerOn(t, st, discard)
	base := served(t, s)
	var cookies []string
	for u := range 50 {
		c := apitest.New(base)
		if r, err := c.SignUp(context.Background(), fmt.Sprintf("user%d", u), password); err != nil || r.Status != http.StatusCreated {
			t.Fatalf("sign up: %v %v", r, err)
		}
		u, _ := url.Parse(base)
		ck := c.HTTP.Jar.Cookies(u)[0]
		cookies = append(cookies, ck.Name+"="+ck.Value)
		c.HTTP.CloseIdleConnections()
	}
	memory := func() int64 {
		runtime.GC()
		sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/memory/classes/heap/stacks:bytes"}}
		metrics.Read(sample)
		return int64(sample[0].Value.Uint64() + sample[1].Value.Uint64())
	}
	before := memory()
	const n = 1000
	conns := make([]net.Conn, 0, n)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for i := range n {
		// Raw connections that never read: the client side costs next
		// to nothing, so the growth is the server's.
		conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, conn)
		fmt.Fprintf(conn, "GET /api/sync/events HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: %s\r\n\r\n", cookies[i%len(cookies)])
	}
	for deadline := time.Now().Add(20 * time.Second); s.hub.len() < n; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d streams open after 20 s", s.hub.len(), n)
		}
	}
	growth := memory() - before
	t.Logf("%d streams: %d KiB of heap and stacks, %d bytes each", n, growth>>10, growth/n)
	if growth > n*8<<10 {
		t.Errorf("%d streams take %d KiB, more than 8 KiB each", n, growth>>10)
	}
}
