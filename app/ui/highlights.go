package ui

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"margin/app/annotation"
	"margin/app/browser"
	"margin/app/note"
)

// highlightsPath is the address of the page of every highlight.
const highlightsPath = "/highlights"

// Highlights lists the highlights of every article on this device, newest
// first, filterable by colour and tag and searchable. It reads only the
// device's database, so it works offline.
type Highlights struct {
	app.Compo

	notes  Notes
	dev    *Device // nil on the server
	status status
	list   []annotation.Annotation
	titles map[string]string

	query  string
	fColor annotation.Color
	fTag   string

	channel *browser.Channel
}

func (h *Highlights) OnNav(ctx app.Context) {
	ctx.Page().SetTitle("%s", "Highlights · Margin")
	ctx.Page().SetDescription("%s", "Every passage you marked, in one place.")
}

func (h *Highlights) OnMount(ctx app.Context) {
	browser.Mark("margin-mounted")
	h.load(ctx)
	h.channel = browser.Listen(notesChannel, func(msg string) {
		var c notesChange
		if json.Unmarshal([]byte(msg), &c) == nil {
			ctx.Dispatch(func(ctx app.Context) { h.load(ctx) })
		}
	})
}

func (h *Highlights) OnDismount() {
	h.channel.Close()
	h.channel = nil
}

func (h *Highlights) load(ctx app.Context) {
	if h.notes == nil {
		return
	}
	if h.status != loaded {
		h.status = loading
	}
	ctx.Async(func() {
		c, cancel := context.WithTimeout(ctx, loadTimeout)
		defer cancel()
		list, err := h.notes.AllAnnotations(c)
		titles, terr := h.notes.Titles(c)
		if terr != nil {
			app.Logf("ui: highlights: titles: %v", terr)
		}
		ctx.Dispatch(func(ctx app.Context) {
			if err != nil {
				app.Logf("ui: highlights: %v", err)
				h.status = failed
				return
			}
			h.list, h.titles, h.status = list, titles, loaded
		})
	})
}

// matches reports whether a passes the filters and the search.
func (h *Highlights) matches(a *annotation.Annotation) bool {
	if h.fColor != "" && a.Color != h.fColor {
		return false
	}
	if h.fTag != "" && !containsFold(a.Tags, h.fTag) {
		return false
	}
	q := strings.ToLower(strings.TrimSpace(h.query))
	if q == "" {
		return true
	}
	hay := strings.ToLower(a.Target.Exact + "\n" + note.Plain(a.Note) + "\n" + strings.Join(a.Tags, " ") + "\n" + h.titles[a.Article])
	for _, w := range strings.Fields(q) {
		if !strings.Contains(hay, w) {
			return false
		}
	}
	return true
}

func (h *Highlights) tags() []string {
	var out []string
	for _, a := range h.list {
		out = addTags(out, a.Tags...)
	}
	return out
}

func (h *Highlights) Render() app.UI {
	var shown []annotation.Annotation
	for i := range h.list {
		if h.matches(&h.list[i]) {
			shown = append(shown, h.list[i])
		}
	}
	tags := h.tags()
	return app.Div().Class("page page-highlights").Body(
		&topBar{Back: true, dev: h.dev},
		app.Main().Class("highlights").ID("main").Body(
			app.H1().Class("library-title").Text("Highlights"),
			app.Div().Class("filters highlights-filters").Body(
				app.Input().Type("search").ID("highlights-search").Class("search").
					Placeholder("Search quotes, notes, tags and titles").Attr("aria-label", "Search highlights").
					Value(h.query).
					OnInput(func(ctx app.Context, e app.Event) { h.query = ctx.JSSrc().Get("value").String() }),
				app.Div().Class("chips").Body(
					app.Button().Class("chip").Attr("aria-pressed", h.fColor == "").Text("All").
						OnClick(func(ctx app.Context, e app.Event) { h.fColor = "" }),
					app.Range(annotation.Colors).Slice(func(i int) app.UI {
						c := annotation.Colors[i]
						return app.Button().Class("chip swatch-chip swatch-"+string(c)).
							Attr("aria-pressed", h.fColor == c).Attr("aria-label", "Only "+strings.ToLower(colorName(c))).
							Title("Only "+strings.ToLower(colorName(c))).Attr("data-color", string(c)).
							OnClick(func(ctx app.Context, e app.Event) {
								if h.fColor == c {
									h.fColor = ""
								} else {
									h.fColor = c
								}
							}, app.EventScope(string(c)))
					}),
					app.If(len(tags) > 0, func() app.UI {
						return app.Select().Class("tag-filter").ID("highlights-tag").Attr("aria-label", "Filter by tag").
							OnChange(func(ctx app.Context, e app.Event) { h.fTag = ctx.JSSrc().Get("value").String() }).
							Body(
								app.Option().Value("").Selected(h.fTag == "").Text("All tags"),
								app.Range(tags).Slice(func(i int) app.UI {
									return app.Option().Value(tags[i]).Selected(strings.EqualFold(h.fTag, tags[i])).Text("#" + tags[i])
								}),
							)
					}),
				),
			),
			h.renderList(shown),
		),
	)
}

func (h *Highlights) renderList(shown []annotation.Annotation) app.UI {
	switch {
	case h.status == failed:
		return notice("Your highlights could not be read from this device.", "Reload the page to try again.")
	case h.status != loaded:
		return app.P().Class("loading").Attr("aria-busy", true).Text("Loading your highlights…")
	case len(h.list) == 0:
		return notice("No highlights yet.", "Open an article, select a passage and press h, or pick a colour.")
	case len(shown) == 0:
		return notice("No highlight matches.", "Try other words, or clear the filters.")
	}
	return app.Ol().Class("highlight-list").Body(
		app.Range(shown).Slice(func(i int) app.UI {
			a := shown[i]
			title := h.titles[a.Article]
			if title == "" {
				title = "An article not kept on this device"
			}
			return app.Li().Class("highlight-card hl-"+string(a.Color)).Attr("data-id", a.ID).Body(
				app.A().Class("highlight-quote").Href(articleHref(a.Article)+"#h="+a.ID).Text(clip(a.Target.Exact, 600)),
				app.If(strings.TrimSpace(a.Note) != "", func() app.UI {
					return app.Raw(`<div class="panel-note">` + note.HTML(a.Note) + `</div>`)
				}),
				app.Div().Class("highlight-meta").Body(
					app.A().Class("highlight-source").Href(articleHref(a.Article)).Text(title),
					app.Span().Class("dot").Text(" · "),
					app.Time().DateTime(a.Created.Format("2006-01-02T15:04:05Z07:00")).Text(a.Created.Local().Format("2 Jan 2006")),
					app.If(len(a.Tags) > 0, func() app.UI {
						return app.Ul().Class("tags small").Body(
							app.Range(a.Tags).Slice(func(j int) app.UI { return app.Li().Class("tag").Text(a.Tags[j]) }),
						)
					}),
				),
			)
		}),
	)
}
