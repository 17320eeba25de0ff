package extract

import (
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"sync/atomic"
	"testing"
)

// counted is a loopback test server that counts the requests it answers.
type counted struct {
	*httptest.Server
	hits atomic.Int64
}

// serve starts a loopback server for h; it is closed when the test ends.
func serve(t *testing.T, h http.Handler) *counted {
	t.Helper()
	c := &counted{}
	c.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.hits.Add(1)
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(c.Close)
	return c
}

// hostPort is the server's "127.0.0.1:port".
func (c *counted) hostPort() string {
	u, _ := url.Parse(c.URL)
	return u.Host
}

// port is the server's port, as text.
func (c *counted) port() string {
	_, p, _ := net.SplitHostPort(c.hostPort())
	return p
}

// dials counts the connections a test extractor really made.
type dials struct{ n atomic.Int64 }

// newTest is New(cfg) made safe for tests: whatever the guard decides,
// only loopback is ever dialled. A dial the guard lets through to any
// other address is aborted in the Control hook, before connect(), and
// fails the test.
func newTest(t *testing.T, cfg Config) (*Extractor, *dials) {
	t.Helper()
	e := New(cfg)
	d := &dials{}
	e.guard.onDial = func(network, address string) error {
		ap, err := netip.ParseAddrPort(address)
		if err != nil || !ap.Addr().Unmap().IsLoopback() {
			t.Errorf("the guard let a dial to %s through", address)
			return errors.New("test: only loopback is dialled")
		}
		d.n.Add(1)
		return nil
	}
	t.Cleanup(e.guard.closeIdle)
	return e, d
}

// htmlHandler answers every request with page as text/html.
func htmlHandler(page string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(page))
	})
}
