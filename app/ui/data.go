package ui

import (
	"encoding/json"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"margin/app/article"
	"margin/app/browser"
	"margin/app/library"
)

// dataID is the id of the script element that carries a prerendered
// page's data to the browser, so the first client render draws exactly
// what the server drew, without a second request.
const dataID = "margin-data"

// pageData is what a page was prerendered from.
type pageData struct {
	Path      string            `json:"path"`
	Article   *article.Article  `json:"article,omitempty"`
	Summaries []library.Summary `json:"summaries,omitempty"`
}

// dataScript embeds d in the prerendered page. encoding/json escapes <, >
// and &, so the payload cannot close the script element. Only the server
// renders it: in the browser the data is already in memory.
func dataScript(d pageData) app.UI {
	if !app.IsServer {
		return nil
	}
	b, err := json.Marshal(d)
	if err != nil {
		app.Logf("ui: embed page data for %s: %v", d.Path, err)
		return nil
	}
	return app.Raw(`<script type="application/json" id="` + dataID + `">` + string(b) + `</script>`)
}

// embedded returns the data the page at path was prerendered from, when
// the document still holds it (the first render after the WASM starts).
func embedded(path string) (pageData, bool) {
	raw := browser.EmbeddedData(dataID)
	if raw == "" {
		return pageData{}, false
	}
	var d pageData
	if err := json.Unmarshal([]byte(raw), &d); err != nil {
		app.Logf("ui: embedded page data unreadable: %v", err)
		return pageData{}, false
	}
	if d.Path != path {
		return pageData{}, false
	}
	return d, true
}

// status is where a page is with loading its data.
type status int

const (
	neverLoaded status = iota
	loading
	loaded
	notFound
	failed
)
