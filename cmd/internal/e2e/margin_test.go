package e2e

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// seedNotesJS writes highlights with notes straight into the app's
// database as the app keeps them (records of version 1, which it reads),
// and resolves to how many it wrote. spec says where: "spread" puts one
// a paragraph, round after round, "one" puts them all in the longest
// paragraph; notes[i] is the i-th note's text (cycled).
const seedNotesJS = `(async (n, spec, notes) => {
	const id = location.pathname.split("/").pop();
	const hash = (await (await fetch("/api/articles/" + id)).json()).meta.hash;
	let leaves = [...document.querySelectorAll("article .article-body > p[data-o]")]
		.map((el) => ({ start: +el.dataset.o, cps: Array.from(el.textContent) }))
		.filter((l) => l.cps.length > 80);
	if (spec === "one") leaves = [leaves.sort((a, b) => b.cps.length - a.cps.length)[0]];
	const db = await new Promise((ok, fail) => { const r = indexedDB.open("margin"); r.onsuccess = () => ok(r.result); r.onerror = () => fail(r.error); });
	const tx = db.transaction("annotations", "readwrite");
	const store = tx.objectStore("annotations");
	const colors = ["yellow", "green", "blue", "pink", "purple"];
	const per = Math.ceil(n / leaves.length);
	for (let k = 0; k < n; k++) {
		const leaf = leaves[k % leaves.length], slot = Math.floor(k / leaves.length);
		const width = Math.max(3, Math.floor((leaf.cps.length - 4) / per));
		const from = 2 + slot * width, to = Math.min(leaf.cps.length, from + Math.max(3, width - 1));
		const now = new Date(Date.UTC(2026, 0, 1, 0, 0, 0, k)).toISOString();
		store.put({ v: 1, id: crypto.randomUUID(), article: id,
			target: { exact: leaf.cps.slice(from, to).join(""), prefix: leaf.cps.slice(Math.max(0, from - 32), from).join(""),
				suffix: leaf.cps.slice(to, to + 32).join(""), start: leaf.start + from, end: leaf.start + to, hash },
			color: colors[k % 5], note: notes[k % notes.length], created: now, modified: now });
	}
	await new Promise((ok, fail) => { tx.oncomplete = ok; tx.onerror = () => fail(tx.error); });
	db.close();
	return n;
})`

// marginJS checks the notes in the margin against their passages: every
// note is shown, outside the column, inside the window, at or below its
// passage's first line, and no two overlap. It returns the problems.
const marginJS = `((strict) => {
	const bad = [];
	const col = document.querySelector("article.reader-article").getBoundingClientRect();
	const rtl = getComputedStyle(document.querySelector("article.reader-article")).direction === "rtl";
	const vw = document.documentElement.clientWidth;
	const boxes = [...document.querySelectorAll("#margin-notes > [data-id]")].map((n) => {
		const r = n.getBoundingClientRect();
		const m = document.getElementById("hl-" + n.dataset.id);
		const line = m && m.getClientRects()[0];
		if (getComputedStyle(n).display === "none" || r.height === 0) bad.push(n.dataset.id + " hidden");
		if (!line) bad.push(n.dataset.id + " has no passage");
		if (rtl ? r.right > col.left : r.left < col.right) bad.push(n.dataset.id + " over the column");
		if (r.left < 0 || r.right > vw) bad.push(n.dataset.id + " off the window " + r.left + "–" + r.right);
		if (strict && line && r.top < line.top - 1) bad.push(n.dataset.id + " above its passage");
		if (n.scrollWidth > n.clientWidth + 1) bad.push(n.dataset.id + " overflows sideways");
		return { id: n.dataset.id, top: r.top, bottom: r.bottom };
	});
	boxes.sort((a, b) => a.top - b.top);
	for (let i = 1; i < boxes.length; i++) {
		if (boxes[i].top < boxes[i - 1].bottom) bad.push(boxes[i - 1].id + " and " + boxes[i].id + " overlap");
	}
	return bad;
})`

// seedNotes writes n notes into the database and reloads the article.
func seedNotes(t *testing.T, b *browser, n int, spec string, notes ...string) {
	t.Helper()
	list := "["
	for i, s := range notes {
		if i > 0 {
			list += ","
		}
		list += jsString(s)
	}
	list += "]"
	if got := eval[int](t, b, seedNotesJS+`(`+strconv.Itoa(n)+`, "`+spec+`", `+list+`)`); got != n {
		t.Fatalf("wrote %d notes, not %d", got, n)
	}
	b.do(t, chromedp.Reload())
	b.waitMounted(t)
	b.waitFor(t, `document.querySelectorAll("#margin-notes > .mnote").length === `+strconv.Itoa(n))
	b.waitFor(t, `performance.getEntriesByName("margin-notes-placed").length > 0`)
}

// checkMargin fails the test when marginJS finds problems; strict also
// wants no note above its passage, as when none is selected.
func checkMargin(t *testing.T, b *browser, when string, strict bool) {
	t.Helper()
	// Two frames: a relayout runs before the frame it is painted in.
	eval[bool](t, b, `new Promise(ok => requestAnimationFrame(() => requestAnimationFrame(() => ok(true))))`)
	if bad := eval[[]string](t, b, marginJS+"("+strconv.FormatBool(strict)+")"); len(bad) > 0 {
		if len(bad) > 8 {
			bad = append(bad[:8], "…")
		}
		t.Errorf("%s: %s", when, strings.Join(bad, "; "))
	}
}

func TestMarginNotesFiftyAndBadInput(t *testing.T) {
	_, _, b := openSample(t, wide)
	long := strings.Repeat("A long note that goes on. ", 385)[:10000]
	word := strings.Repeat("w", 2000)
	seedNotes(t, b, 50, "spread", "A short note.", "A note with **Markdown** and a [link](https://example.com).", long, word,
		"Two lines,\nof a note.")
	checkMargin(t, b, "50 notes on the sample", true)
	// The 10,000-character note is clamped, with "more" to see it all.
	b.do(t, chromedp.Evaluate[chromedp.Void](`document.querySelector("#margin-notes > [data-clamp='1']").scrollIntoView({block: "center"})`))
	short := eval[float64](t, b, `document.querySelector("#margin-notes > [data-clamp='1']").getBoundingClientRect().height`)
	if short > 320 {
		t.Errorf("a clamped note is %v px high", short)
	}
	b.screenshot(t, "margin-fifty-light")
	b.do(t, chromedp.Click(`#margin-notes > [data-clamp='1'] .mnote-more`))
	b.waitFor(t, `[...document.querySelectorAll("#margin-notes > [data-clamp='0'] .mnote-more")].some(m => m.getAttribute("aria-expanded") === "true")`)
	checkMargin(t, b, "a long note opened", true)
	// The theme, and a larger text: the notes follow.
	b.do(t, chromedp.Click("#theme-toggle"))
	b.waitFor(t, `document.documentElement.dataset.theme === "dark"`)
	b.screenshot(t, "margin-fifty-dark")
	// A narrower window whose margin still holds the notes.
	b.do(t, chromedp.EmulateViewport(1440, 900))
	checkMargin(t, b, "1440 px", true)
	b.do(t, chromedp.EmulateViewport(1600, 900))
	b.do(t, chromedp.Click("#settings-button"), chromedp.Click("#size-up"), chromedp.Click("#size-up"))
	b.waitFor(t, `document.documentElement.dataset.size === "4"`)
	checkMargin(t, b, "a larger text", true)

	// Turned off in the settings: no notes in the margin, markers instead.
	b.do(t, chromedp.Click("#margin-off"))
	b.waitFor(t, `document.querySelectorAll("#margin-notes > .mnote").length === 0`)
	if n := eval[int](t, b, `[...document.querySelectorAll("article .note-marker")].filter(m => m.getBoundingClientRect().width > 0).length`); n != 50 {
		t.Errorf("with the margin off, %d markers show, want 50", n)
	}
	b.do(t, chromedp.Click("#margin-on"))
	b.waitFor(t, `document.querySelectorAll("#margin-notes > .mnote").length === 50`)
	noConsoleErrors(t, b)
}

func TestMarginFiftyNotesOnOneParagraph(t *testing.T) {
	_, _, b := openSample(t, wide)
	seedNotes(t, b, 50, "one", "On the same paragraph.", "Overlapping passages stack in order.")
	checkMargin(t, b, "50 notes on one paragraph", true)
	// Reading order: the notes' tops follow their passages' order.
	if !eval[bool](t, b, `(() => { const n = [...document.querySelectorAll("#margin-notes > [data-id]")];
		return n.every((x, i) => i === 0 || x.getBoundingClientRect().top > n[i - 1].getBoundingClientRect().top); })()`) {
		t.Error("the notes are not in reading order")
	}
	// Tab runs through the notes in reading order, each named for its passage.
	b.do(t, chromedp.Evaluate[chromedp.Void](`document.querySelector("#margin-notes > [data-id]").focus()`))
	first := eval[string](t, b, `document.activeElement.dataset.id || ""`)
	b.do(t, chromedp.KeyEvent("\t"), chromedp.KeyEvent("\t"), chromedp.KeyEvent("\t"))
	second := eval[string](t, b, `document.activeElement.closest("[data-id]") ? document.activeElement.closest("[data-id]").dataset.id : ""`)
	ids := notesOf(t, b)
	if len(ids) < 2 || first != ids[0] || second != ids[1] {
		t.Errorf("tab went from %q to %q; the notes are %v…", first, second, ids[:min(3, len(ids))])
	}
	// The focused note lights its highlight; a hovered highlight its note.
	if !eval[bool](t, b, `document.getElementById("hl-`+second+`").classList.contains("lit")`) {
		t.Error("the focused note does not light its highlight")
	}
	b.do(t, chromedp.Evaluate[chromedp.Void](`document.activeElement.blur();
		document.getElementById("hl-`+first+`").dispatchEvent(new MouseEvent("mouseover", {bubbles: true}))`))
	if !eval[bool](t, b, `document.querySelector('#margin-notes > [data-id="`+first+`"]').classList.contains("lit")`) {
		t.Error("the hovered highlight does not light its note")
	}
	if label := eval[string](t, b, `document.querySelector("#margin-notes > [data-id]").getAttribute("aria-label")`); !strings.HasPrefix(label, "Note on “") {
		t.Errorf("a note is announced as %q", label)
	}
	// The note selected (its mark clicked) stands at its passage, the
	// others after it.
	last := ids[0]
	b.do(t, chromedp.Evaluate[chromedp.Void](`document.getElementById("hl-`+last+`").scrollIntoView({block: "center"})`))
	b.do(t, chromedp.Click(`#hl-`+last))
	b.waitFor(t, `document.querySelector('#margin-notes > [data-id="`+last+`"]').dataset.sel === "1"`)
	checkMargin(t, b, "one selected", false)
	dy := eval[float64](t, b, `document.querySelector('#margin-notes > [data-id="`+last+`"]').getBoundingClientRect().top - document.getElementById("hl-`+last+`").getClientRects()[0].top`)
	if dy < -1 || dy > 1 {
		t.Errorf("the selected note is %v px off its passage", dy)
	}
	b.screenshot(t, "margin-one-paragraph")
	// j, the key that walks the highlights, brings the next one's note
	// level with it.
	b.do(t, chromedp.KeyEvent("\x1b"), chromedp.KeyEvent("j"), chromedp.KeyEvent("j"))
	b.waitFor(t, `!!document.querySelector('#margin-notes > [data-sel="1"]') && document.querySelector('#margin-notes > [data-sel="1"]').dataset.id !== "`+last+`"`)
	noConsoleErrors(t, b)
}

func TestNotesOnAPhone(t *testing.T) {
	_, _, b := openSample(t, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch))
	if !eval[bool](t, b, centerJS+`("arms race", 0)`) {
		t.Fatal("no arms race")
	}
	before := marks(t, b)
	selectText(t, b, "arms race", "", 0)
	b.waitFor(t, `!!document.querySelector("#hl-toolbar")`)
	b.do(t, chromedp.KeyEvent("n", asKeyboard))
	b.waitFor(t, `document.activeElement && document.activeElement.id === "note-input"`)
	id := newestMark(t, b, before)
	if !eval[bool](t, b, `document.querySelector("#note-editor").classList.contains("note-sheet")`) {
		t.Error("on a phone the editor is not a bottom sheet")
	}
	if !eval[bool](t, b, inViewJS+`(`+jsString(id)+`, "#note-editor")`) {
		t.Error("the sheet covers the passage")
	}
	b.screenshot(t, "notes-phone-editor")
	b.do(t, chromedp.KeyEvent("Worth a second look."))
	b.do(t, chromedp.Tap("#note-save"))
	b.waitFor(t, `!document.querySelector("#note-editor")`)

	// The mark carries a marker named for its note; it opens the sheet.
	marker := `.note-marker[data-note="` + id + `"]`
	b.waitFor(t, `!!document.querySelector('`+marker+`')`)
	if label := eval[string](t, b, `document.querySelector('`+marker+`').getAttribute("aria-label")`); label != "Note: Worth a second look." {
		t.Errorf("the marker is named %q", label)
	}
	b.do(t, chromedp.Evaluate[chromedp.Void](`scrollTo({top: document.getElementById("hl-`+id+`").getBoundingClientRect().top + scrollY - innerHeight * 0.75, behavior: "instant"})`))
	b.do(t, chromedp.Tap(marker))
	b.waitFor(t, `!!document.querySelector("#note-sheet")`)
	if got := eval[string](t, b, `document.querySelector("#note-sheet .sheet-note").innerText`); !strings.Contains(got, "Worth a second look.") {
		t.Errorf("the sheet shows %q", got)
	}
	if !eval[bool](t, b, inViewJS+`(`+jsString(id)+`, "#note-sheet")`) {
		t.Error("the note's sheet covers its passage")
	}
	if eval[bool](t, b, `document.documentElement.scrollWidth > innerWidth`) {
		t.Error("the page scrolls sideways at 390 px")
	}
	b.screenshot(t, "notes-phone-sheet-light")
	b.do(t, chromedp.Click("#theme-toggle"))
	b.waitFor(t, `document.documentElement.dataset.theme === "dark"`)
	b.screenshot(t, "notes-phone-sheet-dark")
	b.do(t, chromedp.Tap("#sheet-close"))
	b.waitFor(t, `!document.querySelector("#note-sheet")`)
	noConsoleErrors(t, b)
}

// rtlArticle is a Hebrew article: its margin is on the left.
const rtlArticle = "---\ntitle: מאמר בעברית\nlang: he\n---\n\n" +
	"זהו מאמר קצר בעברית שנכתב כדי לבדוק הערות בשוליים. הטקסט נקרא מימין לשמאל, ולכן השוליים של ההערות נמצאים בצד השמאלי של העמוד.\n\n" +
	"פסקה שנייה עם עוד מילים, כדי שיהיה מקום לכמה הדגשות והערות שונות זו לצד זו בלי שיחפפו.\n\n" +
	"פסקה שלישית ואחרונה.\n"

func TestMarginNotesRightToLeft(t *testing.T) {
	data := t.TempDir()
	if err := os.MkdirAll(filepath.Join(data, "articles"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(data, "articles", "rtl.md"), []byte(rtlArticle), 0o644); err != nil {
		t.Fatal(err)
	}
	p := start(t, data)
	id := articleID(t, p.URL, "מאמר")
	b := newBrowser(t)
	b.do(t, wide)
	openArticle(t, b, p.URL+"/a/"+id)
	if dir := eval[string](t, b, `getComputedStyle(document.querySelector("article.reader-article")).direction`); dir != "rtl" {
		t.Fatalf("the article reads %s", dir)
	}
	for i, w := range []string{"מאמר קצר", "הערות בשוליים", "עוד מילים"} {
		writeNote(t, b, w, "הערה "+strconv.Itoa(i+1), func() { b.do(t, chromedp.KeyEvent("n", asKeyboard)) })
	}
	checkMargin(t, b, "right to left", false)
	if n := len(notesOf(t, b)); n != 3 {
		t.Errorf("%d notes in the margin, want 3", n)
	}
	b.screenshot(t, "margin-rtl")
	noConsoleErrors(t, b)
}
