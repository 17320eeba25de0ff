package note

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// allowed lists the elements HTML may write and the attributes each may
// have.
var allowed = map[string]map[string]bool{
	"p":          {},
	"br":         {},
	"em":         {},
	"strong":     {},
	"code":       {},
	"a":          {"href": true, "rel": true, "target": true},
	"ul":         {},
	"ol":         {"start": true},
	"li":         {},
	"blockquote": {},
}

// checkHTML parses out as an HTML parser in a page would, and reports the
// first element, attribute or link that is not allowed.
func checkHTML(out string) error {
	nodes, err := html.ParseFragment(strings.NewReader(out), &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div})
	if err != nil {
		return err
	}
	var walk func(n *html.Node) error
	walk = func(n *html.Node) error {
		switch n.Type {
		case html.TextNode:
		case html.ElementNode:
			attrs, ok := allowed[n.Data]
			if !ok || n.Namespace != "" {
				return fmt.Errorf("element <%s> in %q", n.Data, out)
			}
			for _, a := range n.Attr {
				if !attrs[a.Key] || a.Namespace != "" {
					return fmt.Errorf("attribute %s on <%s> in %q", a.Key, n.Data, out)
				}
				switch a.Key {
				case "href":
					u, err := url.Parse(a.Val)
					if err != nil {
						return fmt.Errorf("href %q does not parse: %v", a.Val, err)
					}
					if s := u.Scheme; s != "http" && s != "https" && s != "mailto" || strings.TrimSpace(a.Val) != a.Val {
						return fmt.Errorf("href %q in %q", a.Val, out)
					}
				case "rel":
					if a.Val != "noopener noreferrer nofollow" {
						return fmt.Errorf("rel %q", a.Val)
					}
				case "target":
					if a.Val != "_blank" {
						return fmt.Errorf("target %q", a.Val)
					}
				}
			}
		default:
			return fmt.Errorf("node of type %d (%q) in %q", n.Type, n.Data, out)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if err := walk(c); err != nil {
				return err
			}
		}
		return nil
	}
	for _, n := range nodes {
		if err := walk(n); err != nil {
			return err
		}
	}
	return nil
}

// FuzzHTML checks that for any note, HTML parses into only the allowed
// elements and attributes, with no link but to http, https and mailto
// URLs, and that Plain gives one line.
func FuzzHTML(f *testing.F) {
	for _, tc := range cases {
		f.Add(tc.md)
	}
	for _, s := range []string{
		"*a **b*** _c __d___ `e` [f](https://g.example/h) <i>",
		"> - [x](mailto:a@b)\n> > 1. **y**\n\n2) z",
		"[a](https://x.example/\"><script>)",
		"[a](https://x.example/a)b)c](https://y.example/)",
		"https://x.example/a)b(c) (https://y.example/(z))",
		"\\\\*a\\\\* \\`b\\`",
		"&#106;avascript:alert(1) [x](&#106;avascript:alert(1))",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, md string) {
		out := HTML(md)
		if err := checkHTML(out); err != nil {
			t.Fatal(err)
		}
		if p := Plain(md); strings.ContainsAny(p, "\n\r\t") || strings.TrimSpace(p) != p {
			t.Fatalf("Plain(%q) = %q is not one trimmed line", md, p)
		}
	})
}
