//go:build !(js && wasm) || convert

package paste

import (
	"bytes"
	"fmt"
	"math"
	"path"
	"strings"
	"unicode/utf8"

	"margin/app/article"
)

// maxTitle is the longest first line, in characters, that becomes the
// title of an article that has none.
const maxTitle = 120

// Convert makes an article of src, written in f; name is the file's name,
// or "" for a paste, and titles an article that has no title of its own.
// The article gets a new id (NewID). Empty, oversized and binary input is
// refused with an *Error.
func Convert(src []byte, f Format, name string) (*article.Article, error) {
	if len(src) > article.MaxInput {
		return nil, &Error{Message: fmt.Sprintf("That is %s; Margin takes up to %d MB at a time.", size(len(src)), article.MaxInput>>20)}
	}
	if bytes.IndexByte(src, 0) >= 0 || !utf8.Valid(src) {
		return nil, &Error{Message: "That file is not text. Choose an .html, .md or .txt file."}
	}
	s := string(src)
	if strings.TrimSpace(s) == "" {
		return nil, &Error{Message: "There is nothing to save: paste or drop an article first."}
	}
	var a *article.Article
	var err error
	switch f {
	case HTML:
		a, err = article.FromHTML(s, "")
	case Markdown:
		a, err = article.FromMarkdown(s)
	default:
		a, err = article.FromText(s)
	}
	if err != nil {
		return nil, &Error{Message: "That could not be turned into an article.", Err: err}
	}
	if len(a.Blocks) == 0 {
		return nil, &Error{Message: "That has no text to read."}
	}
	if a.Meta.Title == "" {
		a.Meta.Title = title(a, name)
		a.Index()
	}
	a.ID = NewID()
	if err := article.Check(a); err != nil {
		return nil, &Error{Message: "That could not be turned into an article.", Err: err}
	}
	return a, nil
}

// title finds a title for an article without one: a leading heading or
// short first paragraph (which it takes out of the body), else the file's
// name.
func title(a *article.Article, name string) string {
	if b := a.Blocks[0]; b.Kind == article.Heading && b.Level <= 2 && len(a.Blocks) > 1 {
		// A page's fragment, copied with its heading.
		var t strings.Builder
		for _, r := range b.Runs {
			t.WriteString(r.Text)
		}
		if s := strings.Join(strings.Fields(t.String()), " "); s != "" {
			a.Blocks = a.Blocks[1:]
			return s
		}
	}
	if b := a.Blocks[0]; b.Kind == article.Paragraph && len(a.Blocks) > 1 {
		var t strings.Builder
		oneLine := true
		for _, r := range b.Runs {
			t.WriteString(r.Text)
			oneLine = oneLine && !r.Break
		}
		if s := strings.TrimSpace(t.String()); oneLine && s != "" && utf8.RuneCountInString(s) <= maxTitle {
			a.Blocks = a.Blocks[1:]
			return s
		}
	}
	if name != "" {
		return strings.TrimSuffix(path.Base(name), path.Ext(name))
	}
	return ""
}

// size writes n bytes for a person.
func size(n int) string {
	if n < 1<<20 {
		return fmt.Sprintf("%d KB", (n+1023)>>10)
	}
	// Rounded up, so that a file just over the limit does not read as
	// being at it.
	return fmt.Sprintf("%.1f MB", math.Ceil(float64(n)*10/(1<<20))/10)
}
