package e2e

import (
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestImportByAddressFromTheBox: a reader pastes a page's address into
// the library's box; the box shows the fetch under way, then the article
// opens, and the library lists it. An address the server refuses says why.
func TestImportByAddressFromTheBox(t *testing.T) {
	site := pageSite(t)
	su, _ := url.Parse(site.URL)
	p := start(t, "", "--allow-host", su.Host)
	b := newBrowser(t)
	signIn(t, b, p.URL, "importer", true)
	openLibrary(t, b, p.URL)
	shotsOfLibrary(t, b)

	b.do(t, chromedp.Evaluate[chromedp.Void](`pasteInto(`+jsString(site.URL+"/keeper")+`)`))
	// The progress shows (the page is fetched on loopback, so it may be
	// brief: either the progress or the article is seen).
	b.waitFor(t, `!!document.querySelector("#import-busy") || location.pathname.startsWith("/a/u")`)
	b.waitFor(t, `location.pathname.startsWith("/a/u")`)
	b.waitFor(t, `(document.querySelector("article.reader-article") || {innerText: ""}).innerText.includes(`+jsString(importedSentence)+`)`)
	if strings.Contains(eval[string](t, b, `document.querySelector("article.reader-article").innerText`), "first!") {
		t.Error("the comments came along")
	}
	id := strings.TrimPrefix(eval[string](t, b, `location.pathname`), "/a/")
	b.do(t, chromedp.Evaluate[chromedp.Void](`goappNav("/")`))
	b.waitFor(t, `[...document.querySelectorAll(".card-link")].some(a => a.getAttribute("href") === "/a/`+id+`")`)

	// The same page again, behind a tracking parameter: the box offers
	// the article it has, and a fresh copy on request.
	b.do(t, chromedp.Evaluate[chromedp.Void](`pasteInto(`+jsString(site.URL+"/keeper?utm_source=newsletter")+`)`))
	b.waitFor(t, `!!document.querySelector("#import-had")`)
	if got := eval[string](t, b, `document.querySelector("#import-open").getAttribute("href")`); got != "/a/"+id {
		t.Errorf("the box offers %q, want /a/%s", got, id)
	}
	if eval[string](t, b, `location.pathname`) != "/" {
		t.Error("an address already in the library opened a page instead of saying so")
	}
	shots(t, b, "library-import-had", 900)
	b.do(t, chromedp.Evaluate[chromedp.Void](`document.querySelector("#import-fresh").click()`))
	b.waitFor(t, `location.pathname.startsWith("/a/u") && location.pathname !== "/a/`+id+`"`)
	b.waitFor(t, `(document.querySelector("article.reader-article") || {innerText: ""}).innerText.includes(`+jsString(importedSentence)+`)`)

	// A page that is not there: the server's sentence.
	openLibrary(t, b, p.URL)
	b.do(t, chromedp.Evaluate[chromedp.Void](`pasteInto(`+jsString(site.URL+"/gone")+`)`))
	if got := importError(t, b); !strings.Contains(got, "404") {
		t.Errorf("missing page: %q", got)
	}
	noConsoleErrors(t, b, "422", "404", "the site answered")
}

// shotsOfLibrary takes the library with its import box in the light and
// dark themes and on a phone, with a pasted text in the field.
func shotsOfLibrary(t *testing.T, b *browser) {
	t.Helper()
	shots(t, b, "library-import", 900)
	b.do(t, chromedp.Evaluate[chromedp.Void](`(() => {
		const f = document.querySelector("#import-text");
		f.value = "# A pasted essay\n\nThe first paragraph of something worth reading later.";
		f.dispatchEvent(new Event("input", {bubbles: true}));
	})()`))
	b.waitFor(t, `document.querySelector("#import-add").innerText === "Save text"`)
	shots(t, b, "library-import-pasted", 900)
	b.do(t, chromedp.Evaluate[chromedp.Void](`(() => {
		const f = document.querySelector("#import-text");
		f.value = "";
		f.dispatchEvent(new Event("input", {bubbles: true}));
	})()`))
}

// TestShareTargetOnAPhone: sharing a link from a phone's browser opens
// /import with the link inside the shared text; the page imports it and
// opens the article. Offline, it keeps the link, and the library imports
// it once back online.
func TestShareTargetOnAPhone(t *testing.T) {
	site := pageSite(t)
	su, _ := url.Parse(site.URL)
	p := start(t, "", "--allow-host", su.Host)
	b := newBrowser(t)
	signIn(t, b, p.URL, "sharer", true)
	openLibrary(t, b, p.URL)
	b.do(t, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch))

	// What the manifest asks the system to send.
	b.waitFor(t, `fetch("/manifest.webmanifest").then(r => r.json()).then(m => m.share_target && m.share_target.action === "/import" && m.share_target.params.text === "text")`)

	shared := "/import?title=" + url.QueryEscape("The Keeper's Log") + "&text=" + url.QueryEscape("Look "+site.URL+"/keeper")
	b.do(t, chromedp.Navigate(p.URL+shared))
	b.waitFor(t, `location.pathname.startsWith("/a/u")`)
	b.waitFor(t, `(document.querySelector("article.reader-article") || {innerText: ""}).innerText.includes(`+jsString(importedSentence)+`)`)
	b.screenshot(t, "share-target-article-390")

	// Offline: the link waits, the page says so, the library shows it.
	setOffline(t, b, true)
	b.do(t, chromedp.Evaluate[chromedp.Void](`goappNav(`+jsString("/import?text="+url.QueryEscape("Later: "+site.URL+"/keeper?again=1"))+`)`))
	b.waitFor(t, `(document.querySelector("#import-page-title") || {}).innerText === "Saved for later."`)
	b.screenshot(t, "share-target-queued-390")
	b.do(t, chromedp.Evaluate[chromedp.Void](`goappNav("/")`))
	b.waitFor(t, `(document.querySelector("#import-queue") || {innerText: ""}).innerText.includes("keeper?again=1")`)
	b.screenshot(t, "library-queued-390")
	// Back online, the library imports it and lists it no more as waiting.
	setOffline(t, b, false)
	b.waitFor(t, `!document.querySelector("#import-queue")`)
	noConsoleErrors(t, b, "Failed to load resource", "net::ERR")
}
