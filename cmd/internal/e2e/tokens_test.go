package e2e

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

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
