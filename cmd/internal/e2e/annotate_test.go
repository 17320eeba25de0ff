package e2e

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// selectJS defines window.sel(from, to, nth): it selects, inside the
// article's text, from the start of the nth occurrence of `from` to the
// end of the first `to` after it (or of `from` itself), as a reader's
// mouse or finger would, and reports whether it found them.
const selectJS = `window.sel = (from, to, nth) => {
	const root = document.querySelector("article.reader-article .article-body");
	const w = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
	let start = null, n = 0, node;
	while ((node = w.nextNode())) {
		let i = -1;
		while ((i = node.data.indexOf(from, i + 1)) >= 0) {
			if (n++ === (nth || 0)) { start = [node, i]; break; }
		}
		if (start) break;
	}
	if (!start) return false;
	let end = null;
	const target = to || from;
	w.currentNode = start[0];
	let first = true;
	for (node = start[0]; node; node = w.nextNode()) {
		const i = node.data.indexOf(target, first ? start[1] : 0);
		first = false;
		if (i >= 0) { end = [node, i + target.length]; break; }
	}
	if (!end) return false;
	const r = document.createRange();
	r.setStart(start[0], start[1]);
	r.setEnd(end[0], end[1]);
	const s = getSelection();
	s.removeAllRanges();
	s.addRange(r);
	return true;
}; true`

// marksJS returns the text of each highlight on the page, by annotation
// id, marks of one annotation joined in document order.
const marksJS = `(() => {
	const out = {};
	for (const m of document.querySelectorAll("article mark[data-a]")) {
		out[m.dataset.a] = (out[m.dataset.a] || "") + m.textContent;
	}
	return out;
})()`

// openArticle opens the sample article and waits until its model is
// there, so highlighting can start.
func openArticle(t *testing.T, b *browser, url string) {
	t.Helper()
	b.do(t, chromedp.Navigate(url))
	b.waitMounted(t)
	b.waitFor(t, `performance.getEntriesByName("margin-article-ready").length > 0 || performance.getEntriesByName("margin-annotations-painted").length > 0`)
	b.waitFor(t, `performance.getEntriesByName("margin-annotations-painted").length > 0`)
	b.do(t, chromedp.Evaluate[chromedp.Void](selectJS))
}

// openSample starts a server and a browser, runs setup, and opens the
// sample article ready for highlighting.
func openSample(t *testing.T, setup ...chromedp.Action[chromedp.Void]) (*proc, string, *browser) {
	t.Helper()
	p := start(t, "")
	id := sampleID(t, p.URL)
	b := newBrowser(t)
	if len(setup) > 0 {
		b.do(t, setup...)
	}
	openArticle(t, b, p.URL+"/a/"+id)
	return p, id, b
}

// storedJS is a promise for the record with a key in a store of the
// app's database, or null.
const storedJS = `((store, key) => new Promise((ok, fail) => {
	const r = indexedDB.open("margin");
	r.onsuccess = () => {
		const g = r.result.transaction(store).objectStore(store).get(key);
		g.onsuccess = () => { r.result.close(); ok(g.result === undefined ? null : g.result); };
		g.onerror = () => fail(g.error);
	};
	r.onerror = () => fail(r.error);
}))`

// marks returns the highlights on the page: annotation id → its text.
func marks(t *testing.T, b *browser) map[string]string {
	t.Helper()
	return eval[map[string]string](t, b, marksJS)
}

// theMark returns the id and text of the one highlight on the page, and
// fails the test when there is not exactly one.
func theMark(t *testing.T, b *browser) (id, text string) {
	t.Helper()
	got := marks(t, b)
	if len(got) != 1 {
		t.Fatalf("want one highlight, have %v", got)
	}
	for k, v := range got {
		id, text = k, v
	}
	return id, text
}

func selectText(t *testing.T, b *browser, from, to string, nth int) {
	t.Helper()
	js := `sel(` + jsString(from) + `, ` + jsString(to) + `, ` + string(rune('0'+nth)) + `)`
	if !eval[bool](t, b, js) {
		t.Fatalf("text not found: %q … %q", from, to)
	}
}

func jsString(s string) string {
	return "`" + strings.NewReplacer("`", "\\`", "\\", "\\\\", "$", "\\$").Replace(s) + "`"
}

func TestHighlightKeyboardReloadOffline(t *testing.T) {
	p, id, b := openSample(t)

	const phrase = "the military alliance"
	selectText(t, b, phrase, "", 0)
	b.waitFor(t, `!!document.querySelector("#hl-toolbar")`)
	b.screenshot(t, "annotate-toolbar-light")
	b.do(t, chromedp.KeyEvent("h"))
	b.waitFor(t, `document.querySelectorAll("article mark[data-a]").length > 0`)
	annID, text := theMark(t, b)
	if text != phrase {
		t.Fatalf("mark text %q, want %q", text, phrase)
	}
	// The mark is drawn straight into the page; the toolbar goes with the
	// app's next render.
	b.waitFor(t, `!document.querySelector("#hl-toolbar")`)
	// Saved before any network: it is in IndexedDB.
	b.waitFor(t, storedJS+`("annotations", `+jsString(annID)+`).then(a => !!a && a.target.exact === `+jsString(phrase)+`)`)

	// Reload: still there.
	b.do(t, chromedp.Reload())
	b.waitMounted(t)
	b.waitFor(t, `!!document.querySelector('article mark[data-a="`+annID+`"]')`)
	if got := marks(t, b)[annID]; got != phrase {
		t.Errorf("after reload the mark holds %q", got)
	}

	// A new tab, with the server gone: the article and its mark open from
	// the device.
	b.waitFor(t, `navigator.serviceWorker.ready.then(() => !!navigator.serviceWorker.controller)`)
	if err := p.stop(t); err != nil {
		t.Fatalf("server exit: %v", err)
	}
	tab, cancel := chromedp.NewContext(b.ctx)
	defer cancel()
	nb := &browser{ctx: tab}
	nb.do(t, chromedp.Navigate(p.URL+"/a/"+id))
	nb.waitMounted(t)
	nb.waitFor(t, `!!document.querySelector('article mark[data-a="`+annID+`"]')`)
	if got := marks(t, nb)[annID]; got != phrase {
		t.Errorf("offline the mark holds %q", got)
	}
	if !eval[bool](t, nb, `document.querySelector("article").innerText.includes(`+jsString(firstParagraph)+`)`) {
		t.Error("offline the article text is missing")
	}
	nb.screenshot(t, "annotate-offline")
	noConsoleErrors(t, b)
}

func TestHighlightAcrossParagraphsAndOverlap(t *testing.T) {
	_, _, b := openSample(t)

	// Across two paragraphs: the mark's text is both pieces, and the
	// quote keeps the paragraph break.
	text := eval[[]string](t, b, `[...document.querySelectorAll(".article-body > p")].slice(1, 3).map(p => p.innerText)`)
	if len(text) != 2 {
		t.Fatalf("paragraphs: %v", text)
	}
	first := text[0][len(text[0])-30:]
	second := text[1][:25]
	selectText(t, b, first, second, 0)
	b.do(t, chromedp.KeyEvent("h"))
	b.waitFor(t, `document.querySelectorAll("article mark[data-a]").length >= 2`)
	spanID, spanText := theMark(t, b)
	if spanText != first+second {
		t.Errorf("two-paragraph mark holds %q, want %q", spanText, first+second)
	}
	// The copied quote keeps the break: read it from the database.
	exact := eval[string](t, b, storedJS+`("annotations", `+jsString(spanID)+`).then(a => a ? a.target.exact : "")`)
	if exact != first+"\n\n"+second {
		t.Errorf("stored quote %q", exact)
	}

	// An overlapping highlight in another colour: both stay, nested.
	overlap := second[5:20]
	selectText(t, b, overlap, "", 0)
	b.waitFor(t, `!!document.querySelector("#hl-toolbar")`)
	b.do(t, chromedp.Click(`#hl-toolbar .swatch-blue`))
	b.waitFor(t, `document.querySelectorAll("article mark.hl-blue").length > 0`)
	got := marks(t, b)
	if len(got) != 2 {
		t.Fatalf("marks after overlap: %v", got)
	}
	for k, v := range got {
		if k != spanID && v != strings.TrimSpace(overlap) {
			t.Errorf("overlap mark holds %q", v)
		}
	}
	if !eval[bool](t, b, `!!document.querySelector("article mark.hl-yellow mark.hl-blue")`) {
		t.Error("overlapping marks are not nested")
	}
	// Each is clickable: the inner opens the blue one, the outer part the yellow.
	b.do(t, chromedp.Click(`article mark.hl-blue`))
	b.waitFor(t, `!!document.querySelector("#popover .swatch-blue[aria-pressed=true]")`)
	b.screenshot(t, "annotate-popover-light")
	b.do(t, chromedp.KeyEvent("\x1b")) // Escape
	b.waitFor(t, `!document.querySelector("#popover")`)
	b.do(t, chromedp.Click(`article mark[data-a="`+spanID+`"]`))
	b.waitFor(t, `!!document.querySelector("#popover .swatch-yellow[aria-pressed=true]")`)

	// A selection reaching outside the article does nothing.
	b.do(t, chromedp.KeyEvent("\x1b"))
	eval[bool](t, b, `(() => { const r = document.createRange(); r.setStart(document.querySelector(".article-title").firstChild, 0);
		r.setEnd(document.querySelector(".article-body p").firstChild, 10); getSelection().removeAllRanges(); getSelection().addRange(r); return true; })()`)
	b.do(t, chromedp.KeyEvent("h"))
	time.Sleep(200 * time.Millisecond)
	if n := len(marks(t, b)); n != 2 {
		t.Errorf("a selection crossing the article's edge made a highlight: %d", n)
	}
	noConsoleErrors(t, b)
}

func TestNoteIsTextDeleteAndUndo(t *testing.T) {
	_, _, b := openSample(t)

	selectText(t, b, "Jens Stoltenberg", "", 0)
	b.do(t, chromedp.KeyEvent("n"))
	b.waitFor(t, `!!document.querySelector("#note-input")`)
	// Past the limit the counter says so and the note cannot be saved.
	b.do(t, chromedp.Evaluate[chromedp.Void](`(() => { const ta = document.querySelector("#note-input");
		ta.value = "x".repeat(10001); ta.dispatchEvent(new Event("input", { bubbles: true })); })()`))
	b.waitFor(t, `document.querySelector("#note-counter").classList.contains("over") && document.querySelector("#note-save").disabled`)
	b.do(t, chromedp.Evaluate[chromedp.Void](`(() => { const ta = document.querySelector("#note-input");
		ta.value = ""; ta.dispatchEvent(new Event("input", { bubbles: true })); })()`))
	b.waitFor(t, `!document.querySelector("#note-save").disabled`)
	const hostile = "<script>alert(1)</script> and <img src=x onerror=alert(2)> **bold**"
	b.do(t, chromedp.SendKeys("#note-input", hostile))
	b.waitFor(t, `document.querySelector("#note-counter").innerText.startsWith("`+strconv.Itoa(len([]rune(hostile)))+` /")`)
	b.do(t, chromedp.Click("#note-save"))
	b.waitFor(t, `!document.querySelector("#note-editor")`)
	b.do(t, chromedp.Click(`article mark[data-a]`))
	b.waitFor(t, `!!document.querySelector("#popover .note-body")`)
	body := eval[string](t, b, `document.querySelector("#popover .note-body").innerText`)
	if !strings.Contains(body, "<script>alert(1)</script>") || !strings.Contains(body, "<img src=x onerror=alert(2)>") {
		t.Errorf("the note's markup is not shown as text: %q", body)
	}
	if eval[bool](t, b, `!!document.querySelector("#popover .note-body script, #popover .note-body img")`) {
		t.Error("the note's HTML became elements")
	}
	if !eval[bool](t, b, `!!document.querySelector("#popover .note-body strong")`) {
		t.Error("the note's Markdown is not formatted")
	}
	// A tag, then the panel lists the highlight with its note and tag.
	b.do(t, chromedp.SendKeys("#tag-input", "nato\r"))
	b.waitFor(t, `[...document.querySelectorAll("#popover .tag")].some(t => t.innerText.includes("nato"))`)
	b.do(t, chromedp.Click("#panel-button"))
	b.waitFor(t, `!!document.querySelector("#panel .panel-item")`)
	b.screenshot(t, "annotate-panel-light")
	// Dark theme pictures of the same.
	b.do(t, chromedp.Click("#theme-toggle"))
	b.waitFor(t, `document.documentElement.dataset.theme === "dark"`)
	b.screenshot(t, "annotate-panel-dark")
	b.do(t, chromedp.Click("#panel-close"))

	// Delete, then undo.
	b.do(t, chromedp.Click(`article mark[data-a]`))
	b.waitFor(t, `!!document.querySelector("#pop-delete")`)
	b.screenshot(t, "annotate-popover-dark")
	b.do(t, chromedp.Click("#pop-delete"))
	b.waitFor(t, `document.querySelectorAll("article mark[data-a]").length === 0 && !!document.querySelector("#undo")`)
	b.do(t, chromedp.Click("#undo"))
	b.waitFor(t, `document.querySelectorAll("article mark[data-a]").length === 1`)
	id := eval[string](t, b, `document.querySelector("article mark[data-a]").dataset.a`)
	b.waitFor(t, storedJS+`("annotations", "`+id+`").then(a => !!a)`)
	// Undone for good: after a reload it is there, note and all.
	b.do(t, chromedp.Reload())
	b.waitMounted(t)
	b.waitFor(t, `document.querySelectorAll("article mark[data-a]").length === 1`)
	b.do(t, chromedp.Click(`article mark[data-a]`))
	b.waitFor(t, `!!document.querySelector("#popover .note-body")`)
	noConsoleErrors(t, b)
}

func TestTwoTabsSeeEachOther(t *testing.T) {
	p, id, b := openSample(t)
	tab, cancel := chromedp.NewContext(b.ctx)
	defer cancel()
	other := &browser{ctx: tab}
	openArticle(t, other, p.URL+"/a/"+id)

	selectText(t, b, "arms race", "", 0)
	b.do(t, chromedp.KeyEvent("h"))
	b.waitFor(t, `document.querySelectorAll("article mark[data-a]").length === 1`)
	ctx, stop := context.WithTimeout(other.ctx, time.Second)
	defer stop()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.querySelectorAll("article mark[data-a]").length === 1`)); err != nil {
		t.Fatalf("the other tab did not show the highlight within a second: %v", err)
	}
	if got := marks(t, other); len(got) != 1 {
		t.Errorf("other tab: %v", got)
	}
	noConsoleErrors(t, b)
}

func TestPhoneTouchAndSentenceKeys(t *testing.T) {
	_, _, b := openSample(t, chromedp.EmulateViewport(360, 740, chromedp.EmulateMobile, chromedp.EmulateTouch))

	// A long press selects a word and the reader drags the handles: the
	// page sees a selection change, as here.
	selectText(t, b, "Stoltenberg", "", 1)
	b.waitFor(t, `!!document.querySelector("#hl-toolbar")`)
	// On a phone the toolbar sits below the selection, clear of the
	// system's own menu above it.
	below := eval[bool](t, b, `document.querySelector("#hl-toolbar").getBoundingClientRect().top >= getSelection().getRangeAt(0).getBoundingClientRect().bottom`)
	if !below {
		t.Error("the toolbar is not below the selection on a phone")
	}
	b.screenshot(t, "annotate-phone-toolbar")
	b.do(t, chromedp.Tap(`#hl-toolbar .swatch-green`))
	b.waitFor(t, `document.querySelectorAll("article mark.hl-green").length === 1`)
	if got := eval[string](t, b, `document.querySelector("article mark.hl-green").textContent`); got != "Stoltenberg" {
		t.Errorf("tapped highlight holds %q", got)
	}
	b.do(t, chromedp.Tap("#panel-button"))
	b.waitFor(t, `!!document.querySelector("#panel .panel-item")`)
	b.screenshot(t, "annotate-phone-sheet")
	if !eval[bool](t, b, `document.querySelector("#panel").getBoundingClientRect().bottom >= innerHeight - 1 && document.querySelector("#panel").getBoundingClientRect().width >= innerWidth - 1`) {
		t.Error("on a phone the panel is not a bottom sheet")
	}
	b.do(t, chromedp.Tap("#panel-close"))

	// Keyboard only: ] selects the first sentence in view, Shift+] adds
	// the next, h highlights both.
	b.do(t, chromedp.Evaluate[chromedp.Void](`getSelection().removeAllRanges(); scrollTo(0, 0)`))
	b.do(t, chromedp.KeyEvent("]"))
	b.waitFor(t, `getSelection().toString().length > 0`)
	one := eval[string](t, b, `getSelection().toString()`)
	b.do(t, chromedp.KeyEvent("}", chromedp.KeyModifiers(chromedp.ModifierShift)))
	b.waitFor(t, `getSelection().toString().length > `+strconv.Itoa(len(one)))
	two := eval[string](t, b, `getSelection().toString()`)
	if !strings.HasPrefix(two, one) {
		t.Errorf("extending changed the start: %q then %q", one, two)
	}
	b.do(t, chromedp.KeyEvent("h"))
	b.waitFor(t, `document.querySelectorAll("article mark[data-a]").length >= 2`)
	noConsoleErrors(t, b)
}

// putJS writes one annotation record into the browser's database as the
// app keeps them.
const putJS = `((rec) => new Promise((ok, fail) => {
	const r = indexedDB.open("margin");
	r.onsuccess = () => {
		const tx = r.result.transaction("annotations", "readwrite");
		tx.objectStore("annotations").put(rec);
		tx.oncomplete = () => { r.result.close(); ok(true); };
		tx.onerror = () => fail(tx.error);
	};
	r.onerror = () => fail(r.error);
}))`

func TestOrphanReattachAndHighlightsPage(t *testing.T) {
	p, id, b := openSample(t)

	// An annotation made on an earlier version of the article: its
	// passage was rewritten since, so it cannot be placed with confidence.
	// A record another program left behind sits beside it.
	rec := `{v: 1, id: "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", article: "` + id + `",
		target: {exact: "NATO Secretary General Jan Stoltenburg had once said how this militray aliance was now studyng",
			prefix: "", suffix: "", start: 40, end: 134,
			hash: "0000000000000000000000000000000000000000000000000000000000000000"},
		color: "pink", note: "from the first draft", created: "2026-01-01T00:00:00.000Z", modified: "2026-01-01T00:00:00.000Z"}`
	eval[bool](t, b, putJS+`(`+rec+`)`)
	eval[bool](t, b, putJS+`({id: "junk", article: "`+id+`", hello: "world"})`)
	selectText(t, b, "arms race", "", 0)
	b.do(t, chromedp.KeyEvent("h"))
	b.waitFor(t, `!!document.querySelector("article mark[data-a]")`)
	made := eval[string](t, b, `document.querySelector("article mark[data-a]").dataset.a`)
	b.waitFor(t, storedJS+`("annotations", "`+made+`").then(a => !!a)`)
	b.do(t, chromedp.Reload())
	b.waitMounted(t)
	b.waitFor(t, `performance.getEntriesByName("margin-annotations-painted").length > 0`)
	b.do(t, chromedp.Click("#panel-button"))
	b.waitFor(t, `!!document.querySelector("#orphans .panel-item")`)
	if got := eval[string](t, b, `document.querySelector("#orphans").innerText`); !strings.Contains(got, "militray aliance") || !strings.Contains(got, "from the first draft") {
		t.Errorf("the orphan's quote and note are not listed: %q", got)
	}
	if eval[int](t, b, `document.querySelectorAll('article mark[data-a="0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"]').length`) != 0 {
		t.Error("the orphan is drawn in the text")
	}
	b.screenshot(t, "annotate-orphans")
	if eval[int](t, b, `document.querySelectorAll("#orphans .candidate").length`) > 0 {
		b.do(t, chromedp.Click("#orphans .candidate"))
		b.waitFor(t, `document.querySelectorAll('article mark[data-a="0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"]').length > 0 && !document.querySelector("#orphans")`)
	} else {
		t.Error("no place offered to re-attach the orphan")
	}

	// j and k walk the highlights in the text.
	b.do(t, chromedp.Click("#panel-close"), chromedp.Evaluate[chromedp.Void](`scrollTo(0, 0)`))
	b.do(t, chromedp.KeyEvent("j"))
	b.waitFor(t, `!!document.querySelector("article mark.hl-flash")`)
	first := eval[string](t, b, `document.querySelector("article mark.hl-flash").dataset.a`)
	b.do(t, chromedp.KeyEvent("j"))
	b.waitFor(t, `!!document.querySelector("article mark.hl-flash:not([data-a='`+first+`'])")`)
	// Enter opens the card of the highlight j went to.
	second := eval[string](t, b, `document.querySelector("article mark.hl-flash:not([data-a='`+first+`'])").dataset.a`)
	b.do(t, chromedp.KeyEvent("\r"))
	b.waitFor(t, `!!document.querySelector("#popover")`)
	b.do(t, chromedp.KeyEvent("\x1b"))
	b.waitFor(t, `!document.querySelector("#popover")`)

	// A link to one highlight opens the article with that mark shown.
	b.do(t, chromedp.Navigate(p.URL+"/a/"+id+"#h="+second))
	b.waitMounted(t)
	b.waitFor(t, `!!document.querySelector("article mark.hl-flash[data-a='`+second+`']")`)

	// The page of every highlight lists both, newest first, and searches.
	b.do(t, chromedp.Navigate(p.URL+"/highlights"))
	b.waitMounted(t)
	b.waitFor(t, `document.querySelectorAll(".highlight-card").length === 2`)
	if got := eval[string](t, b, `document.querySelector(".highlight-card .highlight-quote").innerText`); got != "arms race" {
		t.Errorf("newest first: %q", got)
	}
	if !eval[bool](t, b, `document.querySelector(".highlight-source").innerText.startsWith("Stoltenberg")`) {
		t.Error("the highlight does not name its article")
	}
	b.do(t, chromedp.SendKeys("#highlights-search", "draft"))
	b.waitFor(t, `document.querySelectorAll(".highlight-card").length === 1`)
	b.screenshot(t, "highlights-page")
	// Offline too: the page comes from the service worker's shell and the
	// highlights from the device.
	b.waitFor(t, `navigator.serviceWorker.ready.then(() => !!navigator.serviceWorker.controller)`)
	if err := p.stop(t); err != nil {
		t.Fatalf("server exit: %v", err)
	}
	b.do(t, chromedp.Navigate(p.URL+"/highlights"))
	b.waitMounted(t)
	b.waitFor(t, `document.querySelectorAll(".highlight-card").length === 2`)
	noConsoleErrors(t, b, "Failed to load resource", "ERR_CONNECTION_REFUSED")
}

func TestFullStorageKeepsHighlight(t *testing.T) {
	_, _, b := openSample(t)

	// The browser's storage fills up: every write is refused as a full
	// quota would refuse it.
	b.do(t, chromedp.Evaluate[chromedp.Void](`window.realPut = IDBObjectStore.prototype.put;
		IDBObjectStore.prototype.put = function () { throw new DOMException("The quota has been exceeded.", "QuotaExceededError"); }`))
	selectText(t, b, "arms race", "", 0)
	b.do(t, chromedp.KeyEvent("h"))
	b.waitFor(t, `!!document.querySelector("#warn")`)
	if got := eval[string](t, b, `document.querySelector("#warn").innerText`); !strings.Contains(got, "storage is full") {
		t.Errorf("warning: %q", got)
	}
	if n := len(marks(t, b)); n != 1 {
		t.Fatalf("the highlight is not kept on the page: %d marks", n)
	}
	b.screenshot(t, "annotate-storage-full")

	// Room again: the next highlight saves both.
	b.do(t, chromedp.Evaluate[chromedp.Void](`IDBObjectStore.prototype.put = window.realPut`))
	selectText(t, b, "Jens Stoltenberg", "", 1)
	b.do(t, chromedp.KeyEvent("h"))
	b.waitFor(t, `!document.querySelector("#warn")`)
	b.do(t, chromedp.Reload())
	b.waitMounted(t)
	b.waitFor(t, `performance.getEntriesByName("margin-annotations-painted").length > 0`)
	if n := len(marks(t, b)); n != 2 {
		t.Errorf("after reload %d highlights, want 2", n)
	}
	noConsoleErrors(t, b, "storage is full") // the app logs the refused write
}

// unicodeArticle has characters outside the Basic Multilingual Plane
// (two UTF-16 units each, one code point), CJK and a combining mark.
const unicodeArticle = "---\ntitle: Unicode marks\n---\n\n" +
	"Café 😀 smiles: the 🎉 party starts at *noon* today.\n\n" +
	"東京は大きい都市です。京都は古い都市です。\n\n" +
	"A cafe\u0301 and a 👩\u200d👩\u200d👧 family walk in.\n"

func TestHighlightOffsetsAreCodePoints(t *testing.T) {
	data := t.TempDir()
	if err := os.MkdirAll(filepath.Join(data, "articles"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(data, "articles", "unicode.md"), []byte(unicodeArticle), 0o644); err != nil {
		t.Fatal(err)
	}
	p := start(t, data)
	id := articleID(t, p.URL, "Unicode marks")
	b := newBrowser(t)
	openArticle(t, b, p.URL+"/a/"+id)

	paras := []string{
		"Café 😀 smiles: the 🎉 party starts at noon today.",
		"東京は大きい都市です。京都は古い都市です。",
		"A cafe\u0301 and a 👩\u200d👩\u200d👧 family walk in.",
	}
	text := strings.Join(paras, "\n\n")
	cases := []struct{ from, to string }{
		{"party starts at ", "no"},     // after two astral characters, into emphasis
		{"京都は古い", ""},                  // CJK
		{"👩\u200d👩\u200d👧 family", ""}, // starts with a joined emoji
		{"smiles", "大きい"},              // across paragraphs
	}
	for _, c := range cases {
		selectText(t, b, c.from, c.to, 0)
		b.do(t, chromedp.KeyEvent("h"))
		b.waitFor(t, `!getSelection().toString()`)
	}
	b.waitFor(t, `document.querySelectorAll("article mark[data-a]").length >= 4`)
	// A highlight is written to the device right after it is drawn.
	b.waitFor(t, `new Promise(ok => { const r = indexedDB.open("margin"); r.onsuccess = () => {
		const c = r.result.transaction("annotations").objectStore("annotations").count();
		c.onsuccess = () => ok(c.result >= `+strconv.Itoa(len(cases))+`); }; })`)
	got := eval[[]map[string]any](t, b, `new Promise(ok => { const r = indexedDB.open("margin"); r.onsuccess = () => {
		const g = r.result.transaction("annotations").objectStore("annotations").getAll();
		g.onsuccess = () => ok(g.result.map(a => a.target)); }; })`)
	if len(got) != len(cases) {
		t.Fatalf("%d annotations stored, want %d", len(got), len(cases))
	}
	for _, c := range cases {
		want := c.from
		if c.to != "" {
			want = text[strings.Index(text, c.from) : strings.Index(text, c.to)+len(c.to)]
		}
		start := len([]rune(text[:strings.Index(text, c.from)]))
		end := start + len([]rune(want))
		found := false
		for _, g := range got {
			if g["exact"] == want {
				found = true
				if int(g["start"].(float64)) != start || int(g["end"].(float64)) != end {
					t.Errorf("%q stored at %v–%v, want code points %d–%d", want, g["start"], g["end"], start, end)
				}
			}
		}
		if !found {
			t.Errorf("no annotation holds %q; stored: %v", want, got)
		}
	}
	// Reopened, each mark holds its text again.
	b.do(t, chromedp.Reload())
	b.waitMounted(t)
	b.waitFor(t, `document.querySelectorAll("article mark[data-a]").length >= 4`)
	var texts []string
	for _, v := range marks(t, b) {
		texts = append(texts, v)
	}
	for _, want := range []string{"party starts at no", "京都は古い", "👩\u200d👩\u200d👧 family"} {
		if !slices.Contains(texts, want) {
			t.Errorf("after reload no mark holds %q: %q", want, texts)
		}
	}
	// The toolbar in the dark theme.
	b.do(t, chromedp.Click("#theme-toggle"), chromedp.Evaluate[chromedp.Void](selectJS))
	selectText(t, b, "walk in", "", 0)
	b.waitFor(t, `!!document.querySelector("#hl-toolbar")`)
	b.screenshot(t, "annotate-toolbar-dark")
	noConsoleErrors(t, b)
}

func TestWholeParagraphSelection(t *testing.T) {
	_, _, b := openSample(t)
	// As a triple click selects: from the paragraph's start to the start of
	// the next block, an element boundary outside any text.
	want := eval[string](t, b, `(() => {
		const ps = document.querySelectorAll(".article-body > p");
		const r = document.createRange();
		r.setStart(ps[4], 0);
		r.setEnd(ps[5], 0);
		getSelection().removeAllRanges();
		getSelection().addRange(r);
		return ps[4].textContent;
	})()`)
	b.waitFor(t, `!!document.querySelector("#hl-toolbar")`)
	b.do(t, chromedp.KeyEvent("h"))
	b.waitFor(t, `document.querySelectorAll("article mark[data-a]").length > 0`)
	for _, v := range marks(t, b) {
		if v != want {
			t.Errorf("the mark holds %q, want the whole paragraph %q", v, want)
		}
	}
	if n := eval[int](t, b, `document.querySelectorAll(".article-body > p")[5].querySelectorAll("mark").length`); n != 0 {
		t.Errorf("the next paragraph got %d marks", n)
	}
	noConsoleErrors(t, b)
}
