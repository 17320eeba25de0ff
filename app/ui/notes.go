package ui

import (
	"context"
	"encoding/json"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"margin/app/annotation"
	"margin/app/article"
	"margin/app/browser"
)

// Notes is where the pages keep the reader's annotations and the copies
// of the articles they were made on. In the browser it is the device's
// database (local.Store); the server prerenders without one.
type Notes interface {
	// Annotations returns the annotations on one article, oldest first.
	Annotations(ctx context.Context, articleID string) ([]annotation.Annotation, error)
	// AllAnnotations returns every annotation, newest first.
	AllAnnotations(ctx context.Context) ([]annotation.Annotation, error)
	// PutAnnotation saves a; an error wrapping local.ErrQuota means it is
	// kept in memory only, for now.
	PutAnnotation(ctx context.Context, a annotation.Annotation) error
	// DeleteAnnotation removes the annotation with the given id.
	DeleteAnnotation(ctx context.Context, id string) error
	// PutArticle keeps a copy of a for reading offline.
	PutArticle(ctx context.Context, a *article.Article) error
	// Article returns the kept copy of an article.
	Article(ctx context.Context, id string) (*article.Article, error)
	// Titles returns the titles of the kept articles, by id.
	Titles(ctx context.Context) (map[string]string, error)
	// PutDraft keeps the unsaved text of the note on annotation id, on
	// this device only; an empty text forgets it.
	PutDraft(ctx context.Context, articleID, id, text string) error
	// Drafts returns the unsaved notes on an article, by annotation id.
	Drafts(ctx context.Context, articleID string) (map[string]string, error)
}

// notesChannel is the BroadcastChannel over which tabs tell each other
// that annotations changed.
const notesChannel = "margin-annotations"

// notesChange is a message on notesChannel. An empty Article means any
// article may have changed (another account's copy, a pull).
type notesChange struct {
	Article string `json:"article"`
	ID      string `json:"id"`
}

// announce tells the other tabs that an annotation changed.
func announce(c *browser.Channel, articleID, id string) {
	if b, err := json.Marshal(notesChange{Article: articleID, ID: id}); err == nil {
		c.Post(string(b))
	}
}

// The reader's annotation preferences, kept in localStorage.
const (
	prefColor   = "margin.color"   // the colour new highlights get
	prefOverlap = "margin.overlap" // "merge" to merge overlapping highlights
	prefPersist = "margin.persist" // set once persistent storage was asked for
)

// currentColor returns the colour new highlights get.
func currentColor() annotation.Color {
	c := annotation.Color(browser.Pref(prefColor))
	for _, k := range annotation.Colors {
		if k == c {
			return c
		}
	}
	return annotation.Yellow
}

// setColor makes c the colour new highlights get, on every device.
func (r *Reader) setColor(ctx app.Context, c annotation.Color) {
	if browser.Pref(prefColor) == string(c) {
		return
	}
	browser.SetPref(prefColor, string(c))
	saveSetting(ctx, r.dev, settingColor, string(c))
}

// colorName is a colour as the reader reads it.
func colorName(c annotation.Color) string {
	switch c {
	case annotation.Green:
		return "Green"
	case annotation.Blue:
		return "Blue"
	case annotation.Pink:
		return "Pink"
	case annotation.Purple:
		return "Purple"
	}
	return "Yellow"
}
