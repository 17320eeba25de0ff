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
// spaces, hyphens and underscores ("newsletter-signup", "share_bar"). It
// runs on every element of a page, so it does not allocate for
// lower-case names.
func namedBy(n *html.Node, words map[string]bool) bool {
	for _, a := range n.Attr {
		if a.Namespace != "" || a.Key != "class" && a.Key != "id" {
			continue
		}
		v := a.Val
		for start := 0; start < len(v); {
			end := start
			for end < len(v) && !isSeparator(v[end]) {
				end++
			}
			if w := v[start:end]; w != "" && words[lowerASCII(w)] {
				return true
			}
			start = end + 1
		}
	}
	return false
}

func isSeparator(c byte) bool {
	return c == ' ' || c == '-' || c == '_' || c == '\t' || c == '\n' || c == '\r' || c == '\f'
}

// lowerASCII lower-cases w, copying only when it has upper-case letters.
func lowerASCII(w string) string {
	for i := 0; i < len(w); i++ {
		if c := w[i]; c >= 'A' && c <= 'Z' {
			return strings.ToLower(w)
		}
	}
	return w
}

// keepAlways are elements never removed as furniture.
var keepAlways = map[atom.Atom]bool{atom.Html: true, atom.Head: true, atom.Body: true,
	atom.Main: true, atom.Article: true}

// removeFurniture drops consent overlays and small boxes named as
// furniture from doc, and returns its footnotes (see takeFootnotes), all
// in one walk over the page.
func removeFurniture(doc *html.Node) *footnotes {
	var drop []*html.Node
	var notes *html.Node
	visit(doc, func(n *html.Node) bool {
		if n.Type != html.ElementNode && n.Type != html.DocumentNode {
			return false
		}
		if n.Type == html.DocumentNode || keepAlways[n.DataAtom] || n.Namespace != "" {
			return true
		}
		if notes == nil && isFootnotes(n) {
			notes = n
			return false
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
	// The notes are taken before anything is removed: furniture may sit
	// beside them, never inside (the walk did not look there).
	f := takeFootnotes(notes)
	for _, n := range drop {
		if n.Parent != nil {
			n.Parent.RemoveChild(n)
		}
	}
	return f
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
