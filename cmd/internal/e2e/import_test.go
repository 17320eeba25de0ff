package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"margin/app/client"
	"margin/app/library"
	"margin/cmd/internal/apitest"
)

// The import tests run the real binary, allowed to fetch from one
// loopback page server, and import through the API.

// importedSentence is a sentence of the imported page's article.
const importedSentence = "The lighthouse keeper logged every ship that passed the point"

// tinyPNG is a 1×1 PNG, the imported article's picture.
var tinyPNG = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa75\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82")

// pageSite serves a news page with navigation, a picture and comments.
func pageSite(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /keeper", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		para := "<p>Storms came in from the west most weeks that winter, and the log filled with the names of trawlers, ferries and the odd yacht that had left port too late in the year.</p>"
		fmt.Fprintf(w, `<!doctype html><html lang="en"><head><title>The Keeper's Log – Coast News</title>
<meta property="og:title" content="The Keeper's Log"><meta property="og:site_name" content="Coast News"></head><body>
<nav><a href="/">Home</a> · <a href="/weather">Weather</a></nav>
<article><h1>The Keeper's Log</h1><p>%s, from the first light of the morning until the lamp was lit at dusk.</p>
<figure><img src="/lamp.png" alt="The lamp room"><figcaption>The lamp room at dusk.</figcaption></figure>
%s%s%s</article><section class="comments">Comments (3): first!</section></body></html>`, importedSentence, para, para, para)
	})
	mux.HandleFunc("GET /lamp.png", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		w.Write(tinyPNG)
	})
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	return ts
}

// importPage imports the page at pageURL for the client's reader and
// returns the article's id.
func importPage(t *testing.T, c *apitest.Client, pageURL string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	r, err := c.JSON(ctx, http.MethodPost, "/api/import", map[string]string{"url": pageURL})
	if err != nil || r.Status != http.StatusCreated {
		t.Fatalf("import %s: %v %v", pageURL, r, err)
	}
	var out struct {
		Article struct{ ID string } `json:"article"`
	}
	if err := json.Unmarshal(r.Body, &out); err != nil || out.Article.ID == "" {
		t.Fatalf("import answer %s: %v", r, err)
	}
	return out.Article.ID
}

// An article imported by URL through the API opens at /a/{id} for its
// owner: prerendered with its text, then in the app, with its picture
// served from Margin's own origin. A second reader cannot see it by any
// route: its page, the API's article and HTML, the library, and sync.
func TestImportedArticleIsTheOwners(t *testing.T) {
	site := pageSite(t)
	su, _ := url.Parse(site.URL)
	p := start(t, "", "--allow-host", su.Host)
	ctx := context.Background()
	alice := apitest.New(p.URL)
	if r, err := alice.SignUp(ctx, "alice", testPassword); err != nil || r.Status != http.StatusCreated {
		t.Fatalf("sign up: %v %v", r, err)
	}
	id := importPage(t, alice, site.URL+"/keeper")

	// Prerendered for her, with its text, before any WASM runs.
	r, err := alice.Do(ctx, http.MethodGet, "/a/"+id, nil)
	if err != nil || r.Status != http.StatusOK || !strings.Contains(string(r.Body), importedSentence) || strings.Contains(string(r.Body), "first!") {
		t.Fatalf("alice's prerendered page: %v %v", r, err)
	}

	// In her browser: the library lists it, the reader shows it, the
	// picture comes from /media/ and loads under the page's CSP.
	a := newBrowser(t)
	signIn(t, a, p.URL, "alice", false)
	a.do(t, chromedp.Navigate(p.URL+"/"))
	a.waitMounted(t)
	a.waitFor(t, `[...document.querySelectorAll(".card")].some(c => c.innerText.includes("The Keeper's Log"))`)
	a.do(t, chromedp.Navigate(p.URL+"/a/"+id))
	a.waitMounted(t)
	a.waitFor(t, `!!document.querySelector("article.reader-article") && document.querySelector("article.reader-article").innerText.includes(`+jsString(importedSentence)+`)`)
	a.waitFor(t, `(() => { const i = document.querySelector("article.reader-article img"); return !!i && i.complete && i.naturalWidth === 1 && new URL(i.src).pathname.startsWith("/media/") })()`)
	a.screenshot(t, "imported-article-owner")
	noConsoleErrors(t, a)

	// Offline, the article and its picture open from the device: the
	// service worker kept the picture it served.
	a.waitFor(t, `navigator.serviceWorker.ready.then(() => !!navigator.serviceWorker.controller)`)
	a.do(t, chromedp.Navigate(p.URL+"/a/"+id)) // now through the worker
	a.waitMounted(t)
	a.waitFor(t, `caches.open("margin-media").then(c => c.keys()).then(k => k.length === 1)`)
	setOffline(t, a, true)
	a.do(t, chromedp.Navigate("about:blank"), chromedp.Navigate(p.URL+"/a/"+id))
	a.waitMounted(t)
	a.waitFor(t, `!!document.querySelector("article.reader-article") && document.querySelector("article.reader-article").innerText.includes(`+jsString(importedSentence)+`)`)
	a.waitFor(t, `(() => { const i = document.querySelector("article.reader-article img"); return !!i && i.complete && i.naturalWidth === 1 })()`)
	setOffline(t, a, false)

	// Bob, in a browser of his own.
	b := newBrowser(t)
	signIn(t, b, p.URL, "bob", true)
	b.do(t, chromedp.Navigate(p.URL+"/a/"+id))
	b.waitMounted(t)
	b.waitFor(t, `document.querySelector("main").innerText.includes("This article is not in your library.")`)
	if eval[bool](t, b, `document.documentElement.outerHTML.includes(`+jsString(importedSentence)+`)`) {
		t.Error("bob's page of alice's article holds its text")
	}
	seen := eval[string](t, b, `(async () => {
		const out = [];
		for (const path of ["/a/`+id+`", "/api/articles/`+id+`", "/api/articles/`+id+`/html", "/api/articles",
			"/api/sync/pull?client_id=bobs-probe-client&cursor=0&limit=1000"]) {
			const r = await fetch(path, {credentials: "same-origin"});
			const body = await r.text();
			// A page or an answer about the id may name it; the library and
			// the pull must not.
			const named = !path.includes("`+id+`") && body.includes("`+id+`");
			out.push(path + " " + r.status + " " + (body.includes("Keeper") || body.includes("lighthouse") || named ? "LEAK" : "clean"));
		}
		return out.join("\n");
	})()`)
	for _, line := range strings.Split(seen, "\n") {
		if strings.HasSuffix(line, "LEAK") {
			t.Errorf("bob sees alice's import: %s", line)
		}
		if (strings.HasPrefix(line, "/a/") || strings.HasPrefix(line, "/api/articles/")) && !strings.Contains(line, " 404 ") {
			t.Errorf("bob's request of alice's article is not a 404: %s", line)
		}
	}
	b.screenshot(t, "imported-article-other-reader")
	noConsoleErrors(t, b, "status of 404 (Not Found)")
}

// The API client (the app's, natively) imports a page, finds it again,
// and deletes it; another reader can delete nothing of it.
func TestClientImportAndDelete(t *testing.T) {
	site := pageSite(t)
	su, _ := url.Parse(site.URL)
	p := start(t, "", "--allow-host", su.Host)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	alice, bob := client.New(p.URL), client.New(p.URL)
	if _, err := alice.SignUp(ctx, "alice", testPassword); err != nil {
		t.Fatal(err)
	}
	if _, err := bob.SignUp(ctx, "bob", testPassword); err != nil {
		t.Fatal(err)
	}
	s, existing, err := alice.Import(ctx, site.URL+"/keeper", false)
	if err != nil || existing || s.Meta.Title != "The Keeper's Log" {
		t.Fatalf("import: %+v %v %v", s, existing, err)
	}
	if again, existing, err := alice.Import(ctx, site.URL+"/keeper?utm_campaign=x", false); err != nil || !existing || again.ID != s.ID {
		t.Fatalf("second import: %+v %v %v", again, existing, err)
	}
	if _, _, err := alice.Import(ctx, "http://127.0.0.1:1/", false); apiErr(t, err).Code != "private_address" {
		t.Errorf("private address: %v", err)
	}
	if _, err := bob.Article(ctx, s.ID); !errors.Is(err, library.ErrNotFound) {
		t.Errorf("bob reads alice's article: %v", err)
	}
	if err := bob.DeleteArticle(ctx, s.ID); !errors.Is(err, library.ErrNotFound) {
		t.Errorf("bob deletes alice's article: %v", err)
	}
	if err := alice.DeleteArticle(ctx, s.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := alice.Article(ctx, s.ID); !errors.Is(err, library.ErrNotFound) {
		t.Errorf("the deleted article: %v", err)
	}
	sums, err := alice.Summaries(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range sums {
		if x.ID == s.ID {
			t.Error("the deleted article is still listed")
		}
	}
}
