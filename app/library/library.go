// Package library describes the reader's library as the pages see it: the
// summaries of the articles it holds and the source they are read from.
// The server reads the source from its own storage; the browser reads it
// over the HTTP API.
package library

import (
	"context"
	"errors"

	"margin/app/article"
)

// ErrNotFound reports that the library holds no article with the given id.
var ErrNotFound = errors.New("library: no such article")

// Summary is what the library page shows of an article.
type Summary struct {
	ID   string       `json:"id"`
	Meta article.Meta `json:"meta"`
}

// Summarize returns the summary of a.
func Summarize(a *article.Article) Summary {
	return Summary{ID: a.ID, Meta: a.Meta}
}

// Source gives the pages their data.
type Source interface {
	// Summaries returns the library's articles, newest first.
	Summaries(ctx context.Context) ([]Summary, error)
	// Article returns the article with the given id, or an error wrapping
	// ErrNotFound when there is none.
	Article(ctx context.Context, id string) (*article.Article, error)
}
