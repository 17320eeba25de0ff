//go:build js && wasm

// Command convert is the WebAssembly module that turns pasted text and
// files into articles in the browser, in a worker (web/convert.js) the app
// starts on first use. It holds app/article's converters, which the app's
// own module leaves out to stay small; build it with the tag "convert".
package main

import (
	"encoding/json"

	"margin/app/article"
	"margin/app/browser"
	"margin/app/paste"
)

// request is what the app sends along with the text (see ui's convert).
type request struct {
	Format paste.Format `json:"format"`
	Name   string       `json:"name"`
}

// answer is the article, or the sentence saying why there is none.
type answer struct {
	Article *article.Article `json:"article,omitempty"`
	Error   string           `json:"error,omitempty"`
}

func main() {
	browser.ServeWorker(func(meta string, data []byte) []byte {
		var req request
		var out answer
		if err := json.Unmarshal([]byte(meta), &req); err != nil {
			out.Error = "That could not be turned into an article."
		} else if a, err := paste.Convert(data, req.Format, req.Name); err != nil {
			out.Error = paste.Message(err)
		} else {
			out.Article = a
		}
		b, err := json.Marshal(out)
		if err != nil {
			b = []byte(`{"error":"That could not be turned into an article."}`)
		}
		return b
	})
}
