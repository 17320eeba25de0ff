//go:build !(js && wasm) || convert

package article

import (
	"net/url"
	"regexp"
	"strings"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// meta fills m from a whole document: the title, the language of <html>,
// and the usual <meta> tags for author, site name, image, publication time
// and canonical address. Anything unusable is ignored.
func (c *converter) meta(root *html.Node, m *Meta) {
	var canonical string
	visit(root, func(n *html.Node) bool {
		if n.Type != html.ElementNode {
			return true
		}
		if n.Namespace != "" {
			return false // svg and math have titles of their own
		}
		switch n.DataAtom {
		case atom.Html:
			if v, ok := attr(n, "lang"); ok && m.Lang == "" {
				m.Lang = validLangTag(v)
			}
		case atom.Title:
			if m.Title == "" {
				m.Title = foldString(textContent(n))
			}
			return false
		case atom.Meta:
			key, _ := attr(n, "property")
			if key == "" {
				key, _ = attr(n, "name")
			}
			v, _ := attr(n, "content")
			v = foldString(v)
			if v == "" {
				break
			}
			switch strings.ToLower(key) {
			case "author":
				setOnce(&m.Byline, v)
			case "og:site_name":
				setOnce(&m.Site, v)
			case "og:image", "twitter:image":
				if u, ok := safeURL(v, c.base, false); ok {
					setOnce(&m.Image, u)
				}
			case "article:published_time":
				if t, err := parseDate(v); err == nil && m.Published.IsZero() {
					m.Published = t
				}
			case "og:url":
				setOnce(&canonical, v)
			}
		case atom.Link:
			rel, _ := attr(n, "rel")
			if strings.EqualFold(strings.TrimSpace(rel), "canonical") {
				v, _ := attr(n, "href")
				canonical = v
			}
		}
		return true
	})
	if canonical != "" {
		if u, ok := safeURL(canonical, c.base, false); ok {
			m.URL = u
		}
	}
}

// docBase returns the document's <base href>, resolved against the page
// URL, when it is a usable http(s) URL.
func (c *converter) docBase(root *html.Node) *url.URL {
	var base *url.URL
	visit(root, func(n *html.Node) bool {
		if base != nil || n.Type == html.ElementNode && n.Namespace != "" {
			return false
		}
		if n.Type == html.ElementNode && n.DataAtom == atom.Base {
			if v, ok := attr(n, "href"); ok {
				if s, ok := safeURL(v, c.base, false); ok {
					base, _ = url.Parse(s)
				}
			}
		}
		return true
	})
	return base
}

func setOnce(dst *string, v string) {
	if *dst == "" {
		*dst = v
	}
}

// visit calls f on every node in document order, without recursion; f
// returns false to skip a node's children.
func visit(root *html.Node, f func(*html.Node) bool) {
	stack := []*html.Node{root}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if !f(n) {
			continue
		}
		for ch := n.LastChild; ch != nil; ch = ch.PrevSibling {
			stack = append(stack, ch)
		}
	}
}

func textContent(n *html.Node) string {
	var b strings.Builder
	visit(n, func(n *html.Node) bool {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		return true
	})
	return b.String()
}

var langTag = regexp.MustCompile(`^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$`)

// validLangTag returns a BCP 47 looking language tag, or "".
func validLangTag(v string) string {
	v = strings.TrimSpace(v)
	if langTag.MatchString(v) {
		return v
	}
	return ""
}

// parseDate reads a date as YYYY-MM-DD or RFC 3339.
func parseDate(v string) (time.Time, error) {
	if t, err := time.Parse(time.DateOnly, v); err == nil {
		return t, nil
	}
	return time.Parse(time.RFC3339, v)
}
