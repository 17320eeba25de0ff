package ui

import (
	"html"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"margin/app/browser"
	"margin/app/note"
	"margin/app/notestack"
)

// The notes in the margin: where the room beside the reading column holds
// a note column, every note stands there beside its passage, its top
// level with the passage's first line; notes close together stack in
// reading order, and the selected one (or the one being written) stands
// at its passage while the others make room. The notes are positioned
// absolutely over the margin, so the column never moves or reflows for
// them. Without the room (phones, narrow windows) a mark with a note
// carries a marker that opens the note in a bottom sheet.
//
// The layout is notestack's arithmetic over the page's measures, redone
// whenever the notes change (a mutation observer), the article's size
// changes (new text size, font, images arriving) or the window's does.
// Nothing here belongs to the reader's route: a page that shows an
// article with notes renders the same container and calls the same
// measure and layout.

const (
	marginSel      = "#margin-notes"
	noteMinWidth   = 240.0 // narrower, the notes go to the sheet
	noteMaxWidth   = 320.0
	noteGap        = 32.0 // from the column, and from the window's edge
	noteStackGap   = 10.0 // between two notes
	noteLongRunes  = 360  // longer notes are clamped, with "more"
	noteLongLines  = 7
	prefMarginOff  = "margin.notes-margin" // "off": the notes stay out of the margin
	marginAction   = "margin/notes-margin"
	noteLabelRunes = 80
)

// marginOn reports whether the reader wants notes in the margin.
func marginOn() bool { return browser.Pref(prefMarginOff) != "off" }

// inMargin reports whether notes are shown in the margin now.
func (r *Reader) inMargin() bool { return r.ann.room.OK && marginOn() }

// measureRoom measures the room beside the column.
func (r *Reader) measureRoom() {
	rtl := r.art != nil && rightToLeft(r.art.Meta.Lang)
	r.ann.room = browser.MarginRoom(articleSel, "#panel", rtl, noteMinWidth, noteMaxWidth, noteGap)
}

// startMargin follows the page's layout for the margin's notes. It runs
// once the article is on screen.
func (r *Reader) startMargin(ctx app.Context) {
	if r.stopMargin != nil {
		r.stopMargin()
	}
	r.measureRoom()
	stopObserve := browser.ObserveLayout(articleSel, marginSel, func() {
		before := r.ann.room.OK
		r.measureRoom()
		if r.ann.room.OK != before {
			// Notes move between the margin and the markers: render.
			ctx.Dispatch(func(ctx app.Context) { ctx.Defer(func(app.Context) { r.layoutNotes() }) })
			return
		}
		r.layoutNotes()
	})
	stopLink := browser.LinkNotes(articleSel, marginSel)
	r.stopMargin = func() {
		stopObserve()
		stopLink()
	}
}

// layoutNotes measures the notes in the margin and their passages, and
// places each.
func (r *Reader) layoutNotes() {
	if !r.ann.room.OK {
		return
	}
	browser.Mark("margin-notes-layout")
	boxes := browser.MeasureNotes(marginSel, r.ann.room, r.ann.marginIDs)
	if len(boxes) == 0 {
		return
	}
	sel := r.ann.edit
	if sel == "" {
		sel = r.ann.selNote
	}
	// The notes whose passages are on the page, in order; the others
	// (NaN) are hidden.
	items := make([]notestack.Item, 0, len(boxes))
	selected := -1
	for _, b := range boxes {
		if !b.Found {
			continue
		}
		if b.ID == sel {
			selected = len(items)
		}
		items = append(items, notestack.Item{Want: b.Want, Height: b.Height})
	}
	laid := notestack.Layout(items, noteStackGap, selected, r.ann.room.Top)
	tops := make([]float64, len(boxes))
	k := 0
	for i, b := range boxes {
		if !b.Found {
			tops[i] = math.NaN()
			continue
		}
		tops[i] = laid[k]
		k++
	}
	browser.PlaceNotes(marginSel, tops)
	browser.Mark("margin-notes-placed")
	if !r.ann.notesShown {
		// The first notes of this article in the margin, for benchmarks.
		r.ann.notesShown = true
		browser.MarkAfterPaint("margin-notes-painted")
	}
}

// hasNote reports whether p has a note or a draft to show.
func (r *Reader) hasNote(p *placed) bool {
	if strings.TrimSpace(p.a.Note) != "" {
		return true
	}
	_, ok := r.ann.drafts[p.a.ID]
	return ok
}

// markerLabel is the accessible name of the marker at the end of p's
// passage: what its note says, or "" when it has none.
func (r *Reader) markerLabel(p *placed) string {
	if n := strings.TrimSpace(p.a.Note); n != "" {
		return "Note: " + clip(n, noteLabelRunes)
	}
	if d, ok := r.ann.drafts[p.a.ID]; ok {
		return "Draft note: " + clip(d, noteLabelRunes)
	}
	return ""
}

// noteHTML renders a note's Markdown, once per text.
func (r *Reader) noteHTML(text string) string {
	if h, ok := r.ann.shown[text]; ok {
		return h
	}
	if r.ann.shown == nil {
		r.ann.shown = map[string]string{}
	}
	// note.HTML escapes every text and writes only a few plain tags.
	h := `<div class="note-body">` + note.HTML(text) + `</div>`
	r.ann.shown[text] = h
	return h
}

// isLong reports whether a note is clamped until "more" is pressed.
func isLong(text string) bool {
	return utf8.RuneCountInString(text) > noteLongRunes || strings.Count(text, "\n") >= noteLongLines
}

// renderMargin is the container of the notes in the margin, empty when
// they are not shown there. It is always on the page, so its observer
// sees every change.
func (r *Reader) renderMargin() app.UI {
	aside := app.Aside().Class("margin-notes").ID("margin-notes").Attr("aria-label", "Notes in the margin").
		OnClick(r.noteClicked).OnKeyDown(r.noteKey)
	if !r.ann.room.OK || r.art == nil {
		r.ann.marginIDs = r.ann.marginIDs[:0]
		return aside
	}
	on := marginOn()
	if r.ann.room.RTL {
		aside = aside.Class("margin-notes rtl")
	}
	var items []app.UI
	ids := r.ann.marginIDs[:0]
	for _, p := range r.ann.list {
		if p.orphan() {
			continue
		}
		if p.a.ID == r.ann.edit {
			items = append(items, r.renderEditor(p, false))
			ids = append(ids, p.a.ID)
			continue
		}
		if on && r.hasNote(p) {
			items = append(items, r.renderMarginNote(p))
			ids = append(ids, p.a.ID)
		}
	}
	// The layout reads the notes' ids from here, in the page's order.
	r.ann.marginIDs = ids
	return aside.Body(items...)
}

// renderMarginNote is one note in the margin, announced with its passage.
func (r *Reader) renderMarginNote(p *placed) app.UI {
	id := p.a.ID
	text := strings.TrimSpace(p.a.Note)
	draft, hasDraft := r.ann.drafts[id]
	if text == "" {
		text = draft
	}
	return &marginNote{
		ID:    id,
		Color: string(p.a.Color),
		HTML:  r.noteHTML(text),
		Quote: clip(r.quote(p), 80),
		Draft: hasDraft,
		Bare:  hasDraft && strings.TrimSpace(p.a.Note) == "",
		Long:  isLong(text),
		More:  r.ann.more[id],
		Sel:   id == r.ann.selNote,
	}
}

// marginNote is one note in the margin. It is a component of its own so
// that a render of the reader compares its few fields and leaves the
// note alone when they are the same: the reader renders on every key
// typed in the editor, with hundreds of notes beside it.
type marginNote struct {
	app.Compo

	ID, Color, HTML, Quote       string
	Draft, Bare, Long, More, Sel bool
}

func (m *marginNote) Render() app.UI {
	id := m.ID
	class := "mnote hl-" + m.Color
	if m.Bare {
		class += " is-draft"
	}
	sel, clamp := "0", "0"
	if m.Sel {
		sel = "1"
	}
	if m.Long && !m.More {
		clamp = "1"
	}
	return app.Div().Class(class).DataSet("id", id).Attr("data-sel", sel).Attr("data-clamp", clamp).
		Attr("role", "note").Attr("tabindex", 0).
		Attr("aria-label", "Note on “"+m.Quote+"”").
		Body(app.Raw(m.inner()))
}

// inner is what the note holds, as one piece of HTML: the browser parses
// it at once, where building it element by element would cost hundreds of
// notes many calls into the browser each.
func (m *marginNote) inner() string {
	var b strings.Builder
	b.WriteString(`<div class="mnote-inner">`)
	if m.Draft {
		b.WriteString(`<p class="draft-label">Draft, not saved</p>`)
	}
	b.WriteString(`<div class="mnote-text">` + m.HTML + `</div><div class="mnote-actions">`)
	if m.Long {
		label := "more"
		if m.More {
			label = "less"
		}
		b.WriteString(`<button class="link-button mnote-more" aria-expanded="` + strconv.FormatBool(m.More) + `">` + label + `</button>`)
	}
	b.WriteString(`<button class="link-button mnote-edit" aria-label="` + html.EscapeString("Edit the note on “"+m.Quote+"”") + `">Edit</button></div></div>`)
	return b.String()
}

// noteClicked handles a click on a note in the margin, for every note at
// once: a listener on each of hundreds of notes costs their first render
// more than the notes themselves.
func (r *Reader) noteClicked(ctx app.Context, e app.Event) {
	t := e.Get("target")
	n := t.Call("closest", marginSel+" > .mnote:not(.note-editor)")
	if !n.Truthy() {
		return
	}
	id := n.Get("dataset").Get("id").String()
	switch {
	case t.Call("closest", ".mnote-more").Truthy():
		if r.ann.more == nil {
			r.ann.more = map[string]bool{}
		}
		r.ann.more[id] = !r.ann.more[id]
		// The note's content is drawn again: the button keeps the focus.
		r.afterRender(ctx, func() { browser.FocusQuietly(marginSel + ` > [data-id="` + id + `"] .mnote-more`) })
	case t.Call("closest", ".mnote-edit").Truthy():
		r.openEditor(ctx, id)
	case t.Call("closest", "a, button").Truthy():
	default:
		r.selectNote(ctx, id)
	}
}

// noteKey opens the editor of the note in the margin that has the focus
// when Enter is pressed on it.
func (r *Reader) noteKey(ctx app.Context, e app.Event) {
	t := e.Get("target")
	if e.Get("key").String() != "Enter" || !t.Call("matches", marginSel+" > .mnote:not(.note-editor)").Bool() {
		return
	}
	e.PreventDefault()
	r.openEditor(ctx, t.Get("dataset").Get("id").String())
}

// selectNote makes the note of id the one that stands at its passage.
func (r *Reader) selectNote(ctx app.Context, id string) {
	if r.ann.selNote == id {
		return
	}
	r.ann.selNote = id
}

// openSheet opens the bottom sheet of the note of id: a marker was pressed.
func (r *Reader) openSheet(ctx app.Context, id string) {
	p := r.ann.byID[id]
	if p == nil || !r.hasNote(p) {
		return
	}
	r.closePopover()
	r.ann.sheet, r.ann.selOn = id, false
	r.afterRender(ctx, func() {
		browser.PlaceSheet("#note-sheet", id)
		browser.FocusQuietly("#note-sheet")
	})
}

// renderSheet is the bottom sheet that shows one note.
func (r *Reader) renderSheet() app.UI {
	p := r.ann.byID[r.ann.sheet]
	if p == nil {
		return nil
	}
	id := p.a.ID
	text := strings.TrimSpace(p.a.Note)
	draft, hasDraft := r.ann.drafts[id]
	if text == "" {
		text = draft
	}
	closeSheet := func(ctx app.Context, e app.Event) {
		r.ann.sheet = ""
		r.afterRender(ctx, func() { browser.FocusQuietly(`.note-marker[data-note="` + id + `"]`) })
	}
	return app.Section().Class("note-sheet hl-"+string(p.a.Color)).ID("note-sheet").Attr("tabindex", -1).
		Attr("role", "dialog").Attr("aria-label", "Note on “"+clip(r.quote(p), 80)+"”").
		OnKeyDown(func(ctx app.Context, e app.Event) {
			if e.Get("key").String() == "Escape" {
				closeSheet(ctx, e)
			}
		}, app.EventScope(id)).
		Body(
			app.Div().Class("sheet-head").Body(
				app.P().Class("sheet-quote").Text(clip(r.quote(p), 160)),
				app.Button().Class("icon-button small").ID("sheet-close").Attr("aria-label", "Close the note").Title("Close").
					OnClick(closeSheet, app.EventScope(id)).Text("×"),
			),
			app.If(hasDraft, func() app.UI { return app.P().Class("draft-label").Text("Draft, not saved") }),
			app.Div().Class("sheet-note").Body(app.Raw(r.noteHTML(text))),
			app.Button().Class("link-button").ID("sheet-edit").Text("Edit note").
				OnClick(func(ctx app.Context, e app.Event) { r.openEditor(ctx, id) }, app.EventScope(id)),
		)
}

// toggleMargin follows the setting "Notes in the margin".
func (r *Reader) toggleMargin(ctx app.Context, _ app.Action) {
	r.drawBlocks(nil)
	ctx.Defer(func(app.Context) { r.layoutNotes() })
}
