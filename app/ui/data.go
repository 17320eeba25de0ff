package ui

import (
	"encoding/json"
	"fmt"
	"html"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

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
	return app.Raw(`<script type="application/json" id="` + dataID + `" data-path="` +
		html.EscapeString(d.Path) + `">` + string(b) + `</script>`)
}

// embeddedJSON returns the undecoded data the page at path was prerendered
// from, when the document still holds it (the first render after the WASM
// starts).
func embeddedJSON(path string) (string, bool) {
	raw, at := browser.EmbeddedData(dataID)
	return raw, raw != "" && at == path
}

// decodeData decodes what embeddedJSON returned.
func decodeData(raw string) (pageData, error) {
	var d pageData
	if err := json.Unmarshal([]byte(raw), &d); err != nil {
		return pageData{}, fmt.Errorf("ui: embedded page data: %w", err)
	}
	return d, nil
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
