package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
)

// asKeyboard sends a key as a keyboard does: a raw key down, then its
// character apart, so that a key down the page takes (preventDefault)
// types nothing, as on a real keyboard. chromedp's plain key down would
// still type the character into whatever has the focus by then.
func asKeyboard(p *input.DispatchKeyEventParams) {
	if p.Type == input.DispatchKeyEventTypeKeyDown {
		p.Type = input.DispatchKeyEventTypeRawKeyDown
	}
}

// wide is a desktop window whose margins hold the notes.
var wide = chromedp.EmulateViewport(1600, 900)

// centerJS scrolls the nth occurrence of a phrase in the article to the
// middle of the view, as a reader would have it before selecting it.
const centerJS = `((from, nth) => {
	const root = document.querySelector("article.reader-article .article-body");
	const w = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
	let n = 0;
	for (let node = w.nextNode(); node; node = w.nextNode()) {
		if (node.data.includes(from) && n++ === nth) {
			const top = node.parentElement.getBoundingClientRect().top + scrollY - innerHeight / 2;
			scrollTo({ top: Math.max(0, top), behavior: "instant" });
			return true;
		}
	}
	return false;
})`

// inViewJS reports whether the first line of the highlight id is inside
// the viewport, above anything at the bottom that covers it (cover is a
// selector, or "").
const inViewJS = `((id, cover) => {
	const m = document.getElementById("hl-" + id);
	if (!m) return false;
	const r = m.getClientRects()[0];
	let bottom = innerHeight;
	const c = cover && document.querySelector(cover);
	if (c) bottom = Math.min(bottom, c.getBoundingClientRect().top);
	return r.top >= 0 && r.bottom <= bottom;
})`

// newestMark returns the id of the highlight made last on the page: the
// one not in before.
func newestMark(t *testing.T, b *browser, before map[string]string) string {
	t.Helper()
	for id := range marks(t, b) {
		if _, ok := before[id]; !ok {
			return id
		}
	}
	t.Fatal("no new highlight on the page")
	return ""
}

// writeNote selects phrase, opens the editor with open (the n key, the
// toolbar's button), checks that it opened focused without moving the
// page, types text into whatever has the focus and saves with
// Ctrl+Enter. It returns the highlight's id.
func writeNote(t *testing.T, b *browser, phrase, text string, open func()) string {
	t.Helper()
	if !eval[bool](t, b, centerJS+`(`+jsString(phrase)+`, 0)`) {
		t.Fatalf("phrase %q not in the article", phrase)
	}
	before := marks(t, b)
	selectText(t, b, phrase, "", 0)
	b.waitFor(t, `!!document.querySelector("#hl-toolbar")`)
	y := eval[float64](t, b, `scrollY`)
	open()
	b.waitFor(t, `document.activeElement && document.activeElement.id === "note-input"`)
	id := newestMark(t, b, before)
	if after := eval[float64](t, b, `scrollY`); after < y-2 || after > y+2 {
		t.Errorf("%q: opening the editor scrolled the page from %v to %v", phrase, y, after)
	}
	if !eval[bool](t, b, inViewJS+`(`+jsString(id)+`, ".note-sheet")`) {
		t.Errorf("%q: the passage is out of view once the editor is open", phrase)
	}
	if !eval[bool](t, b, `(() => { const ta = document.activeElement; return ta.selectionStart === ta.value.length && ta.selectionEnd === ta.value.length; })()`) {
		t.Errorf("%q: the caret is not at the end of the editor's text", phrase)
	}
	// Typed into whatever has the focus: it must be the editor.
	b.do(t, chromedp.KeyEvent(text))
	b.waitFor(t, `document.querySelector("#note-input").value === `+jsString(text))
	b.do(t, chromedp.KeyEvent("\r", chromedp.KeyModifiers(chromedp.ModifierCtrl)))
	b.waitFor(t, `!document.querySelector("#note-editor")`)
	b.waitFor(t, storedJS+`("annotations", `+jsString(id)+`).then(a => !!a && a.note === `+jsString(text)+`)`)
	return id
}

func TestNotesWrittenInPlace(t *testing.T) {
	_, _, b := openSample(t, wide)

	press := func(k string) func() { return func() { b.do(t, chromedp.KeyEvent(k, asKeyboard)) } }
	notes := []struct{ phrase, text string }{
		{"the military alliance", "First thought."},
		{"arms race", "Second thought, typed right away."},
		{"Jens Stoltenberg", "Third: still lands."},
	}
	var ids []string
	for _, n := range notes {
		ids = append(ids, writeNote(t, b, n.phrase, n.text, press("n")))
	}
	// The toolbar's Note button opens the same editor, focused.
	ids = append(ids, writeNote(t, b, "INF", "From the toolbar.", func() { b.do(t, chromedp.Click("#tool-note")) }))

	// Each saved note stands in the margin beside its passage, outside
	// the column.
	for i, id := range ids {
		got := eval[map[string]float64](t, b, `((id) => {
			const n = document.querySelector('#margin-notes > [data-id="' + id + '"]');
			const m = document.getElementById("hl-" + id).getClientRects()[0];
			const col = document.querySelector("article.reader-article").getBoundingClientRect();
			if (!n) return { found: 0 };
			const r = n.getBoundingClientRect();
			return { found: 1, dy: r.top - m.top, left: r.left, right: r.right, col: col.right, vw: document.documentElement.clientWidth, h: r.height };
		})(`+jsString(id)+`)`)
		if got["found"] != 1 {
			t.Errorf("note %d is not in the margin", i)
			continue
		}
		if got["left"] < got["col"] || got["right"] > got["vw"] {
			t.Errorf("note %d spans %v–%v, not between the column (%v) and the window's edge (%v)", i, got["left"], got["right"], got["col"], got["vw"])
		}
		if got["dy"] < -1 || got["dy"] > 1 {
			t.Errorf("note %d is %v px off its passage's first line", i, got["dy"])
		}
	}
	if text := eval[string](t, b, `document.querySelector("#margin-notes").innerText`); !strings.Contains(text, "Third: still lands.") {
		t.Errorf("the margin shows %q", text)
	}
	b.screenshot(t, "notes-margin-light")

	// A card's "Add a note" opens the same editor. Esc with text keeps a
	// draft that survives a reload.
	selectText(t, b, "Russia", "", 0)
	b.do(t, chromedp.KeyEvent("h"))
	b.waitFor(t, `!getSelection().toString()`)
	plain := ""
	for id, text := range marks(t, b) {
		if text == "Russia" {
			plain = id
		}
	}
	b.do(t, chromedp.Click(`article mark[data-a="`+plain+`"]`))
	b.waitFor(t, `!!document.querySelector("#note-add")`)
	y := eval[float64](t, b, `scrollY`)
	b.do(t, chromedp.Click("#note-add"))
	b.waitFor(t, `document.activeElement && document.activeElement.id === "note-input"`)
	if after := eval[float64](t, b, `scrollY`); after < y-2 || after > y+2 {
		t.Errorf("Add a note scrolled the page from %v to %v", y, after)
	}
	b.do(t, chromedp.KeyEvent("half a thought"))
	b.do(t, chromedp.KeyEvent("\x1b"))
	b.waitFor(t, `!document.querySelector("#note-editor")`)
	b.waitFor(t, storedJS+`("drafts", `+jsString(plain)+`).then(d => !!d && d.text === "half a thought")`)
	b.do(t, chromedp.Reload())
	b.waitMounted(t)
	b.waitFor(t, `!!document.querySelector('#margin-notes > .is-draft[data-id="`+plain+`"]')`)
	if got := eval[string](t, b, `document.querySelector('#margin-notes > [data-id="`+plain+`"]').innerText`); !strings.Contains(got, "half a thought") || !strings.Contains(strings.ToLower(got), "draft") {
		t.Errorf("the draft shows as %q", got)
	}
	b.do(t, chromedp.Evaluate[chromedp.Void](`document.querySelector('#margin-notes > [data-id="`+plain+`"]').scrollIntoView({block: "center"})`))
	b.do(t, chromedp.Click(`#margin-notes > [data-id="`+plain+`"] .mnote-edit`))
	b.waitFor(t, `document.activeElement && document.activeElement.id === "note-input" && document.activeElement.value === "half a thought"`)
	b.do(t, chromedp.KeyEvent(", finished"))
	b.do(t, chromedp.KeyEvent("\r", chromedp.KeyModifiers(chromedp.ModifierCtrl)))
	b.waitFor(t, storedJS+`("annotations", `+jsString(plain)+`).then(a => !!a && a.note === "half a thought, finished")`)
	b.waitFor(t, storedJS+`("drafts", `+jsString(plain)+`).then(d => !d)`)
	if n := eval[int](t, b, `document.querySelectorAll("#margin-notes > .mnote").length`); n != 5 {
		t.Errorf("%d notes in the margin, want 5", n)
	}
	noConsoleErrors(t, b)
}

// notesOf returns the ids of the notes on the page's margin, in order.
func notesOf(t *testing.T, b *browser) []string {
	t.Helper()
	return eval[[]string](t, b, `[...document.querySelectorAll("#margin-notes > [data-id]")].map(n => n.dataset.id)`)
}
