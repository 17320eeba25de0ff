package extract

import (
	"context"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// articlePage is a page with an article on it and no images, for tests
// that count the requests a fetch makes.
func articlePage(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("testdata/corpus/news-harbour.html")
	if err != nil {
		t.Fatal(err)
	}
	page := regexp.MustCompile(`(?s)<figure.*?</figure>|<meta property="og:image"[^>]*>`).ReplaceAllString(string(b), "")
	if strings.Contains(page, "<img") || strings.Contains(page, "og:image") {
		t.Fatal("the test page still has images")
	}
	return page
}

// wantKind fails the test unless err is an *Error of kind k.
func wantKind(t *testing.T, what string, err error, k Kind) *Error {
	t.Helper()
	if err == nil {
		t.Errorf("%s: imported, want an error of kind %d", what, k)
		return nil
	}
	e, ok := AsError(err)
	if !ok {
		t.Errorf("%s: %v is not an *extract.Error", what, err)
		return nil
	}
	if e.Kind != k {
		t.Errorf("%s: kind %d (%v), want %d", what, e.Kind, err, k)
	}
	return e
}

// redirector answers /to?u=X with a redirect to X.
func redirector(t *testing.T) *counted {
	return serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, r.URL.Query().Get("u"), http.StatusFound)
	}))
}

// TestGuardRefusesPrivate is RELIABILITY.md's X1: every way of reaching
// a private address is refused with the private-network error and the
// target is never reached; only loopback is ever dialled, and with
// AllowPrivate or an AllowHosts entry the loopback import succeeds.
func TestGuardRefusesPrivate(t *testing.T) {
	target := serve(t, htmlHandler(articlePage(t)))
	redir := redirector(t)
	dns := startDNS(t, map[string]string{
		"rebind.test":   "127.0.0.1",
		"metadata.test": "169.254.169.254",
		"intranet.test": "10.1.2.3",
		"cgnat.test":    "100.64.0.1",
	})
	e, dials := newTest(t, Config{Resolver: dns.resolver(), AllowHosts: []string{redir.hostPort()}})
	p := target.port()
	urls := []string{
		"http://127.0.0.1:" + p + "/",
		"http://localhost:" + p + "/",
		"http://[::1]:" + p + "/",
		"http://[::ffff:127.0.0.1]:" + p + "/",
		"http://[::ffff:7f00:1]:" + p + "/",
		"http://169.254.169.254/latest/meta-data/",
		"http://10.0.0.1/",
		"http://100.64.0.1/",
		"http://0.0.0.0:" + p + "/",
		"http://[::]:" + p + "/",
		"http://rebind.test:" + p + "/",
		"http://REBIND.test.:" + p + "/",
		"http://metadata.test/",
		"http://intranet.test/",
		"https://cgnat.test/",
		"http://[fe80::1]/",
		"http://[fd00::1]/",
		"http://[64:ff9b::a9fe:a9fe]/",
		"http://[2002:7f00:1::1]/",
	}
	for _, to := range []string{
		"http://127.0.0.1:" + p + "/", "http://rebind.test:" + p + "/", "http://169.254.169.254/",
		"http://[::ffff:127.0.0.1]:" + p + "/", "http://metadata.test/",
	} {
		urls = append(urls, redir.URL+"/to?u="+to)
	}
	for _, u := range urls {
		_, err := e.Import(context.Background(), u)
		if x := wantKind(t, u, err, KindPrivate); x != nil && x.Message != "That address is on a private network." {
			t.Errorf("%s: message %q", u, x.Message)
		}
	}
	if n := target.hits.Load(); n != 0 {
		t.Errorf("the target was reached %d times", n)
	}
	// The only connections made were to the allow-listed redirector.
	if n := dials.n.Load(); n > redir.hits.Load() {
		t.Errorf("%d dials for %d requests to the redirector", n, redir.hits.Load())
	}
	if dns.queries.Load() == 0 {
		t.Error("the test names were never looked up")
	}

	// An AllowHosts entry for another port lets nothing through.
	other, _ := newTest(t, Config{AllowHosts: []string{"127.0.0.1:1"}})
	_, err := other.Import(context.Background(), target.URL)
	wantKind(t, "allow-listed other port", err, KindPrivate)

	// Allowed explicitly, loopback works: by the exact host:port, or all
	// private addresses at once.
	for name, cfg := range map[string]Config{
		"AllowHosts":   {AllowHosts: []string{target.hostPort()}},
		"AllowPrivate": {AllowPrivate: true, Resolver: dns.resolver()},
	} {
		x, _ := newTest(t, cfg)
		r, err := x.Import(context.Background(), target.URL+"/")
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !strings.Contains(r.Article.Text(), "Residents of Saltwick voted") {
			t.Errorf("%s: the article text is missing", name)
		}
	}
	x, _ := newTest(t, Config{AllowPrivate: true, Resolver: dns.resolver()})
	if _, err := x.Import(context.Background(), "http://rebind.test:"+p+"/"); err != nil {
		t.Errorf("AllowPrivate, by name: %v", err)
	}
	if target.hits.Load() != 3 {
		t.Errorf("the target answered %d times, want 3", target.hits.Load())
	}
}

// TestGuardHygiene is X2: other schemes, credentials in the URL and other
// ports are refused, and proxies named in the environment are ignored.
func TestGuardHygiene(t *testing.T) {
	target := serve(t, htmlHandler(articlePage(t)))
	redir := redirector(t)
	e, _ := newTest(t, Config{AllowHosts: []string{target.hostPort(), redir.hostPort()}})
	hp := target.hostPort()
	for _, u := range []string{
		"file:///etc/passwd", "gopher://" + hp + "/", "ftp://" + hp + "/", "javascript:alert(1)",
		"data:text/html,<p>hi</p>", "http://user:pass@" + hp + "/", "http://user@" + hp + "/",
		"http://93.184.216.34:22/", "https://93.184.216.34:8443/", "not a url", "//" + hp + "/",
		"/relative/path", "", "http:///nohost", "ws://" + hp + "/",
		redir.URL + "/to?u=file:///etc/passwd", redir.URL + "/to?u=http://93.184.216.34:22/",
		redir.URL + "/to?u=ftp://" + hp + "/",
		redir.URL + "/to?u=http://user:pw@" + hp + "/",
	} {
		_, err := e.Import(context.Background(), u)
		wantKind(t, u, err, KindBadURL)
	}
	if n := target.hits.Load(); n != 0 {
		t.Errorf("the target was reached %d times", n)
	}

	proxy := serve(t, htmlHandler("<p>proxied</p>"))
	for _, k := range []string{"HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY"} {
		t.Setenv(k, proxy.URL)
	}
	t.Setenv("NO_PROXY", "")
	p, _ := newTest(t, Config{AllowHosts: []string{hp}})
	if _, err := p.Import(context.Background(), target.URL+"/"); err != nil {
		t.Fatal(err)
	}
	if proxy.hits.Load() != 0 || target.hits.Load() != 1 {
		t.Errorf("proxy hits %d, target hits %d: the environment's proxy was used", proxy.hits.Load(), target.hits.Load())
	}
}

// TestFetchAnswers covers what a reachable site may answer: error
// statuses, other content types, redirect chains, pages without article.
func TestFetchAnswers(t *testing.T) {
	page := articlePage(t)
	var srv *counted
	srv = serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/missing":
			http.NotFound(w, r)
		case r.URL.Path == "/broken":
			http.Error(w, "oops", http.StatusInternalServerError)
		case r.URL.Path == "/pdf":
			w.Header().Set("Content-Type", "application/pdf")
			_, _ = w.Write([]byte("%PDF-1.7"))
		case r.URL.Path == "/json":
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"a":1}`))
		case r.URL.Path == "/untyped-binary":
			w.Header()["Content-Type"] = nil
			_, _ = w.Write([]byte("\x89PNG\r\n\x1a\n\x00\x00"))
		case r.URL.Path == "/untyped-html":
			w.Header()["Content-Type"] = nil
			_, _ = w.Write([]byte(page))
		case r.URL.Path == "/xhtml":
			w.Header().Set("Content-Type", "application/xhtml+xml")
			_, _ = w.Write([]byte(page))
		case r.URL.Path == "/latin1":
			w.Header().Set("Content-Type", "text/html; charset=iso-8859-1")
			_, _ = w.Write([]byte(strings.ReplaceAll(latin1Page, "Z", "\xe9")))
		case r.URL.Path == "/empty":
			w.Header().Set("Content-Type", "text/html")
			_, _ = w.Write([]byte("<html><body><nav><a href=/>Home</a></nav><p>Log in to continue.</p></body></html>"))
		case strings.HasPrefix(r.URL.Path, "/hop/"):
			n, _ := strconv.Atoi(r.URL.Path[len("/hop/"):])
			if n == 0 {
				htmlHandler(page).ServeHTTP(w, r)
				return
			}
			http.Redirect(w, r, "/hop/"+strconv.Itoa(n-1), http.StatusMovedPermanently)
		default:
			htmlHandler(page).ServeHTTP(w, r)
		}
	}))
	e, _ := newTest(t, Config{AllowHosts: []string{srv.hostPort()}})
	imp := func(path string) error {
		_, err := e.Import(context.Background(), srv.URL+path)
		return err
	}
	if x := wantKind(t, "404", imp("/missing"), KindStatus); x != nil && x.Message != "The site answered 404." {
		t.Errorf("404 message %q", x.Message)
	}
	wantKind(t, "500", imp("/broken"), KindStatus)
	for _, p := range []string{"/pdf", "/json", "/untyped-binary"} {
		if x := wantKind(t, p, imp(p), KindNotHTML); x != nil && x.Message != "That address is not a web page." {
			t.Errorf("%s message %q", p, x.Message)
		}
	}
	if x := wantKind(t, "no article", imp("/empty"), KindNoArticle); x != nil && x.Message != "That page has no article text." {
		t.Errorf("no article message %q", x.Message)
	}
	for _, p := range []string{"/untyped-html", "/xhtml", "/hop/5"} {
		if err := imp(p); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
	if x := wantKind(t, "6 redirects", imp("/hop/6"), KindRedirects); x != nil && x.Message != "The site redirected too many times." {
		t.Errorf("redirects message %q", x.Message)
	}
	r, err := e.Import(context.Background(), srv.URL+"/latin1")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(r.Article.Text(), "café") {
		t.Errorf("a Latin-1 page was not decoded: %q", r.Article.Text()[:80])
	}
	few, _ := newTest(t, Config{AllowHosts: []string{srv.hostPort()}, MaxRedirects: 1})
	_, err = few.Import(context.Background(), srv.URL+"/hop/2")
	wantKind(t, "MaxRedirects 1", err, KindRedirects)
}

const latin1Page = `<html><head><title>A cafZ by the river</title></head><body><article><h1>A cafZ by the river</h1>
<p>The cafZ opened in the spring and has been full every morning since, which nobody in the village expected when the old mill was sold.</p>
<p>Its owners roast their own coffee in a shed behind the building and bake bread at four in the morning, before the first walkers arrive.</p>
<p>On Sundays there is a queue along the towpath, and the ducks have learned to wait beside it for crumbs.</p></article></body></html>`
