package server

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"
)

// proxied returns a server that trusts the given proxies.
func proxied(t *testing.T, proxies ...string) *Server {
	t.Helper()
	var ps []netip.Prefix
	for _, p := range proxies {
		ps = append(ps, netip.MustParsePrefix(p))
	}
	s, err := New(Config{Articles: lib, Web: webFS(), TrustedProxies: ps, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// request is a GET from peer with the header's name/value pairs.
func request(peer string, header ...string) *http.Request {
	r := httptest.NewRequest(http.MethodGet, "/api/articles", nil)
	r.RemoteAddr = peer
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Add(header[i], header[i+1])
	}
	return r
}

func TestClientAddressBehindProxies(t *testing.T) {
	s := proxied(t, "10.0.0.0/8", "fd00::/8", "192.0.2.7/32")
	for _, tc := range []struct {
		name   string
		peer   string
		header []string
		want   string
	}{
		{"no header", "203.0.113.5:4000", nil, "203.0.113.5"},
		{"spoofed from an untrusted peer", "203.0.113.5:4000", []string{"X-Forwarded-For", "198.51.100.1"}, "203.0.113.5"},
		{"spoofed Forwarded from an untrusted peer", "203.0.113.5:4000", []string{"Forwarded", "for=198.51.100.1"}, "203.0.113.5"},
		{"trusted proxy", "10.1.2.3:4000", []string{"X-Forwarded-For", "198.51.100.1"}, "198.51.100.1"},
		{"trusted proxy without a header", "10.1.2.3:4000", nil, "10.1.2.3"},
		// The client wrote 6.6.6.6 itself; the first proxy saw 198.51.100.1.
		{"client-supplied left part", "10.1.2.3:4000", []string{"X-Forwarded-For", "6.6.6.6, 198.51.100.1, 10.9.9.9"}, "198.51.100.1"},
		{"two header lines", "10.1.2.3:4000", []string{"X-Forwarded-For", "6.6.6.6", "X-Forwarded-For", "198.51.100.1"}, "198.51.100.1"},
		{"a chain of trusted proxies only", "10.1.2.3:4000", []string{"X-Forwarded-For", "10.5.5.5, 10.6.6.6"}, "10.5.5.5"},
		{"malformed X-Forwarded-For", "10.1.2.3:4000", []string{"X-Forwarded-For", "198.51.100.1, <script>"}, "10.1.2.3"},
		{"empty element", "10.1.2.3:4000", []string{"X-Forwarded-For", "198.51.100.1,,"}, "10.1.2.3"},
		{"hostname", "10.1.2.3:4000", []string{"X-Forwarded-For", "evil.example"}, "10.1.2.3"},
		{"Forwarded", "10.1.2.3:4000", []string{"Forwarded", `for=6.6.6.6, for=198.51.100.1;proto=https, for="10.9.9.9"`}, "198.51.100.1"},
		{"Forwarded wins over X-Forwarded-For", "10.1.2.3:4000", []string{"Forwarded", "for=198.51.100.2", "X-Forwarded-For", "198.51.100.3"}, "198.51.100.2"},
		{"Forwarded IPv6 with port", "10.1.2.3:4000", []string{"Forwarded", `for="[2001:db8:1:2::9]:443"`}, "2001:db8:1:2::/64"},
		{"Forwarded obfuscated", "10.1.2.3:4000", []string{"Forwarded", "for=_hidden"}, "10.1.2.3"},
		{"Forwarded unknown", "10.1.2.3:4000", []string{"Forwarded", "for=unknown"}, "10.1.2.3"},
		{"Forwarded unterminated quote", "10.1.2.3:4000", []string{"Forwarded", `for="198.51.100.1`}, "10.1.2.3"},
		{"Forwarded without for", "10.1.2.3:4000", []string{"Forwarded", "proto=https"}, "10.1.2.3"},
		{"IPv6 proxy, IPv6 client", "[fd00::1]:4000", []string{"X-Forwarded-For", "2001:db8:aa:bb::1"}, "2001:db8:aa:bb::/64"},
		{"IPv6 untrusted peer", "[2001:db8::1]:4000", []string{"X-Forwarded-For", "198.51.100.1"}, "2001:db8::/64"},
		{"IPv4-mapped proxy address", "[::ffff:10.1.2.3]:4000", []string{"X-Forwarded-For", "198.51.100.1"}, "198.51.100.1"},
		{"single trusted address", "192.0.2.7:80", []string{"X-Forwarded-For", "198.51.100.1"}, "198.51.100.1"},
		{"its neighbour is not", "192.0.2.8:80", []string{"X-Forwarded-For", "198.51.100.1"}, "192.0.2.8"},
		{"oversized header", "10.1.2.3:4000", []string{"X-Forwarded-For", strings.Repeat("1.", 5000) + "1"}, "10.1.2.3"},
	} {
		if got := s.clientAddress(request(tc.peer, tc.header...)); got != tc.want {
			t.Errorf("%s: client %q, want %q", tc.name, got, tc.want)
		}
	}
	// Without trusted proxies nobody's headers count.
	plain := proxied(t)
	if got := plain.clientAddress(request("10.1.2.3:4000", "X-Forwarded-For", "198.51.100.1")); got != "10.1.2.3" {
		t.Errorf("no trusted proxies: client %q", got)
	}
}

// A trusted proxy's word on https decides HSTS, the session cookie's
// name and Secure flag, and the scheme of absolute links; from anyone
// else the same headers change nothing.
func TestHTTPSBehindProxies(t *testing.T) {
	s := proxied(t, "10.0.0.0/8")
	for _, tc := range []struct {
		name   string
		peer   string
		header []string
		https  bool
	}{
		{"trusted, X-Forwarded-Proto https", "10.1.2.3:1", []string{"X-Forwarded-Proto", "https"}, true},
		{"trusted, Forwarded proto=https", "10.1.2.3:1", []string{"Forwarded", "for=198.51.100.1;proto=https"}, true},
		{"trusted, last proxy spoke http", "10.1.2.3:1", []string{"X-Forwarded-Proto", "https, http"}, false},
		{"trusted, no header", "10.1.2.3:1", nil, false},
		{"trusted, junk proto", "10.1.2.3:1", []string{"X-Forwarded-Proto", "gopher"}, false},
		{"trusted, malformed Forwarded", "10.1.2.3:1", []string{"Forwarded", "proto"}, false},
		{"untrusted, X-Forwarded-Proto https", "203.0.113.5:1", []string{"X-Forwarded-Proto", "https"}, false},
		{"untrusted, Forwarded proto=https", "203.0.113.5:1", []string{"Forwarded", "proto=https"}, false},
	} {
		r := request(tc.peer, tc.header...)
		r.Host = "margin.lan" // not loopback: only https makes the context secure
		if got := s.isHTTPS(r); got != tc.https {
			t.Errorf("%s: https %v", tc.name, got)
		}
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		hsts := w.Header().Get("Strict-Transport-Security")
		if tc.https != (hsts == "max-age=63072000; includeSubDomains") || (!tc.https && hsts != "") {
			t.Errorf("%s: Strict-Transport-Security %q", tc.name, hsts)
		}
		if want := map[bool]string{true: "https://margin.lan", false: "http://margin.lan"}[tc.https]; s.origin(r) != want {
			t.Errorf("%s: origin %q", tc.name, s.origin(r))
		}
		w = httptest.NewRecorder()
		s.sessionCookie(w, r, "x", time.Now().Add(time.Hour))
		cookie := w.Header().Get("Set-Cookie")
		if tc.https != (strings.HasPrefix(cookie, "__Host-margin_session=") && strings.Contains(cookie, "; Secure")) {
			t.Errorf("%s: cookie %q", tc.name, cookie)
		}
	}
}
