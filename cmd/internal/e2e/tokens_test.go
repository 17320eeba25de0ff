package e2e

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"margin/app/bookmarklet"
	"margin/app/client"
)

// The account page's Save to Margin section, and the bookmarklet it
// makes, against the real binary.

// tokenShots takes pictures of the page in the light theme, the dark
// theme, and on a phone 390 px wide.
func tokenShots(t *testing.T, b *browser, name string, height int64) {
	t.Helper()
	theme := func(v string) {
		b.do(t, chromedp.Evaluate[chromedp.Void](`document.documentElement.dataset.theme = "`+v+`"`))
	}
	b.do(t, chromedp.EmulateViewport(1280, height))
	theme("light")
	b.do(t, chromedp.Evaluate[chromedp.Void](`document.querySelector("#save-to-margin").scrollIntoView()`))
	b.screenshot(t, name+"-light")
	theme("dark")
	b.screenshot(t, name+"-dark")
	theme("light")
	b.do(t, chromedp.EmulateViewport(390, height, chromedp.EmulateMobile, chromedp.EmulateScale(2)),
		chromedp.Evaluate[chromedp.Void](`document.querySelector("#save-to-margin").scrollIntoView()`))
	b.screenshot(t, name+"-390")
	b.do(t, chromedp.EmulateReset())
}

// bearerStatus sends GET /api/session with secret alone and returns the
// status: 403 for a live token (a token may not read the session), 401
// for a revoked one.
func bearerStatus(t *testing.T, base, secret string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, base+"/api/session", nil)
	req.Header.Set("Authorization", "Bearer "+secret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// makeBookmarklet makes a bookmarklet named name on the account page and
// returns its token's secret and its javascript: address.
func makeBookmarklet(t *testing.T, b *browser, name string) (secret, href string) {
	t.Helper()
	b.waitFor(t, `!!document.querySelector("#token-form") && !document.querySelector(".tokens-empty[aria-busy]")`)
	b.do(t,
		chromedp.SendKeys(chromedp.CSS("#token-name"), name),
		chromedp.Click(chromedp.CSS("#token-create")),
	)
	b.waitFor(t, `!!document.querySelector("#token-fresh #token-secret")`)
	secret = eval[string](t, b, `document.querySelector("#token-secret").textContent`)
	href = eval[string](t, b, `document.querySelector("#bookmarklet").getAttribute("href")`)
	return secret, href
}

func TestAccountPageTokens(t *testing.T) {
	p := start(t, "")
	newAccount(t, p.URL, "reader")
	b := newBrowser(t)
	signIn(t, b, p.URL, "reader", false)
	b.waitFor(t, `!!document.querySelector("#tokens-empty")`)

	secret, href := makeBookmarklet(t, b, "Test laptop")
	if !strings.HasPrefix(secret, "mgn_") || len(secret) != 47 {
		t.Fatalf("the secret shown is %q", secret)
	}
	// The bookmarklet is this origin's, with this token, and the browser
	// reads the same code from it.
	if want := bookmarklet.URL(p.URL, secret); href != want {
		t.Fatalf("bookmarklet address:\n%s\nwant\n%s", href, want)
	}
	code := eval[string](t, b, `decodeURIComponent(document.querySelector("#bookmarklet").href.slice("javascript:".length))`)
	if code != bookmarklet.Code(p.URL, secret) {
		t.Fatalf("the browser decodes the bookmarklet to:\n%s", code)
	}
	if ok := eval[bool](t, b, `(() => { try { new Function(`+jsString(code)+`); return true } catch (e) { return false } })()`); !ok {
		t.Fatal("the bookmarklet's code does not parse")
	}
	if d := eval[string](t, b, `document.querySelector("#bookmarklet").getAttribute("draggable")`); d != "true" {
		t.Errorf("the bookmarklet is not draggable: %q", d)
	}
	b.waitFor(t, `[...document.querySelectorAll(".token")].length === 1 &&
		document.querySelector(".token .token-name").textContent === "Test laptop" &&
		document.querySelector(".token .token-dates").textContent.endsWith("never used")`)

	// A click on it here does nothing but say what to do.
	b.do(t, chromedp.Click(chromedp.CSS("#bookmarklet")))
	b.waitFor(t, `!!document.querySelector(".bookmarklet-clicked")`)
	if path := eval[string](t, b, `location.pathname`); path != "/account" {
		t.Fatalf("a click on the bookmarklet went to %s", path)
	}
	tokenShots(t, b, "tokens-fresh", 1900)

	// The token opens what it may (403 on the session: it is live) and is
	// then listed as used.
	if s := bearerStatus(t, p.URL, secret); s != http.StatusForbidden {
		t.Fatalf("the new token on GET /api/session: %d, want 403", s)
	}
	b.do(t, chromedp.Click(chromedp.CSS("#token-done")))
	b.waitFor(t, `!document.querySelector("#token-fresh") && document.activeElement.id === "token-name"`)
	b.do(t, chromedp.Reload())
	b.waitMounted(t)
	b.waitFor(t, `(document.querySelector(".token .token-dates") || {textContent: ""}).textContent.endsWith("last used just now")`)
	if n := eval[int](t, b, `document.querySelectorAll("#token-secret").length`); n != 0 {
		t.Fatal("the secret is shown again after a reload")
	}

	// A second token, then the first revoked, with a confirmation.
	makeBookmarklet(t, b, "Phone")
	b.do(t, chromedp.Click(chromedp.CSS("#token-done")))
	b.waitFor(t, `[...document.querySelectorAll(".token .token-name")].map(e => e.textContent).join() === "Phone,Test laptop"`)
	b.do(t, chromedp.Click(chromedp.CSS(`.token:nth-child(2) .token-revoke`)))
	b.waitFor(t, `(document.querySelector(".token [role=alertdialog]") || {textContent: ""}).textContent.includes("Revoke “Test laptop”?")`)
	tokenShots(t, b, "tokens-revoke", 1500)
	b.do(t, chromedp.Click(chromedp.CSS(".token-revoke-confirm")))
	b.waitFor(t, `[...document.querySelectorAll(".token .token-name")].map(e => e.textContent).join() === "Phone"`)
	if s := bearerStatus(t, p.URL, secret); s != http.StatusUnauthorized {
		t.Fatalf("the revoked token: %d, want 401", s)
	}
	noConsoleErrors(t, b)
}

// The typed client's token calls against the real binary.
func TestClientTokens(t *testing.T) {
	p := start(t, "")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c := client.New(p.URL)
	if _, err := c.SignUp(ctx, "ada", testPassword); err != nil {
		t.Fatal(err)
	}
	tok, secret, err := c.CreateToken(ctx, "script", client.ScopeImport)
	if err != nil || tok.ID == "" || tok.Name != "script" || tok.LastUsed != nil || !strings.HasPrefix(secret, "mgn_") {
		t.Fatalf("CreateToken: %+v %q %v", tok, secret, err)
	}
	if _, _, err := c.CreateToken(ctx, "x", "admin"); apiErr(t, err).Code != "bad_scope" || apiErr(t, err).Message == "" {
		t.Errorf("an unknown scope: %v", err)
	}
	list, err := c.Tokens(ctx)
	if err != nil || len(list) != 1 || list[0].ID != tok.ID {
		t.Fatalf("Tokens: %+v %v", list, err)
	}
	other := client.New(p.URL)
	if _, err := other.SignUp(ctx, "bob", testPassword); err != nil {
		t.Fatal(err)
	}
	if err := other.DeleteToken(ctx, tok.ID); apiErr(t, err).Status != http.StatusNotFound {
		t.Errorf("bob revokes ada's token: %v", err)
	}
	if err := c.DeleteToken(ctx, tok.ID); err != nil {
		t.Fatal(err)
	}
	if list, err := c.Tokens(ctx); err != nil || len(list) != 0 {
		t.Fatalf("after revoking: %+v %v", list, err)
	}
}

// asGesture makes an evaluation count as the user's doing, as a click on
// a bookmark does: pop-up blockers let its window.open through.
func asGesture(p *runtime.EvaluateParams) { yes := true; p.UserGesture = &yes }

// readSite is a news site on its own loopback origin. /story holds the
// article only once its script has run, as pages behind a sign-in often
// do; /strict is the same page under a CSP that lets it connect nowhere.
func readSite(t *testing.T) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var hits atomic.Int64
	page := `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>The Tide Tables | Coast Weekly</title></head><body>
<nav><a href="/">Home</a> <a href="/sport">Sport</a></nav>
<article id="story"><h1>The Tide Tables</h1><p>Loading the article for subscribers…</p></article>
<script>
document.getElementById("story").innerHTML = "<h1>The Tide Tables</h1>" +
	"<p>` + seenSentence + `, and the harbour office printed a new table of tides for the rest of the winter.</p>" +
	"<p>Fishermen read it on the quay in the rain, and the older ones said they had never seen a spring tide so high in December.</p>" +
	"<p>The office will post the next table in March, when the boats go out again for the first long trips of the year.</p>";
</script>
<footer>Subscribe to our newsletter</footer></body></html>`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/favicon.ico" {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		hits.Add(1)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		switch r.URL.Path {
		case "/story":
		case "/strict":
			w.Header().Set("Content-Security-Policy", "connect-src 'none'")
		default:
			http.NotFound(w, r)
			return
		}
		io.WriteString(w, page)
	}))
	t.Cleanup(srv.Close)
	return srv, &hits
}

// seenSentence is in the story only as its reader sees it: the page's
// script writes it.
const seenSentence = "The sea came over the harbour wall twice this week"

// TestBookmarkletSavesPage runs the bookmarklet, as a javascript: address
// the browser decodes, on a page of another origin: the article as the
// reader saw it lands in their library; on a page whose CSP stops the
// request, Margin's import page opens with the address.
func TestBookmarkletSavesPage(t *testing.T) {
	p := start(t, "", "--allow-private-network")
	site, hits := readSite(t)
	newAccount(t, p.URL, "reader")
	b := newBrowser(t)
	signIn(t, b, p.URL, "reader", false)
	_, href := makeBookmarklet(t, b, "Test browser")

	b.do(t, chromedp.Navigate(site.URL+"/story"))
	b.waitFor(t, `document.body.textContent.includes(`+jsString(seenSentence)+`)`)
	before := hits.Load()
	b.do(t, chromedp.Evaluate[chromedp.Void](`location.href = `+jsString(href), asGesture))
	box := `(document.querySelector("[data-margin-bookmarklet]") || {textContent: ""}).textContent`
	b.waitFor(t, box+`.startsWith("Saved to Margin: The Tide Tables")`)
	b.screenshot(t, "bookmarklet-saved")
	if hits.Load() != before {
		t.Errorf("Margin fetched the page again (%d requests) instead of keeping what the reader saw", hits.Load()-before)
	}

	// The article is in the reader's library, as it was seen.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c := client.New(p.URL)
	if _, err := c.SignIn(ctx, "reader", testPassword); err != nil {
		t.Fatal(err)
	}
	list, err := c.Summaries(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var id string
	for _, s := range list {
		if strings.HasPrefix(s.Meta.Title, "The Tide Tables") {
			id = s.ID
		}
	}
	if id == "" {
		t.Fatalf("the saved page is not in the library: %+v", list)
	}
	a, err := c.Article(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if text := a.Text(); !strings.Contains(text, seenSentence) || strings.Contains(text, "Loading the article") || strings.Contains(text, "newsletter") {
		t.Fatalf("the saved article's text:\n%s", text)
	}
	// A second run says it is there already.
	b.do(t, chromedp.Navigate(site.URL+"/story"))
	b.waitFor(t, `document.body.textContent.includes(`+jsString(seenSentence)+`)`)
	b.do(t, chromedp.Evaluate[chromedp.Void](`location.href = `+jsString(href), asGesture))
	b.waitFor(t, box+`.startsWith("Already in your Margin library: The Tide Tables")`)

	// Under a CSP that forbids the request: the import page opens.
	b.allowCSP("connect-src 'none'", "Fetch API cannot load "+p.URL+"/api/import. Refused to connect")
	b.do(t, chromedp.Navigate(site.URL+"/strict"))
	b.waitFor(t, `document.body.textContent.includes(`+jsString(seenSentence)+`)`)
	b.do(t, chromedp.Evaluate[chromedp.Void](`location.href = `+jsString(href), asGesture))
	b.waitFor(t, box+`.startsWith("This page does not let Margin save it from here.")`)
	want := p.URL + "/import?url=" + url.QueryEscape(site.URL+"/strict")
	if got := eval[string](t, b, `document.querySelector("[data-margin-bookmarklet] a").href`); got != want {
		t.Errorf("the note links to %s, want %s", got, want)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		infos, err := chromedp.Targets(b.ctx)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, in := range infos {
			found = found || in.Type == "page" && in.URL == want
		}
		if found {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no tab opened at %s; tabs: %v", want, infos)
		}
		time.Sleep(100 * time.Millisecond)
	}
	b.screenshot(t, "bookmarklet-blocked")
	// The page logs the request its CSP blocked.
	noConsoleErrors(t, b, "Content Security Policy", "Failed to fetch")
}
