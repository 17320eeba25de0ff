package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// chromiumPath returns the Chromium to drive.
func chromiumPath(t *testing.T) string {
	t.Helper()
	path := os.Getenv("CHROMIUM")
	if path == "" {
		path = "/usr/bin/chromium"
	}
	_, err := os.Stat(path)
	need(t, err == nil, "Chromium ("+path+"; apt-get install chromium)")
	return path
}

// browser is one headless Chromium with a fresh profile, and the messages
// its pages wrote to the console.
type browser struct {
	ctx     context.Context
	mu      sync.Mutex
	console []string
	// csp holds every report of a Content-Security-Policy violation;
	// cspAllowed, the policies a test visits on purpose (another site's).
	csp        []string
	cspAllowed []string
}

// reportViolations makes every document the browser loads write its
// Content-Security-Policy violations to the console as errors, the
// directive and the policy named, so that the test that caused one fails
// even when the browser's own message is a warning or absent.
const reportViolations = `addEventListener("securitypolicyviolation", e => console.error(
	"Content Security Policy violation: " + e.effectiveDirective + " blocked " + (e.blockedURI || "inline") +
	" in " + e.documentURI + " (policy " + e.originalPolicy + ")"), true);`

// allowCSP lets the test's browser meet violations whose reports contain
// one of the texts: on a page of another site the test serves with its
// own policy.
func (b *browser) allowCSP(texts ...string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.cspAllowed = append(b.cspAllowed, texts...)
}

// newBrowser starts Chromium for the test; it is closed when the test ends.
func newBrowser(t *testing.T) *browser {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(1280, 900),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	b := &browser{ctx: ctx}
	if err := chromedp.Do(ctx); err != nil { // starts the browser
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument,
		page.AddScriptToEvaluateOnNewDocumentParams{Source: reportViolations}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.noCSPViolations(t) })
	go func() {
		for m, err := range chromedp.Console(ctx) {
			if err != nil {
				return
			}
			if strings.Contains(m.Text, "Content Security Policy") || strings.Contains(m.Text, "Content-Security-Policy") {
				b.mu.Lock()
				b.csp = append(b.csp, fmt.Sprintf("%s: %s", m.Type, m.Text))
				b.mu.Unlock()
			}
			// The Go runtime prints panics with console.log.
			goCrash := strings.HasPrefix(m.Text, "panic:") || strings.HasPrefix(m.Text, "fatal error:")
			if m.Type == chromedp.ConsoleError || m.Type == chromedp.ConsoleException || goCrash {
				b.mu.Lock()
				b.console = append(b.console, fmt.Sprintf("%s: %s", m.Type, m.Text))
				b.mu.Unlock()
			}
		}
	}()
	return b
}

// cspReports returns the violation reports seen so far.
func (b *browser) cspReports() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.csp...)
}

// noCSPViolations fails the test for every violation of a policy seen,
// whether or not the test looks at the console: Margin's pages must need
// nothing their policy does not allow.
func (b *browser) noCSPViolations(t *testing.T) {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
next:
	for _, v := range b.csp {
		for _, allowed := range b.cspAllowed {
			if strings.Contains(v, allowed) {
				continue next
			}
		}
		t.Errorf("Content-Security-Policy violation: %s", v)
	}
}

// errors returns the console errors seen so far.
func (b *browser) errors() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.console...)
}

func (b *browser) do(t *testing.T, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		t.Fatal(err)
	}
}

// eval evaluates js in the page, awaiting a promise.
func eval[T any](t *testing.T, b *browser, js string) T {
	t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

// waitFor polls the JavaScript condition until it holds.
func (b *browser) waitFor(t *testing.T, cond string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	for {
		_, err := chromedp.Run(ctx, chromedp.Poll[bool](cond))
		if err == nil {
			return
		}
		// A page that navigates while polled loses the poll's context:
		// poll again in the new page.
		if ctx.Err() == nil && (strings.Contains(err.Error(), "Cannot find context") || strings.Contains(err.Error(), "context was destroyed")) {
			time.Sleep(50 * time.Millisecond)
			continue
		}
		t.Fatalf("waiting for %s: %v", cond, err)
	}
}

// waitMounted waits until the WASM has mounted the page.
func (b *browser) waitMounted(t *testing.T) {
	t.Helper()
	b.waitFor(t, `performance.getEntriesByName("margin-mounted").length > 0 && !document.getElementById("app-wasm-loader")`)
}

// screenshot saves a picture of the viewport as a test artifact.
func (b *browser) screenshot(t *testing.T, name string) {
	t.Helper()
	// Let entrance animations (the toolbar's, the popover's) finish.
	time.Sleep(300 * time.Millisecond)
	png, err := chromedp.Run(b.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	dir := os.Getenv("MARGIN_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join(repoRoot(t), "test-artifacts")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
}

// noConsoleErrors fails the test for every console error except those
// containing one of the expected strings.
func noConsoleErrors(t *testing.T, b *browser, expected ...string) {
	t.Helper()
	var unexpected []string
next:
	for _, e := range b.errors() {
		for _, x := range expected {
			if strings.Contains(e, x) {
				continue next
			}
		}
		unexpected = append(unexpected, e)
	}
	if len(unexpected) > 0 {
		t.Errorf("console errors:\n%s", strings.Join(unexpected, "\n"))
	}
}

const firstParagraph = "NATO Secretary-General Jens Stoltenberg has said that the military alliance"
const title = "Stoltenberg: NATO Mulls Options In Post-INF World, Doesn't Want Arms Race With Russia"

func TestReaderInBrowser(t *testing.T) {
	p := start(t, "")
	id := sampleID(t, p.URL)
	b := newBrowser(t)

	// Before the WASM: the prerendered article is visible, not covered by
	// the loader. (?wasm=false keeps go-app from starting the app.)
	b.do(t, chromedp.Navigate(p.URL+"/a/"+id+"?wasm=false"))
	b.waitFor(t, `document.readyState === "complete"`)
	// The stylesheet comes inline in the page; a Content-Security-Policy
	// that did not name it would leave the <style> without rules.
	if rules := eval[int](t, b, `(() => {
		const s = document.querySelector("head > style");
		return s && s.sheet ? s.sheet.cssRules.length : -1;
	})()`); rules < 100 {
		t.Errorf("the page's inline stylesheet has %d rules: blocked, or missing", rules)
	}
	hit := eval[string](t, b, `(() => {
		const h = document.querySelector("h1.article-title");
		const r = h.getBoundingClientRect();
		const at = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
		return at && at.closest("h1") === h ? "title" : (at ? at.tagName + "#" + at.id : "nothing");
	})()`)
	if hit != "title" {
		t.Errorf("before the app loads, the title is covered by %s", hit)
	}
	prerendered := eval[string](t, b, `document.querySelector("article").textContent`)
	prerenderedTop := eval[float64](t, b, `document.querySelector("article p").getBoundingClientRect().top`)

	// With the WASM: the same text, in the same place.
	b.do(t, chromedp.Navigate(p.URL+"/a/"+id))
	b.waitMounted(t)
	if got := eval[string](t, b, `document.querySelector("h1.article-title").innerText`); got != title {
		t.Errorf("title %q", got)
	}
	visible := eval[bool](t, b, `(() => {
		const p = [...document.querySelectorAll("article p")].find(p => p.textContent.startsWith(`+"`"+firstParagraph+"`"+`));
		if (!p) return false;
		const r = p.getBoundingClientRect();
		return r.height > 0 && r.top < innerHeight && getComputedStyle(p).visibility === "visible";
	})()`)
	if !visible {
		t.Error("the first paragraph is not visible")
	}
	if got := eval[string](t, b, `document.querySelector("article").textContent`); got != prerendered {
		t.Errorf("the app's article text differs from the prerendered one:\nserver: %.200q\nclient: %.200q", prerendered, got)
	}
	if top := eval[float64](t, b, `document.querySelector("article p").getBoundingClientRect().top`); top != prerenderedTop {
		t.Errorf("the first paragraph moved from %v to %v when the app took over", prerenderedTop, top)
	}
	// Once the app has decoded the article, it renders it block by block:
	// still the same text in the same place.
	b.waitFor(t, `performance.getEntriesByName("margin-article-ready").length > 0`)
	if got := eval[string](t, b, `document.querySelector("article").textContent`); got != prerendered {
		t.Errorf("the article text changed when the app rendered it from the model:\nserver: %.200q\nclient: %.200q", prerendered, got)
	}
	if top := eval[float64](t, b, `document.querySelector("article p").getBoundingClientRect().top`); top != prerenderedTop {
		t.Errorf("the first paragraph moved from %v to %v when the app rendered the model", prerenderedTop, top)
	}
	// A comfortable measure: 60 to 75 characters a line on a desktop.
	perLine := eval[float64](t, b, `(() => {
		const p = [...document.querySelectorAll("article .article-body p")].sort((a, b) => b.textContent.length - a.textContent.length)[0];
		const lines = Math.round(p.getBoundingClientRect().height / parseFloat(getComputedStyle(p).lineHeight));
		return p.textContent.length / lines;
	})()`)
	t.Logf("%.0f characters a line on a desktop", perLine)
	if perLine < 55 || perLine > 80 {
		t.Errorf("%.0f characters a line; want about 60 to 75", perLine)
	}
	b.screenshot(t, "reader-desktop-light")

	// The theme toggle switches to dark and the choice survives a reload.
	lightBg := eval[string](t, b, `getComputedStyle(document.body).backgroundColor`)
	b.do(t, chromedp.Click(chromedp.CSS("#theme-toggle")))
	b.waitFor(t, `document.documentElement.dataset.theme === "dark"`)
	darkBg := eval[string](t, b, `getComputedStyle(document.body).backgroundColor`)
	if darkBg == lightBg {
		t.Errorf("background stayed %s after switching to dark", darkBg)
	}
	b.do(t, chromedp.Reload())
	b.waitMounted(t)
	if theme := eval[string](t, b, `document.documentElement.dataset.theme || ""`); theme != "dark" {
		t.Errorf("after a reload the theme is %q, want dark", theme)
	}
	if bg := eval[string](t, b, `getComputedStyle(document.body).backgroundColor`); bg != darkBg {
		t.Errorf("after a reload the background is %s, want %s", bg, darkBg)
	}
	b.screenshot(t, "reader-desktop-dark")

	// Settings: the serif font and a larger size stick too.
	b.do(t, chromedp.Click(chromedp.CSS("#settings-button")))
	b.waitFor(t, `!!document.getElementById("settings")`)
	b.screenshot(t, "settings-desktop-dark")
	// Every choice shows its whole label on one line (and there are
	// choices, or the check below passes on nothing).
	if n := eval[int](t, b, `document.querySelectorAll("#settings .choice").length`); n == 0 {
		t.Error("the settings show no .choice buttons")
	}
	if bad := eval[[]string](t, b, `[...document.querySelectorAll("#settings .choice")]
		.filter((c) => {
			const r = document.createRange();
			r.selectNodeContents(c);
			return r.getClientRects().length > 1 || c.scrollWidth > c.clientWidth + 1;
		})
		.map((c) => c.innerText)`); len(bad) > 0 {
		t.Errorf("settings choices whose labels do not fit: %q", bad)
	}
	b.do(t,
		chromedp.Click(chromedp.CSS("#settings .font-serif")),
		chromedp.Click(chromedp.CSS("#size-up")),
	)
	b.waitFor(t, `document.documentElement.dataset.font === "serif" && document.documentElement.dataset.size === "3"`)
	b.do(t, chromedp.Reload())
	b.waitMounted(t)
	if got := eval[string](t, b, `document.documentElement.dataset.font + "/" + document.documentElement.dataset.size`); got != "serif/3" {
		t.Errorf("after a reload font/size is %s, want serif/3", got)
	}
	b.do(t, chromedp.Evaluate[chromedp.Void](`document.cookie = "margin-prefs=; Path=/; Max-Age=0"`))

	// A phone: 360 px wide, light and dark.
	b.do(t,
		chromedp.EmulateViewport(360, 740, chromedp.EmulateMobile, chromedp.EmulateScale(2)),
		chromedp.Navigate(p.URL+"/a/"+id),
	)
	b.waitMounted(t)
	if overflow := eval[bool](t, b, `document.documentElement.scrollWidth > innerWidth`); overflow {
		t.Error("the reader scrolls sideways at 360 px")
	}
	// The line above the title breaks between its pieces, never inside
	// "13 February 2019" or "3 min read".
	if split := eval[[]string](t, b, `[...document.querySelectorAll(".article-kicker span")]
		.filter((s) => s.getClientRects().length > 1)
		.map((s) => s.textContent)`); len(split) > 0 {
		t.Errorf("at 360 px these pieces of the line above the title break across lines: %q", split)
	}
	if n := eval[int](t, b, `document.querySelectorAll(".article-kicker span").length`); n != 3 {
		t.Errorf("the line above the title has %d pieces, want 3 (site, day, reading time)", n)
	}
	b.screenshot(t, "reader-phone-light")
	b.do(t, chromedp.Click(chromedp.CSS("#theme-toggle")))
	b.waitFor(t, `document.documentElement.dataset.theme === "dark"`)
	b.screenshot(t, "reader-phone-dark")
	b.do(t, chromedp.Navigate(p.URL+"/"))
	b.waitMounted(t)
	b.screenshot(t, "library-phone-dark")
	b.do(t, chromedp.Evaluate[chromedp.Void](`document.cookie = "margin-prefs=; Path=/; Max-Age=0"`))
	noConsoleErrors(t, b)
}

func TestLibraryAndNavigation(t *testing.T) {
	p := start(t, "")
	b := newBrowser(t)
	b.do(t, chromedp.Navigate(p.URL+"/"))
	b.waitMounted(t)
	card := eval[string](t, b, `document.querySelector(".card").innerText`)
	for _, want := range []string{"RFE/RL", "13 February 2019", "min read", title, "NATO Secretary-General"} {
		if !strings.Contains(card, want) {
			t.Errorf("library card lacks %q:\n%s", want, card)
		}
	}
	b.screenshot(t, "library-desktop-light")

	// A click opens the article inside the app, without a page load.
	b.do(t, chromedp.Evaluate[chromedp.Void](`window.__sameDocument = true`))
	b.do(t, chromedp.Click(chromedp.CSS(".card-link")))
	b.waitFor(t, `!!document.querySelector("h1.article-title")`)
	if !eval[bool](t, b, `window.__sameDocument === true`) {
		t.Error("opening an article reloaded the page")
	}
	b.waitFor(t, `document.title.startsWith("Stoltenberg")`)
	// Back returns to the library, and an unknown address opened inside
	// the app gets the not-found page: the app routes each address just
	// before go-app needs it.
	b.do(t, chromedp.Evaluate[chromedp.Void](`history.back()`))
	b.waitFor(t, `!!document.querySelector(".card-link")`)
	b.do(t, chromedp.Evaluate[chromedp.Void](`goappNav("/no/such/page")`))
	b.waitFor(t, `!!document.querySelector("main") && document.querySelector("main").innerText.includes("There is no page at this address.")`)
	if !eval[bool](t, b, `window.__sameDocument === true`) {
		t.Error("going back or to an unknown address reloaded the page")
	}

	// Unknown addresses show the not-found page, in the app as well.
	b.do(t, chromedp.Navigate(p.URL+"/no/such/page"))
	b.waitMounted(t)
	if got := eval[string](t, b, `document.querySelector("main").innerText`); !strings.Contains(got, "There is no page at this address.") {
		t.Errorf("not-found page shows %q", got)
	}
	// Links followed from the not-found page: the library, then an article.
	b.do(t, chromedp.Evaluate[chromedp.Void](`window.__sameDocument = true; document.querySelector("a.brand").click()`))
	b.waitFor(t, `!!document.querySelector(".card-link")`)
	b.do(t, chromedp.Evaluate[chromedp.Void](`document.querySelector(".card-link").click()`))
	b.waitFor(t, `!!document.querySelector("h1.article-title")`)
	if !eval[bool](t, b, `window.__sameDocument === true`) {
		t.Error("a link followed from the not-found page reloaded the page")
	}
	b.do(t, chromedp.Navigate(p.URL+"/a/unknownid"))
	b.waitMounted(t)
	b.waitFor(t, `document.querySelector("main").innerText.includes("This article is not in your library.")`)
	// The two pages above and the API answer for the unknown article are 404s.
	noConsoleErrors(t, b, "status of 404 (Not Found)")
}

func TestReadingPositionRestored(t *testing.T) {
	p := start(t, "")
	id := sampleID(t, p.URL)
	b := newBrowser(t)
	b.do(t,
		chromedp.EmulateViewport(360, 640, chromedp.EmulateMobile),
		chromedp.Navigate(p.URL+"/a/"+id),
	)
	b.waitMounted(t)
	// Scroll so that the ninth block starts at the top, then leave.
	b.do(t, chromedp.Evaluate[chromedp.Void](`(() => {
		const el = document.querySelector('[data-b="8"]');
		scrollTo(0, scrollY + el.getBoundingClientRect().top - 72);
	})()`))
	b.waitFor(t, `parseFloat(document.documentElement.style.getPropertyValue("--read")) > 0.2`)
	b.waitFor(t, `!!localStorage.getItem("margin.pos.`+id+`")`)
	b.do(t, chromedp.Evaluate[chromedp.Void](`goappNav("/")`))
	b.waitFor(t, `!!document.querySelector(".card-link")`)
	b.do(t, chromedp.Evaluate[chromedp.Void](`goappNav("/a/`+id+`")`))
	b.waitFor(t, `!!document.querySelector('[data-b="8"]')`)
	b.waitFor(t, `Math.abs(document.querySelector('[data-b="8"]').getBoundingClientRect().top - 72) < 4`)
	// Opened inside the app, the article lays out blocks out of view
	// lazily; the place above held all the same.
	if !eval[bool](t, b, `!!document.querySelector("main.lazy-blocks")`) {
		t.Error("an article opened inside the app does not lay out its blocks lazily")
	}

	// And after closing and reopening the page.
	b.do(t, chromedp.Navigate(p.URL+"/"))
	b.waitMounted(t)
	b.do(t, chromedp.Navigate(p.URL+"/a/"+id))
	b.waitMounted(t)
	b.waitFor(t, `Math.abs(document.querySelector('[data-b="8"]').getBoundingClientRect().top - 72) < 4`)
	// A prerendered article keeps every block laid out: the app replaces
	// its elements when it starts, and blocks scrolled past must keep
	// their height.
	if eval[bool](t, b, `!!document.querySelector("main.lazy-blocks")`) {
		t.Error("a prerendered article lays out its blocks lazily")
	}
	noConsoleErrors(t, b)
}

func TestOfflineDeepLink(t *testing.T) {
	p := start(t, "")
	id := sampleID(t, p.URL)
	b := newBrowser(t)
	b.do(t, chromedp.Navigate(p.URL+"/a/"+id))
	b.waitMounted(t)
	// The service worker has cached the shell once it controls the page.
	b.waitFor(t, `navigator.serviceWorker.ready.then(() => !!navigator.serviceWorker.controller)`)
	keys := eval[[]string](t, b, `caches.keys().then(async keys => {
		const out = [];
		for (const k of keys) for (const r of await (await caches.open(k)).keys()) out.push(new URL(r.url).pathname);
		return out;
	})`)
	if !slices.Contains(keys, "/web/app.wasm") || !slices.Contains(keys, "/") {
		t.Fatalf("precache: %v", keys)
	}
	for _, k := range keys {
		if strings.HasPrefix(k, "/api/") {
			t.Errorf("an API answer is in Cache Storage: %s", k)
		}
	}
	// The article's copy is kept on the device.
	b.waitFor(t, storedJS+`("articles", "`+id+`").then(a => !!a, () => false)`)
	if err := p.stop(t); err != nil {
		t.Fatalf("server exit: %v", err)
	}

	// A cold start on a deep link, with the server gone: the shell opens,
	// the app routes it to the reader, and the article opened before comes
	// from the copy kept on the device.
	b.do(t, chromedp.Navigate("about:blank"), chromedp.Navigate(p.URL+"/a/"+id+"#later"))
	b.waitMounted(t)
	b.waitFor(t, `!!document.querySelector(".page-reader")`)
	b.waitFor(t, `!!document.querySelector("article") && document.querySelector("article").innerText.includes(`+"`"+firstParagraph+"`"+`)`)
	// An article never opened says it needs the network.
	b.do(t, chromedp.Evaluate[chromedp.Void](`goappNav("/a/neveropened")`))
	b.waitFor(t, `document.querySelector("main").innerText.includes("You are offline")`)
	b.screenshot(t, "reader-offline")
	// The library opens offline from the shell with the data it was cached with.
	b.do(t, chromedp.Navigate(p.URL+"/"))
	b.waitMounted(t)
	if got := eval[string](t, b, `document.querySelector(".card-title") ? document.querySelector(".card-title").innerText : ""`); got != title {
		t.Errorf("offline library shows %q", got)
	}
}
