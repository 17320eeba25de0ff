package ui

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"margin/app/article"
	"margin/app/browser"
	"margin/app/paste"
)

// convertScript starts the worker that converts pasted text and files
// (cmd/convert): the app's own module does not hold app/article's
// converters.
const convertScript = "/web/convert.js"

// convert turns src, written in f, into a new article in the conversion
// worker. A refusal is a *paste.Error with the worker's sentence.
func convert(ctx context.Context, src []byte, f paste.Format, name string) (*article.Article, error) {
	meta, err := json.Marshal(struct {
		Format paste.Format `json:"format"`
		Name   string       `json:"name"`
	}{f, name})
	if err != nil {
		return nil, fmt.Errorf("ui: convert: %w", err)
	}
	out, err := browser.CallWorker(ctx, convertScript, string(meta), src)
	if errors.Is(err, browser.ErrWorker) {
		return nil, &paste.Error{Message: "The converter could not be loaded. Connect to the network once, then try again: after that it works offline.", Err: err}
	}
	if err != nil {
		return nil, fmt.Errorf("ui: convert: %w", err)
	}
	var answer struct {
		Article *article.Article `json:"article"`
		Error   string           `json:"error"`
	}
	if err := json.Unmarshal(out, &answer); err != nil {
		return nil, fmt.Errorf("ui: convert: the worker's answer: %w", err)
	}
	if answer.Error != "" {
		return nil, &paste.Error{Message: answer.Error}
	}
	// The worker is the app's own code, but the model is checked as any
	// model from elsewhere is before it is shown (and saving checks it).
	if err := article.Check(answer.Article); err != nil {
		return nil, fmt.Errorf("ui: convert: %w", err)
	}
	return answer.Article, nil
}
