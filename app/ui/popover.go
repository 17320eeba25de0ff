package ui

import (
	"strings"
	"unicode/utf8"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"margin/app/annotation"
	"margin/app/browser"
	"margin/app/note"
)

// keepSelection stops a toolbar button from taking the focus, which would
// clear the selection it acts on.
func keepSelection(ctx app.Context, e app.Event) { e.PreventDefault() }

// renderToolbar is the small bar next to a selection in the article.
func (r *Reader) renderToolbar() app.UI {
	cur := currentColor()
	return app.Div().Class("hl-toolbar").ID("hl-toolbar").
		Attr("aria-label", "Highlight the selection").Attr("role", "toolbar").
		On("mousedown", keepSelection).
		Body(
			app.Range(annotation.Colors).Slice(func(i int) app.UI {
				c := annotation.Colors[i]
				return app.Button().Class("swatch swatch-"+string(c)).
					Attr("aria-label", "Highlight "+strings.ToLower(colorName(c))).
					Title("Highlight "+strings.ToLower(colorName(c))+" (h)").
					Attr("aria-pressed", c == cur).
					Attr("data-color", string(c)).
					OnClick(func(ctx app.Context, e app.Event) {
						r.setColor(ctx, c)
						r.highlight(ctx, c, false)
					}, app.EventScope(string(c)))
			}),
			app.Span().Class("toolbar-sep"),
			app.Button().Class("tool").ID("tool-note").Title("Highlight and add a note (n)").
				OnClick(func(ctx app.Context, e app.Event) { r.highlight(ctx, currentColor(), true) }).
				Body(app.Raw(iconNote), app.Span().Text("Note")),
			app.Button().Class("tool").ID("tool-copy").Title("Copy the quote").
				OnClick(r.copySelection).Body(app.Raw(iconCopy), app.Span().Class("tool-label").Text("Copy quote")),
			app.Button().Class("tool").ID("tool-link").Title("Highlight and copy a link to it").
				OnClick(r.linkSelection).Body(app.Raw(iconLink), app.Span().Class("tool-label").Text("Copy link")),
		)
}

func (r *Reader) copySelection(ctx app.Context, e app.Event) {
	sel, ok := browser.ArticleSelection(bodySel)
	if !ok || r.art == nil {
		return
	}
	r.prepareText()
	s, en := trimRange(r.ann.runes, sel.Start, sel.End)
	browser.CopyText(string(r.ann.runes[s:en]))
	r.flashToast(ctx, "Quote copied.")
}

func (r *Reader) linkSelection(ctx app.Context, e app.Event) {
	if id, ok := r.highlight(ctx, currentColor(), false); ok {
		browser.CopyText(r.link(id))
		r.flashToast(ctx, "Link copied.")
	}
}

// flashToast shows a message without an undo.
func (r *Reader) flashToast(ctx app.Context, msg string) {
	r.ann.undo = nil
	r.showToast(ctx, msg)
}

// openPopover opens the popover of the innermost annotation in ids.
func (r *Reader) openPopover(ctx app.Context, ids []string, at browser.Rect) {
	if len(ids) == 0 || r.ann.byID[ids[0]] == nil {
		return
	}
	r.ann.pop, r.ann.popIDs = ids[0], ids
	r.ann.tagDraft = ""
	r.ann.selOn = false
	const popW = 340.0
	vw := browser.ViewportWidth()
	r.ann.popLeft = max(8, min(at.X+at.W/2-popW/2, vw-popW-8))
	r.ann.popAt = at
	ctx.Defer(func(app.Context) { browser.PlaceNear("#popover", at, r.ann.popLeft) })
}

func (r *Reader) closePopover() {
	r.ann.pop, r.ann.popIDs = "", nil
}

// renderPopover is the card of one annotation: colour, note, tags, copy,
// link and delete.
func (r *Reader) renderPopover() app.UI {
	p := r.ann.byID[r.ann.pop]
	if p == nil {
		return nil
	}
	id := p.a.ID
	return app.Section().Class("popover").ID("popover").Attr("aria-label", "Highlight").
		OnKeyDown(func(ctx app.Context, e app.Event) {
			if e.Get("key").String() == "Escape" {
				r.closePopover()
			}
		}).
		Body(
			app.Div().Class("popover-row").Body(
				app.Range(annotation.Colors).Slice(func(i int) app.UI {
					c := annotation.Colors[i]
					return app.Button().Class("swatch swatch-"+string(c)).
						Attr("aria-label", colorName(c)).Title(colorName(c)).
						Attr("aria-pressed", c == p.a.Color).
						Attr("data-color", string(c)).
						OnClick(func(ctx app.Context, e app.Event) {
							r.setColor(ctx, c)
							r.update(ctx, id, func(a *annotation.Annotation) { a.Color = c })
						}, app.EventScope(id+string(c)))
				}),
				app.Span().Class("spacer"),
				app.Button().Class("icon-button small").ID("pop-copy").Title("Copy the quote").Attr("aria-label", "Copy the quote").
					OnClick(func(ctx app.Context, e app.Event) {
						browser.CopyText(r.quote(p))
						r.flashToast(ctx, "Quote copied.")
					}, app.EventScope(id)).Body(app.Raw(iconCopy)),
				app.Button().Class("icon-button small").ID("pop-link").Title("Copy a link to this highlight").Attr("aria-label", "Copy a link").
					OnClick(func(ctx app.Context, e app.Event) {
						browser.CopyText(r.link(id))
						r.flashToast(ctx, "Link copied.")
					}, app.EventScope(id)).Body(app.Raw(iconLink)),
				app.Button().Class("icon-button small danger").ID("pop-delete").Title("Delete this highlight").Attr("aria-label", "Delete").
					OnClick(func(ctx app.Context, e app.Event) { r.remove(ctx, id) }, app.EventScope(id)).
					Body(app.Raw(iconTrash)),
			),
			r.renderNote(p),
			r.renderTags(p),
			app.If(len(r.ann.popIDs) > 1, func() app.UI {
				return app.Div().Class("popover-others").Body(
					app.Span().Text("Also here:"),
					app.Range(r.ann.popIDs[1:]).Slice(func(i int) app.UI {
						other := r.ann.byID[r.ann.popIDs[i+1]]
						if other == nil {
							return nil
						}
						return app.Button().Class("link-button").
							OnClick(func(ctx app.Context, e app.Event) {
								ids := append([]string{other.a.ID}, r.ann.pop)
								r.ann.pop, r.ann.popIDs = other.a.ID, ids
							}, app.EventScope(other.a.ID)).
							Text(clip(r.quote(other), 40))
					}),
				)
			}),
		)
}

// renderNote is the popover's note: the saved one, a draft kept from
// an editor closed unsaved, and the way into the editor.
func (r *Reader) renderNote(p *placed) app.UI {
	id := p.a.ID
	draft, hasDraft := r.ann.drafts[id]
	open := func(ctx app.Context, e app.Event) { r.openEditor(ctx, id) }
	if strings.TrimSpace(p.a.Note) == "" {
		if hasDraft {
			return app.Div().Class("note-view").Body(
				app.P().Class("draft-label").Text("Draft, not saved"),
				app.P().Class("draft-text").Text(clip(draft, 280)),
				app.Button().Class("link-button").ID("note-add").Text("Continue the note").OnClick(open, app.EventScope(id)),
			)
		}
		return app.Button().Class("link-button add-note").ID("note-add").Text("Add a note").OnClick(open, app.EventScope(id))
	}
	return app.Div().Class("note-view").Body(
		// note.HTML escapes every text and writes only a few plain tags.
		app.Raw(`<div class="note-body">`+note.HTML(p.a.Note)+`</div>`),
		app.If(hasDraft, func() app.UI {
			return app.P().Class("draft-label").Text("An unsaved draft of an edit is kept.")
		}),
		app.Button().Class("link-button").ID("note-edit").Text("Edit note").OnClick(open, app.EventScope(id)),
	)
}

func (r *Reader) renderTags(p *placed) app.UI {
	id := p.a.ID
	suggestions := r.allTags()
	return app.Div().Class("tags-editor").Body(
		app.Ul().Class("tags").Body(
			app.Range(p.a.Tags).Slice(func(i int) app.UI {
				tag := p.a.Tags[i]
				return app.Li().Class("tag").Body(
					app.Span().Text(tag),
					app.Button().Class("tag-remove").Attr("aria-label", "Remove tag "+tag).Title("Remove tag").Text("×").
						OnClick(func(ctx app.Context, e app.Event) {
							r.update(ctx, id, func(a *annotation.Annotation) {
								a.Tags = removeTag(a.Tags, tag)
							})
						}, app.EventScope(id+"\x00"+tag)),
				)
			}),
		),
		app.Input().ID("tag-input").Class("tag-input").Type("text").
			Placeholder("Add a tag").Attr("aria-label", "Add a tag").
			Attr("list", "tag-suggestions").MaxLength(annotation.MaxTag).
			Value(r.ann.tagDraft).
			OnInput(func(ctx app.Context, e app.Event) {
				r.ann.tagDraft = ctx.JSSrc().Get("value").String()
			}, app.EventScope(id)).
			OnKeyDown(func(ctx app.Context, e app.Event) {
				if k := e.Get("key").String(); k == "Enter" || k == "," {
					e.PreventDefault()
					r.addTag(ctx, id, ctx.JSSrc().Get("value").String())
					browser.SetValue("#tag-input", "")
				}
			}, app.EventScope(id)),
		app.DataList().ID("tag-suggestions").Body(
			app.Range(suggestions).Slice(func(i int) app.UI { return app.Option().Value(suggestions[i]) }),
		),
	)
}

func (r *Reader) addTag(ctx app.Context, id, tag string) {
	tag = strings.TrimSpace(tag)
	r.ann.tagDraft = ""
	if tag == "" || utf8.RuneCountInString(tag) > annotation.MaxTag {
		return
	}
	p := r.ann.byID[id]
	if p == nil || len(p.a.Tags) >= annotation.MaxTags {
		return
	}
	r.update(ctx, id, func(a *annotation.Annotation) {
		a.Tags = annotation.NormalizeTags(append(a.Tags, tag))
	})
	r.knownTags = addTags(r.knownTags, tag)
}

// allTags is every tag the reader used, here and on other articles.
func (r *Reader) allTags() []string {
	return addTags(r.usedTags(), r.knownTags...)
}

// addTags appends to list the tags it does not hold yet, case aside.
func addTags(list []string, tags ...string) []string {
	for _, t := range tags {
		if !containsFold(list, t) {
			list = append(list, t)
		}
	}
	return list
}

// containsFold reports whether list holds s, case aside.
func containsFold(list []string, s string) bool {
	for _, t := range list {
		if strings.EqualFold(t, s) {
			return true
		}
	}
	return false
}

func removeTag(tags []string, tag string) []string {
	out := tags[:0:0]
	for _, t := range tags {
		if t != tag {
			out = append(out, t)
		}
	}
	return out
}

// clip shortens s to at most n code points, on one line.
func clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	rs := []rune(s)
	return strings.TrimSpace(string(rs[:n-1])) + "…"
}
