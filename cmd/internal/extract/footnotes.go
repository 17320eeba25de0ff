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

// isFootnotes reports whether n is the container of a page's notes: an
// element named as footnotes, or with role doc-endnotes.
func isFootnotes(n *html.Node) bool {
	return n.DataAtom != atom.Body && n.DataAtom != atom.Html &&
		(attrOf(n, "role") == "doc-endnotes" || namedBy(n, footnoteWords))
}

// takeFootnotes keeps the notes in found, when they have ids that links
// can point at.
func takeFootnotes(found *html.Node) *footnotes {
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

// appendTo adds the notes to content, the article's container, when the
// article links to one of them and does not hold them already.
func (f *footnotes) appendTo(content *html.Node) {
	if f == nil {
		return
	}
	if strings.Contains(fold(textOf(content)), f.text[:min(len(f.text), 200)]) || !linksTo(content, f.ids) {
		return
	}
	nodes, err := html.ParseFragment(strings.NewReader(f.html), &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div})
	if err != nil {
		return
	}
	for _, n := range nodes {
		content.AppendChild(n)
	}
}

// linksTo reports whether an element under root links to "#id" for one of ids.
func linksTo(root *html.Node, ids []string) bool {
	found := false
	visit(root, func(n *html.Node) bool {
		if found {
			return false
		}
		if n.Type == html.ElementNode && n.Data == "a" {
			href := attrOf(n, "href")
			if i := strings.LastIndexByte(href, '#'); i >= 0 {
				for _, id := range ids {
					if href[i+1:] == id {
						found = true
					}
				}
			}
		}
		return true
	})
	return found
}
