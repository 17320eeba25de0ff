package extract

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// News pages often put the lead picture and its caption in the story's
// header, beside the body that go-readability chooses, which then comes
// out without it. leadFigure keeps that figure aside beforehand, and puts
// it back when the chosen body is the start of that story and has no
// picture of its own.

// minStory is how much text an <article> or <main> needs to be taken for
// the story rather than a card in a list.
const minStory = 500

// leadFigure is a story's opening figure.
type leadFigure struct {
	html    string // the figure's HTML
	opening string // the start of the story's first paragraph after it, folded
}

// openingLen is how much of the first paragraph identifies the story.
const openingLen = 100

// findLead returns the figure that opens doc's first story: the first
// <figure> with an image in the first <article> or <main> holding
// minStory code points of text, before any paragraph of that story.
func findLead(doc *html.Node) *leadFigure {
	var story *html.Node
	visit(doc, func(n *html.Node) bool {
		if story != nil || n.Type != html.ElementNode && n.Type != html.DocumentNode {
			return false
		}
		if (n.DataAtom == atom.Article || n.DataAtom == atom.Main) && textLen(n, minStory) >= minStory {
			story = n
			return false
		}
		return true
	})
	if story == nil {
		return nil
	}
	var fig *html.Node
	var opening string
	done := false
	visit(story, func(n *html.Node) bool {
		if done || n.Type != html.ElementNode {
			return false
		}
		switch n.DataAtom {
		case atom.P:
			if textLen(n, 80) >= 80 { // the story's text has begun
				if fig != nil {
					opening = fold(textOf(n))
				}
				done = true
			}
			return false
		case atom.Figure:
			if fig == nil && hasImage(n) {
				fig = n
			}
			return false
		}
		return true
	})
	if fig == nil || opening == "" {
		return nil
	}
	if r := []rune(opening); len(r) > openingLen {
		opening = string(r[:openingLen])
	}
	var b strings.Builder
	if html.Render(&b, fig) != nil {
		return nil
	}
	return &leadFigure{html: b.String(), opening: opening}
}

// hasImage reports whether an img with a source is under n.
func hasImage(n *html.Node) bool {
	found := false
	visit(n, func(x *html.Node) bool {
		if x.Type == html.ElementNode && x.DataAtom == atom.Img && attrOf(x, "src") != "" {
			found = true
		}
		return !found
	})
	return found
}

// prependTo puts the figure first in content, the chosen body, when that
// body has no image and holds the story's first paragraph.
func (l *leadFigure) prependTo(content *html.Node) {
	if l == nil || hasImage(content) || !strings.Contains(fold(textOf(content)), l.opening) {
		return
	}
	nodes, err := html.ParseFragment(strings.NewReader(l.html), &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div})
	if err != nil {
		return
	}
	first := content.FirstChild
	for _, n := range nodes {
		content.InsertBefore(n, first)
	}
}
