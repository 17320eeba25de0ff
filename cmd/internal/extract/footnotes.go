package extract

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Footnotes often sit after the article's container, where go-readability
// does not look; the article's own links to them show they belong to it.

// footnoteWords name the container of a page's notes.
var footnoteWords = wordSet("footnotes", "endnotes", "footnote", "notes", "references")

// footnotes is a page's notes, taken before go-readability changes the page.
type footnotes struct {
	html string   // the container's HTML
	text string   // its text, folded
	ids  []string // the ids of elements inside, which links point at
}

// findFootnotes returns the notes of doc: the first element named as
// footnotes (or with role doc-endnotes) that holds elements with ids.
func findFootnotes(doc *html.Node) *footnotes {
	var found *html.Node
	visit(doc, func(n *html.Node) bool {
		if found != nil || n.Type != html.ElementNode && n.Type != html.DocumentNode {
			return false
		}
		if n.Type == html.ElementNode && n.DataAtom != atom.Body && n.DataAtom != atom.Html &&
			(attrOf(n, "role") == "doc-endnotes" || namedBy(n, footnoteWords)) {
			found = n
			return false
		}
		return true
	})
	if found == nil {
		return nil
	}
	f := &footnotes{text: fold(textOf(found))}
	visit(found, func(n *html.Node) bool {
		if id := attrOf(n, "id"); n.Type == html.ElementNode && id != "" {
			f.ids = append(f.ids, id)
		}
		return true
	})
	if len(f.ids) == 0 || f.text == "" || len(f.text) > 100<<10 {
		return nil
	}
	var b strings.Builder
	if html.Render(&b, found) != nil {
		return nil
	}
	f.html = b.String()
	return f
}

// appendTo adds the notes to content, the article's HTML, when the
// article links to one of them and does not hold them already.
func (f *footnotes) appendTo(content string, contentText string) string {
	if f == nil || strings.Contains(contentText, f.text[:min(len(f.text), 200)]) {
		return content
	}
	for _, id := range f.ids {
		if strings.Contains(content, `#`+id+`"`) {
			return content + f.html
		}
	}
	return content
}
