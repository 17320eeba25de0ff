package server

import (
	"context"
	"fmt"
	"net/http"
	"runtime"
	"runtime/metrics"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"margin/cmd/internal/account"
	"margin/cmd/internal/apitest"
)

// X9: the 11th failed sign-in for one account within a minute is refused
// with 429 and Retry-After, even with the right password, and the
// lock-out is logged once; other accounts are not locked.
func TestX9SignInLockout(t *testing.T) {
	srv := newAPIServer(t)
	ctx := context.Background()
	srv.user(t, "ada")
	srv.user(t, "bob")
	c := apitest.New(srv.URL)
	for i := range 10 {
		r := must(t)(c.SignIn(ctx, "ada", "wrong password"))
		wantStatus(t, fmt.Sprintf("wrong password %d", i+1), r, http.StatusUnauthorized, "bad_credentials")
	}
	for _, pw := range []string{"wrong password", password} {
		r := must(t)(c.SignIn(ctx, "ADA", pw)) // names are one account whatever their case
		wantStatus(t, "attempt during the lock-out", r, http.StatusTooManyRequests, "rate_limited")
		if s, err := strconv.Atoi(r.Header.Get("Retry-After")); err != nil || s < 1 || s > 60 {
			t.Errorf("Retry-After %q, want 1 to 60 seconds", r.Header.Get("Retry-After"))
		}
		if len(r.Header.Values("Set-Cookie")) != 0 {
			t.Error("a refused sign-in set a cookie")
		}
	}
	if n := strings.Count(srv.Log.String(), "sign-in attempts locked out"); n != 1 {
		t.Errorf("%d lock-out log lines, want 1:\n%s", n, srv.Log.String())
	}
	if !strings.Contains(srv.Log.String(), "level=WARN") {
		t.Error("the lock-out is not logged as a warning")
	}
	wantStatus(t, "another account", must(t)(apitest.New(srv.URL).SignIn(ctx, "bob", password)), http.StatusOK, "")
}

// X9: one address may try only so many accounts; unknown names count.
func TestX9SignInLimitPerAddress(t *testing.T) {
	srv := newAPIServer(t, func(c *Config) { c.Limits.SignInPerAddress = 5 })
	ctx := context.Background()
	srv.user(t, "ada")
	c := apitest.New(srv.URL)
	for i := range 5 {
		wantStatus(t, "guess", must(t)(c.SignIn(ctx, fmt.Sprintf("nobody%d", i), "guess guess")), http.StatusUnauthorized, "bad_credentials")
	}
	r := must(t)(c.SignIn(ctx, "ada", password))
	wantStatus(t, "sixth account from one address", r, http.StatusTooManyRequests, "rate_limited")
	if r.Header.Get("Retry-After") == "" {
		t.Error("no Retry-After")
	}
}

// X9: the session cookie is __Host- prefixed, Secure, HttpOnly,
// SameSite=Lax and Path=/ whenever the browser takes such a cookie.
func TestX9SessionCookieAttributes(t *testing.T) {
	srv := newAPIServer(t)
	https := newAPIServer(t, func(c *Config) { c.PublicURL = "https://margin.example" })
	for _, tc := range []struct {
		name, base, host, cookie string
		secure                   bool
	}{
		{"127.0.0.1", srv.URL, "", "__Host-margin_session", true},
		{"localhost", srv.URL, "localhost", "__Host-margin_session", true},
		{"[::1]", srv.URL, "[::1]:8080", "__Host-margin_session", true},
		{"LAN name over http", srv.URL, "margin.lan:8080", "margin_session", false},
		{"behind an https proxy", https.URL, "margin.example", "__Host-margin_session", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			name := strings.NewReplacer(".", "", "[", "", "]", "", ":", "", " ", "").Replace(tc.name)
			r := must(t)(apitest.New(tc.base).JSON(context.Background(), http.MethodPost, "/api/users",
				map[string]string{"name": name, "password": password}, "Host", tc.host))
			wantStatus(t, "sign up", r, http.StatusCreated, "")
			cookies := r.Header.Values("Set-Cookie")
			if len(cookies) != 1 {
				t.Fatalf("Set-Cookie %q, want one", cookies)
			}
			c, err := http.ParseSetCookie(cookies[0])
			if err != nil {
				t.Fatal(err)
			}
			if c.Name != tc.cookie || c.Secure != tc.secure || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Domain != "" {
				t.Errorf("cookie %q; want %s, Secure %v, HttpOnly, SameSite=Lax, Path=/, no Domain", cookies[0], tc.cookie, tc.secure)
			}
			if c.MaxAge < int((account.SessionTTL - time.Minute).Seconds()) {
				t.Errorf("cookie lasts %d s, want 30 days", c.MaxAge)
			}
			if _, ok := account.SessionHash(c.Value); !ok {
				t.Errorf("cookie value %q is not a session secret", c.Value)
			}
		})
	}
}

// sessionCookie returns the session cookie a response set.
func sessionCookie(t *testing.T, r *apitest.Response) string {
	t.Helper()
	for _, v := range r.Header.Values("Set-Cookie") {
		if c, err := http.ParseSetCookie(v); err == nil && c.Name == sessionCookieSecure && c.Value != "" {
			return c.Value
		}
	}
	t.Fatalf("no session cookie in %q", r.Header.Values("Set-Cookie"))
	return ""
}

// withCookie asks for the signed-in user with only the given cookie.
func withCookie(t *testing.T, base, cookie string) *apitest.Response {
	t.Helper()
	return must(t)(apitest.New(base).Do(context.Background(), http.MethodGet, "/api/session", nil,
		"Cookie", sessionCookieSecure+"="+cookie))
}

// X9: every sign-in gives a new session id and ends the one the browser
// had; after sign-out the old cookie is worthless.
func TestX9SessionRotationAndSignOut(t *testing.T) {
	srv := newAPIServer(t)
	ctx := context.Background()
	c := apitest.New(srv.URL)
	up := sessionCookie(t, must(t)(c.SignUp(ctx, "ada", password)))
	in1 := sessionCookie(t, must(t)(c.SignIn(ctx, "ada", password)))
	in2 := sessionCookie(t, must(t)(c.SignIn(ctx, "ada", password)))
	if up == in1 || in1 == in2 || up == in2 {
		t.Fatal("sign-in kept the session id")
	}
	for _, old := range []string{up, in1} {
		wantStatus(t, "session replaced at sign-in", withCookie(t, srv.URL, old), http.StatusUnauthorized, "signed_out")
	}
	wantStatus(t, "current session", withCookie(t, srv.URL, in2), http.StatusOK, "")

	r := must(t)(c.Do(ctx, http.MethodDelete, "/api/session?erase=1", nil))
	wantStatus(t, "sign out", r, http.StatusNoContent, "")
	if got := r.Header.Get("Clear-Site-Data"); got != `"cache", "storage"` {
		t.Errorf("Clear-Site-Data %q", got)
	}
	wantStatus(t, "cookie after sign-out", withCookie(t, srv.URL, in2), http.StatusUnauthorized, "signed_out")
	wantStatus(t, "client after sign-out", must(t)(c.Do(ctx, http.MethodGet, "/api/session", nil)), http.StatusUnauthorized, "signed_out")
	wantStatus(t, "signing out twice", must(t)(c.Do(ctx, http.MethodDelete, "/api/session", nil)), http.StatusNoContent, "")
	for _, forged := range []string{"", "x", strings.Repeat("A", 43), in2 + "A"} {
		wantStatus(t, "forged cookie", withCookie(t, srv.URL, forged), http.StatusUnauthorized, "signed_out")
	}
}

// X9: 200 sign-ins at once with OWASP's argon2id parameters queue for
// the hasher instead of each holding 19 MiB: the heap grows by a bounded
// amount, and every sign-in succeeds.
func TestX9ParallelSignInsBoundedMemory(t *testing.T) {
	srv := newAPIServer(t, func(c *Config) {
		c.Hasher = account.NewHasher(account.DefaultParams, 0)
		c.Limits.SignInPerAccount = 1000
		c.Limits.SignInPerAddress = 1000
	})
	srv.user(t, "ada")

	const heap = "/memory/classes/heap/objects:bytes"
	sample := []metrics.Sample{{Name: heap}}
	read := func() uint64 { metrics.Read(sample); return sample[0].Value.Uint64() }
	runtime.GC()
	base := read()
	var peak uint64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				peak = max(peak, read())
			}
		}
	}()

	const n = 200
	var wg sync.WaitGroup
	statuses := make([]int, n)
	for i := range n {
		wg.Go(func() {
			r, err := apitest.New(srv.URL).SignIn(context.Background(), "ada", password)
			if err != nil {
				t.Error(err)
				return
			}
			statuses[i] = r.Status
		})
	}
	wg.Wait()
	close(stop)
	<-sampled
	for i, s := range statuses {
		if s != http.StatusOK {
			t.Fatalf("sign-in %d: status %d", i, s)
		}
	}
	perHash := uint64(account.DefaultParams.Memory) << 10
	budget := 4*uint64(runtime.GOMAXPROCS(0))*perHash + 64<<20
	growth := int64(peak) - int64(base)
	t.Logf("heap grew by %d MiB at most (budget %d MiB; unbounded would be about %d MiB)", growth>>20, budget>>20, n*perHash>>20)
	if growth > int64(budget) {
		t.Errorf("heap grew by %d MiB during %d parallel sign-ins; budget %d MiB", growth>>20, n, budget>>20)
	}
}

// X9: signing in as an unknown user takes as long as with a wrong
// password (medians within 20 %), so the time does not tell which names
// have accounts.
func TestX9UnknownUserTakesAsLongAsWrongPassword(t *testing.T) {
	srv := newAPIServer(t, func(c *Config) {
		c.Hasher = account.NewHasher(account.DefaultParams, 0)
		c.Limits.SignInPerAccount = 1000
		c.Limits.SignInPerAddress = 1000
	})
	srv.user(t, "ada")
	c := apitest.New(srv.URL)
	attempt := func(name string) time.Duration {
		// Each hash leaves 19 MiB of garbage; collecting it first keeps
		// one attempt from paying for the one before.
		runtime.GC()
		start := time.Now()
		r := must(t)(c.SignIn(context.Background(), name, "not the password"))
		d := time.Since(start)
		wantStatus(t, "sign in as "+name, r, http.StatusUnauthorized, "bad_credentials")
		return d
	}
	attempt("ada") // warm up connections and caches
	attempt("nobody")
	const tries = 15
	var known, unknown []time.Duration
	for i := range tries {
		if i%2 == 0 {
			known = append(known, attempt("ada"))
			unknown = append(unknown, attempt("nobody"))
		} else {
			unknown = append(unknown, attempt("nobody"))
			known = append(known, attempt("ada"))
		}
	}
	slices.Sort(known)
	slices.Sort(unknown)
	k, u := known[tries/2], unknown[tries/2]
	diff := float64(u-k) / float64(k)
	t.Logf("median sign-in: wrong password %v, unknown user %v (%+.1f%%)", k, u, 100*diff)
	if diff < -0.2 || diff > 0.2 {
		t.Errorf("unknown user %v against wrong password %v: %+.0f%%, want within ±20%%", u, k, 100*diff)
	}
}
