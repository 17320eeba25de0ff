package ui

import (
	"strconv"
	"strings"
	"time"

	"margin/app/article"
)

// byline is the line above a title: site, date and reading time.
func byline(m article.Meta) string {
	return strings.Join(bylineParts(m), " · ")
}

// bylineParts are the pieces of a byline: site, day and reading time, each
// present only when known.
func bylineParts(m article.Meta) []string {
	var parts []string
	if m.Site != "" {
		parts = append(parts, m.Site)
	}
	if d := date(m.Published); d != "" {
		parts = append(parts, d)
	}
	if m.Minutes > 0 {
		parts = append(parts, strconv.Itoa(m.Minutes)+" min read")
	}
	return parts
}

// date writes a publication day the way a reader says it.
func date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("2 January 2006")
}

// pageTitle is the document title of a page about something.
func pageTitle(s string) string {
	if s == "" {
		return "Margin"
	}
	return s + " · Margin"
}
