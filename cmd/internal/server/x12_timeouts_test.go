package server

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// served starts s on a loopback listener with Serve, stopped when the
// test ends, and returns its base URL.
func served(t *testing.T, s *Server) string {
	t.Helper()
	ln := listen(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Serve: %v", err)
			}
		case <-time.After(20 * time.Second):
			t.Error("the server did not stop")
		}
	})
	return "http://" + ln.Addr().String()
}

// goroutines returns the number of goroutines once it has stayed the
// same for 100 ms (at most 5 s).
func goroutines() int {
	n, same := runtime.NumGoroutine(), 0
	for deadline := time.Now().Add(5 * time.Second); same < 5 && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
		if m := runtime.NumGoroutine(); m == n {
			same++
		} else {
			n, same = m, 0
		}
	}
	return n
}

// settle waits up to 10 s for the goroutine count to fall to at most
// base and returns the last count.
func settle(base int) int {
	n := runtime.NumGoroutine()
	for deadline := time.Now().Add(10 * time.Second); n > base && time.Now().Before(deadline); n = runtime.NumGoroutine() {
		time.Sleep(20 * time.Millisecond)
	}
	return n
}

// healthy checks that another client is served meanwhile.
func healthy(t *testing.T, base string) {
	t.Helper()
	tr := &http.Transport{DisableKeepAlives: true}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr, Timeout: 10 * time.Second}).Get(base + "/healthz")
	if err != nil {
		t.Fatalf("another client: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("another client: status %d", resp.StatusCode)
	}
}

// closedWithin reads from conn until the server closes it, for at most
// d, and reports whether it did and how many bytes came.
func closedWithin(conn net.Conn, d time.Duration) (bool, int64) {
	conn.SetReadDeadline(time.Now().Add(d))
	n, err := io.Copy(io.Discard, conn)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return false, n
	}
	return true, n
}

// X12: a client sending its request headers at one byte a second is cut
// off by ReadHeaderTimeout; other clients are served meanwhile; the
// server's goroutines return to their number before.
func TestX12SlowHeadersCutByReadHeaderTimeout(t *testing.T) {
	st, _ := openStore(t)
	s := newServerOn(t, st, discard, func(c *Config) {
		c.Timeouts = Timeouts{ReadHeader: time.Second, Read: 2 * time.Second, Write: 2 * time.Second, Idle: 2 * time.Second}
	})
	base := served(t, s)
	healthy(t, base)
	before := goroutines()

	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	closed := make(chan bool, 1)
	go func() {
		ok, _ := closedWithin(conn, 15*time.Second)
		closed <- ok
	}()
	request := "GET /healthz HTTP/1.1\r\nHost: margin\r\nX-Slow: " + strings.Repeat("a", 20) + "\r\n\r\n"
	cut := false
	for i := 0; i < len(request) && !cut; i++ {
		if _, err := conn.Write([]byte{request[i]}); err != nil {
			cut = true
			break
		}
		if i == 1 {
			healthy(t, base)
		}
		select {
		case ok := <-closed:
			cut = ok
			if !ok {
				t.Fatal("the slow client was not cut off within 15 s")
			}
		case <-time.After(time.Second):
		}
	}
	if !cut {
		t.Fatal("the server read the whole request at a byte a second")
	}
	healthy(t, base)
	if n := settle(before); n > before {
		t.Errorf("%d goroutines after the slow client, %d before", n, before)
	}
}

// X12: a client that never reads a large answer is cut off by
// WriteTimeout; the handler's goroutine ends; other clients are served.
func TestX12UnreadAnswerCutByWriteTimeout(t *testing.T) {
	st, _ := openStore(t)
	web := webFS()
	const size = 32 << 20
	web["big.bin"] = &fstest.MapFile{Data: make([]byte, size)}
	s := newServerOn(t, st, discard, func(c *Config) {
		c.Web = web
		c.Timeouts = Timeouts{ReadHeader: time.Second, Read: 2 * time.Second, Write: time.Second, Idle: 2 * time.Second}
	})
	base := served(t, s)
	healthy(t, base)
	before := goroutines()

	// The answer is larger than the sockets' buffers on both sides can
	// hold, so the server's write blocks.
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, "GET /web/big.bin HTTP/1.1\r\nHost: margin\r\nAccept-Encoding: identity\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	// The client reads nothing; the server's write blocks until its
	// deadline, then its goroutine ends while the client still waits.
	time.Sleep(200 * time.Millisecond)
	healthy(t, base)
	time.Sleep(time.Second) // past the write deadline
	if n := settle(before); n > before {
		t.Errorf("%d goroutines while the client still holds the connection, %d before: the write was not cut off", n, before)
	}
	closed, n := closedWithin(conn, 10*time.Second)
	if !closed || n >= size {
		t.Errorf("the unread answer: closed %v after %d of %d bytes; want it cut short", closed, n, size)
	}
	healthy(t, base)
}
