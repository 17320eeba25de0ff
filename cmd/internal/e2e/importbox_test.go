package e2e

import (
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	msync "margin/app/sync"
)

// pasteJS defines window.pasteInto(text): it puts text in the import
// box's field as a paste would and presses Add.
const pasteJS = `window.pasteInto = (text) => {
	const f = document.querySelector("#import-text");
	f.value = text;
	f.dispatchEvent(new Event("input", {bubbles: true}));
	setTimeout(() => document.querySelector("#import-add").click(), 50);
	return true;
}; true`

// dropJS defines window.dropFile(name, bytes): it drops a file of that
// name and content (a string, or a length of zero bytes) on the page.
const dropJS = `window.dropFile = (name, content) => {
	const data = typeof content === "number" ? new Uint8Array(content) : content;
	const dt = new DataTransfer();
	dt.items.add(new File([data], name));
	document.querySelector("#import").dispatchEvent(new DragEvent("drop", {dataTransfer: dt, bubbles: true, cancelable: true}));
	return true;
}; true`

// openLibrary opens the library and waits for the import box, with the
// service worker controlling the page and the converter cached, so the
// box works offline.
func openLibrary(t *testing.T, b *browser, base string) {
	t.Helper()
	b.do(t, chromedp.Navigate(base+"/"))
	b.waitMounted(t)
	b.waitFor(t, `!!document.querySelector("#import-text")`)
	b.waitFor(t, `navigator.serviceWorker.ready.then(() => !!navigator.serviceWorker.controller)`)
	b.waitFor(t, `caches.keys().then(async keys => {
		for (const k of keys) for (const r of await (await caches.open(k)).keys()) if (new URL(r.url).pathname === "/web/convert.wasm") return true;
		return false;
	})`)
	b.do(t, chromedp.Evaluate[chromedp.Void](pasteJS), chromedp.Evaluate[chromedp.Void](dropJS))
}

// errorText is the import box's error, "" when there is none.
const errorText = `(document.querySelector("#import-error") || {innerText: ""}).innerText`

// importError waits for the import box's error and returns it.
func importError(t *testing.T, b *browser) string {
	t.Helper()
	b.waitFor(t, `!!document.querySelector("#import-error")`)
	return eval[string](t, b, `document.querySelector("#import-error").innerText`)
}

// serverArticles returns the ids of the user's live articles on the server.
func serverArticles(t *testing.T, base, name string) []string {
	t.Helper()
	return serverObjects(t, base, name, msync.KindArticle)
}

// TestPasteMarkdownOfflineThenSync: a guest pastes Markdown with no
// network; it opens, shows in the library, and once the guest signs up it
// moves into the account and syncs.
func TestPasteMarkdownOfflineThenSync(t *testing.T) {
	p := start(t, "")
	b := newBrowser(t)
	openLibrary(t, b, p.URL)
	setOffline(t, b, true)

	md := "# Notes on slow reading\n\nRead **slowly**, and the margins fill with *questions*.\n\n- one\n- two\n"
	b.do(t, chromedp.Evaluate[chromedp.Void](`pasteInto(`+jsString(md)+`)`))
	b.waitFor(t, `location.pathname.startsWith("/a/p")`)
	b.waitFor(t, `(document.querySelector("article.reader-article") || {innerText: ""}).innerText.includes("the margins fill with questions")`)
	if got := eval[string](t, b, `document.querySelector(".article-title").innerText`); got != "Notes on slow reading" {
		t.Errorf("title %q", got)
	}
	id := strings.TrimPrefix(eval[string](t, b, `location.pathname`), "/a/")
	if len(id) != 21 {
		t.Fatalf("id %q is not p and 20 hex digits", id)
	}

	// The library, still offline, lists it from the device.
	b.do(t, chromedp.Evaluate[chromedp.Void](`goappNav("/")`))
	b.waitFor(t, `[...document.querySelectorAll(".card-link")].some(a => a.getAttribute("href") === "/a/`+id+`")`)
	b.waitFor(t, `!!document.querySelector("#library-offline")`)
	b.screenshot(t, "import-offline-library")
	// And it opens from there, from a cold start too.
	b.do(t, chromedp.Navigate(p.URL+"/a/"+id))
	b.waitMounted(t)
	b.waitFor(t, `(document.querySelector("article.reader-article") || {innerText: ""}).innerText.includes("the margins fill with questions")`)

	setOffline(t, b, false)
	// Online, as a guest: the server does not know it, the library still
	// lists it, first.
	openLibrary(t, b, p.URL)
	b.waitFor(t, `(document.querySelector(".card-link") || {}).getAttribute && document.querySelector(".card-link").getAttribute("href") === "/a/`+id+`"`)

	signIn(t, b, p.URL, "paster", true)
	waitSynced(t, b)
	if got := serverArticles(t, p.URL, "paster"); !slices.Contains(got, id) {
		t.Errorf("the server holds articles %v, not the pasted %s", got, id)
	}
	openLibrary(t, b, p.URL)
	b.waitFor(t, `[...document.querySelectorAll(".card-link")].some(a => a.getAttribute("href") === "/a/`+id+`")`)
	noConsoleErrors(t, b, "Failed to load resource", "ERR_INTERNET_DISCONNECTED", "net::ERR")
}

// TestImportBoxBadInput: what the box refuses, it says in a sentence; a
// hostile page pasted in keeps its text and nothing else.
func TestImportBoxBadInput(t *testing.T) {
	p := start(t, "")
	b := newBrowser(t)
	openLibrary(t, b, p.URL)

	b.do(t, chromedp.Evaluate[chromedp.Void](`pasteInto("   ")`))
	if got := importError(t, b); !strings.Contains(got, "nothing to add") {
		t.Errorf("empty paste: %q", got)
	}
	b.do(t, chromedp.Evaluate[chromedp.Void](`dropFile("big.txt", 10*1024*1024 + 1)`))
	b.waitFor(t, errorText+`.includes("10 MB")`)
	if got := importError(t, b); !strings.Contains(got, "big.txt") {
		t.Errorf("oversized file: %q", got)
	}
	b.do(t, chromedp.Evaluate[chromedp.Void](`dropFile("photo.txt", new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 13, 0xff, 0xfe]))`))
	b.waitFor(t, errorText+`.includes("not text")`)
	b.do(t, chromedp.Evaluate[chromedp.Void](`dropFile("paper.pdf", "%PDF-1.7")`))
	b.waitFor(t, errorText+`.includes("paper.pdf")`)
	// A guest cannot import by address: the box says so and offers to
	// sign in.
	b.do(t, chromedp.Evaluate[chromedp.Void](`pasteInto("https://example.com/story")`))
	b.waitFor(t, errorText+`.includes("needs an account")`)
	if got := eval[string](t, b, `document.querySelector("#import-error a").getAttribute("href")`); got != "/account" {
		t.Errorf("sign-in link %q", got)
	}
	b.screenshot(t, "import-error")

	hostile := `<div onclick="window.pwned=1"><h1>A hostile page</h1><script>window.pwned=2</script>
<p onmouseover="window.pwned=3">Its text stays. <a href="javascript:window.pwned=4">bad</a> <a href="https://example.com/ok">good</a></p>
<img src="/x" onerror="window.pwned=5"><iframe srcdoc="<script>parent.pwned=6</script>"></iframe>
<form action="/api/session" method="post"><input name="name"><button>Go</button></form><style>body{display:none}</style></div>`
	b.do(t, chromedp.Evaluate[chromedp.Void](`pasteInto(`+jsString(hostile)+`)`))
	b.waitFor(t, `location.pathname.startsWith("/a/p")`)
	b.waitFor(t, `(document.querySelector("article.reader-article") || {innerText: ""}).innerText.includes("Its text stays.")`)
	got := eval[string](t, b, `document.querySelector("article.reader-article").outerHTML.toLowerCase()`)
	for _, bad := range []string{"<script", "onclick", "onmouseover", "onerror", "javascript:", "<iframe", "<form", "<input", "<style", "pwned"} {
		if strings.Contains(got, bad) {
			t.Errorf("the article holds %q: %s", bad, got)
		}
	}
	if got := eval[string](t, b, `document.querySelector(".article-title").innerText`); got != "A hostile page" {
		t.Errorf("title %q", got)
	}
	if eval[bool](t, b, `"pwned" in window`) {
		t.Error("the pasted page ran code")
	}
	noConsoleErrors(t, b)
}
