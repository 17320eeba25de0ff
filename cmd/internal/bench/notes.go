package main

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
)

const (
	// The budgets of the margin notes' figures, in ms.
	notesPaintBudget  = 100.0 // article mounted → its notes painted in the margin
	relayoutBudget    = 16.0  // the notes' relayout after a text size change or a resize
	noteEditorBudget  = 50.0  // n pressed → the editor focused and painted
	marginNotes       = 200   // notes on the article
	notesOpenRuns     = 7
	relayoutRuns      = 21
	noteEditorRuns    = 15
	marginNotesWait   = 2 * time.Minute
	marginNoteText    = "A note on this passage, long enough to wrap onto a second line in the margin:"
	marginNotesWindow = 1600 // CSS px: the margin holds the notes
)

// overlapsJS counts the notes in the margin that overlap the next one, and
// those not shown.
const overlapsJS = `(() => {
	const b = [...document.querySelectorAll("#margin-notes > .mnote")].map((n) => n.getBoundingClientRect()).sort((a, b) => a.top - b.top);
	let bad = 0;
	for (let i = 0; i < b.length; i++) if (b[i].height === 0 || (i > 0 && b[i].top < b[i - 1].bottom)) bad++;
	return bad;
})()`

// notesBench measures the notes in the margin on the 20,000-word article
// with 200 notes: how soon they are painted once the article is mounted,
// a relayout after a text size change and after a resize, and n to a
// focused, painted editor.
func (b *bench) notesBench(ctx context.Context) error {
	s, art, _, err := b.serveLong(ctx, "notes")
	if err != nil {
		return err
	}
	defer s.stop()
	reader := s.url + "/a/" + art.ID
	t, err := b.newTab(ctx)
	if err != nil {
		return err
	}
	defer t.close()
	if err := chromedp.Do(t.ctx, chromedp.EmulateViewport(marginNotesWindow, 900)); err != nil {
		return err
	}
	if err := t.navigate(reader, marginNotesWait); err != nil {
		return err
	}
	if _, err := t.entryTime("margin-annotations-painted", "mark", 0, marginNotesWait); err != nil {
		return err
	}
	made, err := eval[int](t, seedJS+"("+strconv.Itoa(marginNotes)+", "+strconv.Quote(art.Meta.Hash)+", "+strconv.Quote(art.ID)+", "+strconv.Quote(marginNoteText)+")", marginNotesWait)
	if err != nil || made != marginNotes {
		return fmt.Errorf("writing %d notes: wrote %d: %v", marginNotes, made, err)
	}

	// Opening: the page loaded directly, from the mount to the notes painted.
	var opens, fromMarks []float64
	shown, overlaps := 0, 0
	for i := range notesOpenRuns {
		b.step("notes: open with %d notes %d/%d", marginNotes, i+1, notesOpenRuns)
		if err := t.navigate(reader, marginNotesWait); err != nil {
			return err
		}
		mounted, err := t.entryTime("margin-mounted", "mark", 0, marginNotesWait)
		if err != nil {
			return err
		}
		marked, err := t.entryTime("margin-annotations-painted", "mark", mounted, marginNotesWait)
		if err != nil {
			return err
		}
		painted, err := t.entryTime("margin-notes-painted", "mark", mounted, marginNotesWait)
		if err != nil {
			return err
		}
		opens, fromMarks = append(opens, painted-mounted), append(fromMarks, painted-marked)
		if shown, err = eval[int](t, `document.querySelectorAll("#margin-notes > .mnote").length`, marginNotesWait); err != nil {
			return err
		}
		if overlaps, err = eval[int](t, overlapsJS, marginNotesWait); err != nil {
			return err
		}
	}

	// Relayout: the text size changes, or the window's width.
	var ours, total, resizes []float64
	for i := range relayoutRuns {
		b.step("notes: relayout %d/%d", i+1, relayoutRuns)
		size := []string{"3", "2"}[i%2]
		start, err := eval[float64](t, `(() => { performance.mark("bench-relayout"); document.documentElement.dataset.size = `+strconv.Quote(size)+`;
			return performance.getEntriesByName("bench-relayout").at(-1).startTime; })()`, marginNotesWait)
		if err != nil {
			return err
		}
		from, placed, err := relayoutSpan(t, start)
		if err != nil {
			return fmt.Errorf("text size relayout %d: %w", i+1, err)
		}
		ours, total = append(ours, placed-from), append(total, placed-start)
		mark, err := eval[float64](t, `(() => { performance.mark("bench-resize"); return performance.getEntriesByName("bench-resize").at(-1).startTime; })()`, marginNotesWait)
		if err != nil {
			return err
		}
		if err := chromedp.Do(t.ctx, chromedp.EmulateViewport(int64(marginNotesWindow-40*(1-i%2)), 900)); err != nil {
			return err
		}
		from, placed, err = relayoutSpan(t, mark)
		if err != nil {
			return fmt.Errorf("resize relayout %d: %w", i+1, err)
		}
		resizes = append(resizes, placed-from)
	}
	afterRelayout, err := eval[int](t, overlapsJS, marginNotesWait)
	if err != nil {
		return err
	}

	// n: from the key to the editor focused and painted.
	var editor, focused []float64
	for i := range noteEditorRuns {
		b.step("notes: n to the editor %d/%d", i+1, noteEditorRuns)
		if _, err := eval[bool](t, pressJS+"("+strconv.Itoa(i*3+1)+")", marginNotesWait); err != nil {
			return err
		}
		time.Sleep(150 * time.Millisecond) // the reader takes a moment, the toolbar settles
		c, cancel := context.WithTimeout(t.ctx, marginNotesWait)
		err := chromedp.Do(c, chromedp.KeyEvent("n", rawKeyDown))
		cancel()
		if err != nil {
			return err
		}
		key, err := eval[float64](t, `new Promise((ok) => { const c = () => window.benchKey ? ok(window.benchKey) : setTimeout(c, 5); c(); })`, marginNotesWait)
		if err != nil {
			return err
		}
		at, err := t.entryTime("margin-note-editor", "mark", key, marginNotesWait)
		if err != nil {
			return err
		}
		painted, err := t.entryTime("margin-note-editor-painted", "mark", key, marginNotesWait)
		if err != nil {
			return err
		}
		if ok, err := eval[bool](t, `document.activeElement && document.activeElement.id === "note-input" && !!document.activeElement.closest("#margin-notes")`, marginNotesWait); err != nil || !ok {
			return fmt.Errorf("n run %d: the editor in the margin is not focused (%v)", i+1, err)
		}
		editor, focused = append(editor, painted-key), append(focused, at-key)
		if err := chromedp.Do(t.ctx, chromedp.KeyEvent("\x1b")); err != nil {
			return err
		}
		if _, err := eval[bool](t, `new Promise((ok) => { const c = () => document.querySelector("#note-editor") ? setTimeout(c, 10) : ok(true); c(); })`, marginNotesWait); err != nil {
			return err
		}
		if _, err := eval[bool](t, `(() => { window.benchKey = 0; return true; })()`, marginNotesWait); err != nil {
			return err
		}
	}

	o, om, r, rt, rs, e, ef := summarize(opens), summarize(fromMarks), summarize(ours), summarize(total), summarize(resizes), summarize(editor), summarize(focused)
	b.rep.printf("  The %s-word article with %d notes written into the browser's database, in a %d × 900 window;\n", thousands(longWords), marginNotes, marginNotesWindow)
	b.rep.printf("  %d of %d notes in the margin after opening, %d overlapping or hidden; %d after the relayouts.\n", shown, marginNotes, overlaps, afterRelayout)
	b.rep.table("l", [][]string{
		{"", "median", "min–max", "budget", "median/budget"},
		{"direct open: mounted → notes painted in the margin", ms(o.median), o.spread(), ms(notesPaintBudget), ratio(o.median, notesPaintBudget)},
		{"  of which: highlights painted → notes painted", ms(om.median), om.spread(), "(extra figure)", ""},
		{"relayout after a text size change (the notes' work)", ms(r.median), r.spread(), ms(relayoutBudget), ratio(r.median, relayoutBudget)},
		{"  the same, from the change (the browser's layout of the article included)", ms(rt.median), rt.spread(), "(extra figure)", ""},
		{"relayout after a window resize (the notes' work)", ms(rs.median), rs.spread(), ms(relayoutBudget), ratio(rs.median, relayoutBudget)},
		{"n pressed → the editor focused and painted", ms(e.median), e.spread(), ms(noteEditorBudget), ratio(e.median, noteEditorBudget)},
		{"  n pressed → the editor focused", ms(ef.median), ef.spread(), "(extra figure)", ""},
	})
	b.rep.printf("  every run, ms:  open %s\n", list(opens))
	b.rep.printf("                  text size %s | resize %s\n", list(ours), list(resizes))
	b.rep.printf("                  n %s\n", list(editor))
	b.rep.printf("  Opening: margin-mounted to margin-notes-painted (a task after the first frame that placed notes).\n")
	b.rep.printf("  Relayout: margin-notes-layout to margin-notes-placed, the measuring and placing the notes add to\n")
	b.rep.printf("  the frame; the extra figure starts at the data-size change. n: the keydown's timeStamp (a real\n")
	b.rep.printf("  key through the DevTools protocol) to margin-note-editor-painted, a task after the next frame.\n")
	b.rep.under("200 notes painted in the margin after the mount", o.median, notesPaintBudget)
	b.rep.under("notes relayout, text size", r.median, relayoutBudget)
	b.rep.under("notes relayout, resize", rs.median, relayoutBudget)
	b.rep.under("n → focused, painted editor", e.median, noteEditorBudget)
	if shown != marginNotes || overlaps != 0 || afterRelayout != 0 {
		b.rep.target("all 200 notes in the margin, none overlapping", fmt.Sprintf("%d shown, %d/%d bad", shown, overlaps, afterRelayout), "200, 0", false)
	}
	return nil
}

// relayoutSpan waits for the notes' layout after since and returns when
// it started and when the notes were placed.
func relayoutSpan(t *tab, since float64) (from, placed float64, err error) {
	if placed, err = t.entryTime("margin-notes-placed", "mark", since, marginNotesWait); err != nil {
		return 0, 0, err
	}
	from, err = eval[float64](t, `(() => { const l = performance.getEntriesByName("margin-notes-layout").filter((e) => e.startTime >= `+
		strconv.FormatFloat(since, 'f', -1, 64)+` && e.startTime <= `+strconv.FormatFloat(placed, 'f', -1, 64)+`); return l.length ? l.at(-1).startTime : -1; })()`, marginNotesWait)
	if err == nil && from < 0 {
		err = fmt.Errorf("no layout start before the notes were placed")
	}
	return from, placed, err
}

// rawKeyDown sends a key as a keyboard does: a raw key down and its
// character apart, so a key down the page takes types nothing.
func rawKeyDown(p *input.DispatchKeyEventParams) {
	if p.Type == input.DispatchKeyEventTypeKeyDown {
		p.Type = input.DispatchKeyEventTypeRawKeyDown
	}
}
