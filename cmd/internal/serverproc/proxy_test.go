package serverproc

import (
	"context"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"margin/cmd/internal/apitest"
)

// "margin serve --trusted-proxy" believes X-Forwarded-Proto from that
// address only: the same request from a server that trusts nobody gets
// no HSTS and a plain cookie.
func TestServeTrustedProxy(t *testing.T) {
	binary(t)
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for _, tc := range []struct {
		args  []string
		https bool
	}{
		{[]string{"--trusted-proxy", "127.0.0.0/8", "--trusted-proxy", "::1"}, true},
		{[]string{"--trusted-proxy", "10.0.0.0/8"}, false},
		{nil, false},
	} {
		p := start(t, filepath.Join(dir, strings.Join(tc.args, "_")), nil, tc.args...)
		c := apitest.New(p.URL)
		r, err := c.JSON(ctx, http.MethodPost, "/api/users", map[string]string{"name": "ada", "password": "a long enough password"},
			"Host", "margin.lan", "X-Forwarded-Proto", "https", "X-Forwarded-For", "198.51.100.1")
		if err != nil {
			t.Fatal(err)
		}
		if r.Status != http.StatusCreated {
			t.Fatalf("%v: sign-up: %s", tc.args, r)
		}
		hsts := r.Header.Get("Strict-Transport-Security")
		cookie := r.Header.Get("Set-Cookie")
		if tc.https {
			if hsts != "max-age=63072000; includeSubDomains" || !strings.HasPrefix(cookie, "__Host-margin_session=") || !strings.Contains(cookie, "; Secure") {
				t.Errorf("%v: HSTS %q, cookie %q", tc.args, hsts, cookie)
			}
		} else if hsts != "" || !strings.HasPrefix(cookie, "margin_session=") || strings.Contains(cookie, "; Secure") {
			t.Errorf("%v: HSTS %q, cookie %q", tc.args, hsts, cookie)
		}
		if tc.https && !p.waitLog("addr=198.51.100.1", 5*time.Second) {
			t.Errorf("%v: the log does not name the forwarded client", tc.args)
		}
		if !tc.https && strings.Contains(p.log.String(), "198.51.100.1") {
			t.Errorf("%v: the log believed a forwarded address", tc.args)
		}
	}

	for _, bad := range []string{"10.0.0.0/33", "proxy.example", "", "fe80::1%eth0"} {
		out, err := margin(t, "", "serve", "--addr", freeAddr(t), "--data", filepath.Join(dir, "bad"), "--trusted-proxy", bad)
		if err == nil || !strings.Contains(out, "-trusted-proxy") {
			t.Errorf("--trusted-proxy %q: %v %q", bad, err, out)
		}
	}
}
