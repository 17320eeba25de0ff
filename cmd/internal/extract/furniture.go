package extract

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Furniture is what sites put inside or beside an article that is not
// the article: consent overlays, sign-up boxes, share bars, "more like
// this". go-readability drops much of it by its own class-name rules but
// keeps what sits inside the article's container; removeFurniture drops
// it first, by the words sites name it with.

// overlayWords name consent dialogs, removed whatever their size short
// of a page (maxOverlay).
var overlayWords = wordSet("cookie", "cookies", "consent", "gdpr", "cmp", "onetrust", "cookiebar")

// furnitureWords name boxes removed when they hold little text
// (maxFurniture): a container named "share-enabled article" that holds
// the whole article stays.
var furnitureWords = wordSet("newsletter", "signup", "subscribe", "subscription", "paywall",
	"promo", "promotion", "offer", "edit", "feedback", "helpful", "share", "sharing",
	"sharedaddy", "social", "related", "recommended", "recommendations", "outbrain",
	"taboola", "more", "popular", "trending")

const (
	maxOverlay   = 3000 // code points
	maxFurniture = 600
)

func wordSet(ws ...string) map[string]bool {
	m := make(map[string]bool, len(ws))
	for _, w := range ws {
		m[w] = true
	}
	return m
}

// namedBy reports whether n's class or id holds one of words, split at
// spaces, hyphens and underscores ("newsletter-signup", "share_bar").
func namedBy(n *html.Node, words map[string]bool) bool {
	for _, a := range n.Attr {
		if a.Namespace != "" || a.Key != "class" && a.Key != "id" {
			continue
		}
		for _, w := range strings.FieldsFunc(strings.ToLower(a.Val), func(r rune) bool {
			return r == ' ' || r == '-' || r == '_' || r == '\t' || r == '\n'
		}) {
			if words[w] {
				return true
			}
		}
	}
	return false
}

// keepAlways are elements never removed as furniture.
var keepAlways = map[atom.Atom]bool{atom.Html: true, atom.Head: true, atom.Body: true,
	atom.Main: true, atom.Article: true}

// removeFurniture drops consent overlays and small boxes named as
// furniture from doc.
func removeFurniture(doc *html.Node) {
	var drop []*html.Node
	visit(doc, func(n *html.Node) bool {
		if n.Type != html.ElementNode && n.Type != html.DocumentNode {
			return false
		}
		if n.Type == html.DocumentNode || keepAlways[n.DataAtom] || n.Namespace != "" {
			return true
		}
		modal := attrOf(n, "aria-modal") == "true"
		switch {
		case (modal || namedBy(n, overlayWords)) && textLen(n, maxOverlay+1) <= maxOverlay:
			drop = append(drop, n)
			return false
		case namedBy(n, furnitureWords) && textLen(n, maxFurniture+1) <= maxFurniture:
			drop = append(drop, n)
			return false
		}
		return true
	})
	for _, n := range drop {
		if n.Parent != nil {
			n.Parent.RemoveChild(n)
		}
	}
}

// textLen counts the code points of n's text, stopping past stop.
func textLen(n *html.Node, stop int) int {
	count := 0
	visit(n, func(x *html.Node) bool {
		if count > stop {
			return false
		}
		if x.Type == html.TextNode {
			count += utf8.RuneCountInString(strings.TrimSpace(x.Data))
		}
		return true
	})
	return count
}
