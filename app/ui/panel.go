package ui

import (
	"strconv"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"margin/app/annotation"
	"margin/app/browser"
	"margin/app/note"
)

// panelAction is the action the top bar's highlights button sends.
const panelAction = "margin/panel"

// togglePanel opens or closes the side panel.
func (r *Reader) togglePanel(ctx app.Context, _ app.Action) {
	r.ann.panel = !r.ann.panel
	// The panel takes room from the margin, and gives it back.
	ctx.Defer(func(ctx app.Context) {
		before := r.ann.room.OK
		r.measureRoom()
		if r.ann.room.OK != before {
			ctx.Update()
		}
		r.layoutNotes()
	})
}

// visible reports whether p passes the panel's filters.
func (r *Reader) visible(p *placed) bool {
	if r.ann.fColor != "" && p.a.Color != r.ann.fColor {
		return false
	}
	return r.ann.fTag == "" || containsFold(p.a.Tags, r.ann.fTag)
}

// renderPanel is the list of the article's annotations: a side panel on
// wide screens, a bottom sheet on phones.
func (r *Reader) renderPanel() app.UI {
	var placedList, orphans []*placed
	for _, p := range r.ann.list {
		if !r.visible(p) {
			continue
		}
		if p.orphan() {
			orphans = append(orphans, p)
		} else {
			placedList = append(placedList, p)
		}
	}
	tags := r.usedTags()
	count := len(r.ann.list)
	return app.Aside().Class("panel").ID("panel").Attr("aria-label", "Highlights in this article").Body(
		app.Div().Class("panel-head").Body(
			app.H2().Class("panel-title").Text(countLabel(count, "highlight", "highlights")),
			app.Button().Class("icon-button small").ID("panel-close").Title("Close").Attr("aria-label", "Close the list").
				OnClick(func(ctx app.Context, e app.Event) { r.togglePanel(ctx, app.Action{}) }).Text("×"),
		),
		app.Div().Class("filters").Body(
			app.Button().Class("chip").Attr("aria-pressed", r.ann.fColor == "").Text("All").
				OnClick(func(ctx app.Context, e app.Event) { r.ann.fColor = "" }),
			app.Range(annotation.Colors).Slice(func(i int) app.UI {
				c := annotation.Colors[i]
				return app.Button().Class("chip swatch-chip swatch-"+string(c)).
					Attr("aria-pressed", r.ann.fColor == c).Attr("aria-label", "Only "+strings.ToLower(colorName(c))).
					Title("Only "+strings.ToLower(colorName(c))).Attr("data-color", string(c)).
					OnClick(func(ctx app.Context, e app.Event) {
						if r.ann.fColor == c {
							r.ann.fColor = ""
						} else {
							r.ann.fColor = c
						}
					}, app.EventScope(string(c)))
			}),
			app.If(len(tags) > 0, func() app.UI {
				return app.Select().Class("tag-filter").ID("tag-filter").Attr("aria-label", "Filter by tag").
					OnChange(func(ctx app.Context, e app.Event) { r.ann.fTag = ctx.JSSrc().Get("value").String() }).
					Body(
						app.Option().Value("").Selected(r.ann.fTag == "").Text("All tags"),
						app.Range(tags).Slice(func(i int) app.UI {
							return app.Option().Value(tags[i]).Selected(strings.EqualFold(r.ann.fTag, tags[i])).Text("#" + tags[i])
						}),
					)
			}),
		),
		app.If(count == 0, func() app.UI {
			return app.P().Class("panel-empty").Text("Select text in the article, then press h or pick a colour to highlight it.")
		}),
		app.Ol().Class("panel-list").Body(
			app.Range(placedList).Slice(func(i int) app.UI { return r.renderItem(placedList[i]) }),
		),
		app.If(len(orphans) > 0, func() app.UI {
			return app.Section().Class("orphans").ID("orphans").Body(
				app.H3().Text("Not found in this version"),
				app.P().Class("orphans-hint").Text("The article changed since these were made, and their passages could not be found with confidence. They are kept: pick the right place, or leave them here."),
				app.Ol().Class("panel-list").Body(
					app.Range(orphans).Slice(func(i int) app.UI { return r.renderOrphan(orphans[i]) }),
				),
			)
		}),
	)
}

func (r *Reader) renderItem(p *placed) app.UI {
	id := p.a.ID
	return app.Li().Class("panel-item hl-"+string(p.a.Color)).Attr("data-id", id).Body(
		app.Button().Class("panel-quote").
			OnClick(func(ctx app.Context, e app.Event) {
				r.ann.cursor = id
				if browser.ViewportWidth() < 720 {
					r.ann.panel = false
				}
				ctx.Defer(func(app.Context) { browser.FlashMark(id, true) })
			}, app.EventScope(id)).
			Text(clip(r.quote(p), 280)),
		app.If(strings.TrimSpace(p.a.Note) != "", func() app.UI {
			return app.Raw(`<div class="panel-note">` + note.HTML(p.a.Note) + `</div>`)
		}),
		app.If(len(p.a.Tags) > 0, func() app.UI {
			return app.Ul().Class("tags small").Body(
				app.Range(p.a.Tags).Slice(func(i int) app.UI { return app.Li().Class("tag").Text(p.a.Tags[i]) }),
			)
		}),
	)
}

func (r *Reader) renderOrphan(p *placed) app.UI {
	id := p.a.ID
	return app.Li().Class("panel-item orphan hl-"+string(p.a.Color)).Attr("data-id", id).Body(
		app.P().Class("panel-quote").Text(clip(p.a.Target.Exact, 280)),
		app.If(strings.TrimSpace(p.a.Note) != "", func() app.UI {
			return app.Raw(`<div class="panel-note">` + note.HTML(p.a.Note) + `</div>`)
		}),
		app.If(len(p.res.Candidates) > 0, func() app.UI {
			return app.Div().Class("candidates").Body(
				app.P().Class("candidates-title").Text("Closest passages now:"),
				app.Range(p.res.Candidates).Slice(func(i int) app.UI {
					m := p.res.Candidates[i]
					return app.Button().Class("candidate").
						OnClick(func(ctx app.Context, e app.Event) { r.reattach(ctx, id, m) }, app.EventScope(id+strconv.Itoa(i))).
						Body(
							app.Span().Class("candidate-text").Text(clip(r.ann.text.Slice(m.Start, m.End), 160)),
							app.Span().Class("candidate-action").Text("Attach here · "+strconv.Itoa(int(m.Score*100+0.5))+"% alike"),
						)
				}),
			)
		}),
		app.If(len(p.res.Candidates) == 0, func() app.UI {
			return app.P().Class("candidates-title").Text("No similar passage is left in the article.")
		}),
		app.Button().Class("link-button danger").Text("Delete").
			OnClick(func(ctx app.Context, e app.Event) { r.remove(ctx, id) }, app.EventScope(id)),
	)
}

// countLabel writes n with the singular or plural noun.
func countLabel(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
