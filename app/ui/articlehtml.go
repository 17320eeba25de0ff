package ui

import (
	"html"
	"strings"

	"margin/app/article"
)

// ArticleHTML is the reader's article element for a, written from the
// model with every text escaped: the server prerenders it, the API sends
// it for the app's first paint of an article, and the app builds the same
// element block by block.
func ArticleHTML(a *article.Article) string { return articleHTML(a, nil) }

// articleHTML is ArticleHTML with the blocks' HTML given, when blocks is
// not nil, rather than rendered here: the reader's, with their marks.
func articleHTML(a *article.Article, blocks []string) string {
	var b strings.Builder
	// data-id lets the app recognize a prerendered article as its own.
	b.WriteString(`<article class="reader-article" data-id="` + html.EscapeString(a.ID) + `"`)
	if lang := a.Meta.Lang; lang != "" {
		b.WriteString(` lang="` + html.EscapeString(lang) + `"`)
	}
	// The direction the page declared wins; else the language's.
	switch dir := a.Meta.Dir; {
	case dir == "ltr" || dir == "rtl":
		b.WriteString(` dir="` + dir + `"`)
	case rightToLeft(a.Meta.Lang):
		b.WriteString(` dir="rtl"`)
	}
	b.WriteString(`>`)
	b.WriteString(headHTML(a))
	b.WriteString(`<div class="article-body">`)
	for i := range a.Blocks {
		if blocks != nil {
			b.WriteString(blocks[i])
		} else {
			b.WriteString(a.BlockHTML(i))
		}
	}
	b.WriteString(`</div></article>`)
	return b.String()
}

// headHTML writes the article's header. It is raw HTML rather than go-app
// elements so that the prerendered text and the browser's are identical.
func headHTML(a *article.Article) string {
	m := a.Meta
	var b strings.Builder
	b.WriteString(`<header class="article-head">`)
	if parts := bylineParts(m); len(parts) > 0 {
		// Each piece in a span of its own, so a narrow screen breaks the
		// line between pieces, never inside "3 min read".
		b.WriteString(`<p class="article-kicker">`)
		for i, part := range parts {
			if i > 0 {
				b.WriteString(` · `)
			}
			b.WriteString(`<span>`)
			b.WriteString(html.EscapeString(part))
			b.WriteString(`</span>`)
		}
		b.WriteString(`</p>`)
	}
	title := m.Title
	if title == "" {
		title = "Untitled article"
	}
	b.WriteString(`<h1 class="article-title">`)
	b.WriteString(html.EscapeString(title))
	b.WriteString(`</h1>`)
	if m.Byline != "" {
		b.WriteString(`<p class="article-byline">`)
		b.WriteString(html.EscapeString(m.Byline))
		b.WriteString(`</p>`)
	}
	if src, ok := article.SafeURL(m.URL, "", false); ok {
		b.WriteString(`<p class="article-source"><a href="`)
		b.WriteString(html.EscapeString(src))
		b.WriteString(`" rel="noopener noreferrer" target="_blank">Original article</a></p>`)
	}
	b.WriteString(`</header>`)
	return b.String()
}

// rightToLeft reports whether text in the language tagged lang reads
// right to left, by its primary subtag.
func rightToLeft(lang string) bool {
	primary, _, _ := strings.Cut(strings.ToLower(lang), "-")
	switch primary {
	case "ar", "arc", "ckb", "dv", "fa", "he", "iw", "ks", "ps", "sd", "ug", "ur", "yi":
		return true
	}
	return false
}
