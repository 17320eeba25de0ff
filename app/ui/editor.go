package ui

import (
	"context"
	"strconv"
	"strings"
	gosync "sync"
	"unicode/utf8"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"margin/app/annotation"
	"margin/app/browser"
)

// The note editor is the one way a note is written: `n` on a selection,
// the toolbar's Note button and a card's "Add a note" or "Edit note" all
// open it. It stands in the margin beside the passage where the margin
// has room (margin.go places it with the notes), and is a bottom sheet
// otherwise. Every opening focuses it explicitly, without scrolling: the
// autofocus attribute works once per page. Text typed is kept as a draft
// on the device as it is typed, so closing the editor, a reload or a
// crash loses none of it.

// openEditor opens the editor on the note of annotation id, with its
// draft if it has one.
func (r *Reader) openEditor(ctx app.Context, id string) {
	p := r.ann.byID[id]
	if p == nil || p.orphan() {
		return
	}
	text, ok := r.ann.drafts[id]
	if !ok {
		text = p.a.Note
	}
	r.closePopover()
	r.ann.edit, r.ann.editText, r.ann.sheet, r.ann.selNote = id, text, "", id
	r.ann.selOn = false
	// The room is as last measured (on every resize and layout change):
	// measuring it here would lay the page out once more before the paint.
	r.afterRender(ctx, func() {
		// In the margin, the observer of the notes places the editor
		// before the paint.
		if !r.ann.room.OK {
			browser.PlaceSheet("#note-editor", id)
		}
		browser.FocusText("#note-input")
		browser.KeepFocus("#note-input")
		browser.Mark("margin-note-editor")
		browser.MarkAfterPaint("margin-note-editor-painted")
	})
}

// closeEditor closes the editor; text that differs from the saved note
// stays as the note's draft.
func (r *Reader) closeEditor(ctx app.Context) {
	id := r.ann.edit
	if id == "" {
		return
	}
	r.ann.edit = ""
	p := r.ann.byID[id]
	text := r.ann.editText
	if p == nil {
		return
	}
	if strings.TrimSpace(text) == "" || strings.TrimRight(text, " \t\n") == p.a.Note {
		r.forgetDraft(id)
	} else {
		r.keepDraft(id, text)
		r.flashToast(ctx, "Your note is kept as a draft.")
	}
	r.drawBlocks(r.blocksOf(p.span())) // the marker says draft or note
	browser.FocusQuietly(`#margin-notes > [data-id="` + id + `"]`)
}

// saveNote saves the editor's text as the note and closes the editor.
func (r *Reader) saveNote(ctx app.Context) {
	id := r.ann.edit
	text := strings.TrimRight(r.ann.editText, " \t\n")
	if id == "" || utf8.RuneCountInString(text) > annotation.MaxNote {
		return
	}
	r.ann.edit = ""
	r.forgetDraft(id)
	r.update(ctx, id, func(a *annotation.Annotation) { a.Note = text })
	r.afterRender(ctx, func() {
		browser.FocusQuietly(`#margin-notes > [data-id="` + id + `"]`)
	})
}

// afterRender runs f once the page shows the render this change causes,
// through the reader's own context when it has one (see mountCtx).
func (r *Reader) afterRender(ctx app.Context, f func()) {
	if r.mountCtx.Context != nil {
		ctx = r.mountCtx
		ctx.Update() // the reader renders, and its defers run, in the next frame
	}
	ctx.Defer(func(app.Context) { f() })
}

// typed records what the reader typed in the editor, and keeps it.
func (r *Reader) typed(ctx app.Context, e app.Event) {
	if r.ann.edit == "" {
		return
	}
	r.ann.editText = ctx.JSSrc().Get("value").String()
	r.keepDraft(r.ann.edit, r.ann.editText)
}

// keepDraft keeps text as the draft of the note on annotation id, here
// and on the device.
func (r *Reader) keepDraft(id, text string) {
	if r.ann.drafts == nil {
		r.ann.drafts = map[string]string{}
	}
	r.ann.drafts[id] = text
	r.draftWriter().put(r.id, id, text)
}

// forgetDraft drops the draft of annotation id, here and on the device.
func (r *Reader) forgetDraft(id string) {
	if _, ok := r.ann.drafts[id]; !ok && r.ann.drafter == nil {
		return
	}
	delete(r.ann.drafts, id)
	r.draftWriter().put(r.id, id, "")
}

func (r *Reader) draftWriter() *drafter {
	if r.ann.drafter == nil {
		r.ann.drafter = &drafter{notes: r.notes, next: map[string]draftWrite{}}
	}
	return r.ann.drafter
}

// renderEditor is the editor of the note of p: in the margin, or as a
// bottom sheet when sheet is set.
func (r *Reader) renderEditor(p *placed, sheet bool) app.UI {
	id := p.a.ID
	n := utf8.RuneCountInString(r.ann.editText)
	over := n > annotation.MaxNote
	counter := app.Span().Class("counter").ID("note-counter").Attr("aria-live", "polite").
		Text(strconv.Itoa(n) + " / " + strconv.Itoa(annotation.MaxNote))
	if over {
		counter = counter.Class("counter over")
	}
	class := "mnote note-editor hl-" + string(p.a.Color)
	if sheet {
		class = "note-sheet note-editor hl-" + string(p.a.Color)
	}
	return app.Section().Class(class).ID("note-editor").DataSet("id", id).Attr("data-sel", "1").
		Attr("aria-label", "Note on “"+clip(r.quote(p), 80)+"”").
		Body(
			app.If(sheet, func() app.UI {
				return app.P().Class("sheet-quote").Text(clip(r.quote(p), 160))
			}),
			app.Textarea().ID("note-input").Class("note-input").
				Placeholder("Write a note… Markdown works: *emphasis*, **strong**, [links](https://…), lists.").
				Attr("aria-label", "Note").
				Text(r.ann.editText).
				OnInput(r.typed, app.EventScope(id)).
				OnKeyDown(func(ctx app.Context, e app.Event) {
					switch k := e.Get("key").String(); {
					case k == "Enter" && (e.Get("ctrlKey").Bool() || e.Get("metaKey").Bool()):
						e.PreventDefault()
						r.saveNote(ctx)
					case k == "Escape":
						e.PreventDefault()
						r.closeEditor(ctx)
					}
				}, app.EventScope(id)),
			app.Div().Class("note-actions").Body(
				counter,
				app.Span().Class("spacer"),
				app.Button().Class("button quiet").ID("note-cancel").Title("Close; the text is kept as a draft (Esc)").Text("Close").
					OnClick(func(ctx app.Context, e app.Event) { r.closeEditor(ctx) }, app.EventScope(id)),
				app.Button().Class("button").ID("note-save").Title("Save the note (Ctrl+Enter)").Disabled(over).Text("Save").
					OnClick(func(ctx app.Context, e app.Event) { r.saveNote(ctx) }, app.EventScope(id)),
			),
		)
}

// draftWrite is a draft to write: an empty text deletes it.
type draftWrite struct{ article, text string }

// drafter writes drafts to the device one at a time, in the background,
// each annotation's latest text only: keystrokes come faster than
// writes, and an older text must never land after a newer one.
type drafter struct {
	notes Notes

	mu   gosync.Mutex // guards next and busy
	next map[string]draftWrite
	busy bool
}

// put queues the draft of annotation id.
func (d *drafter) put(article, id, text string) {
	if d.notes == nil {
		return
	}
	d.mu.Lock()
	d.next[id] = draftWrite{article, text}
	if d.busy {
		d.mu.Unlock()
		return
	}
	d.busy = true
	d.mu.Unlock()
	go d.run()
}

func (d *drafter) run() {
	for {
		d.mu.Lock()
		var id string
		var w draftWrite
		for id, w = range d.next {
			break
		}
		if id == "" {
			d.busy = false
			d.mu.Unlock()
			return
		}
		delete(d.next, id)
		d.mu.Unlock()
		c, cancel := context.WithTimeout(context.Background(), loadTimeout)
		if err := d.notes.PutDraft(c, w.article, id, w.text); err != nil {
			app.Logf("ui: keeping a draft: %v", err)
		}
		cancel()
	}
}
