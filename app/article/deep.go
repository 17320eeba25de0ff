//go:build !(js && wasm) || convert

package article

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// flattenDepth is how many elements flatten lets stay open. The parser
// refuses 512; the tree it builds can be deeper than the tags (implied
// tbody, reopened formatting elements), hence the margin.
const flattenDepth = 100

// flatten rewrites HTML whose nesting the parser refused: start tags past
// flattenDepth open elements are dropped (their text stays), and so are
// their end tags. It tracks nesting the simple way, closing a p, li, dt,
// dd, tr, td or th the way HTML implies. Attributes the converter does not
// read are dropped too, so that formatting elements reopened by the parser
// look alike and stay few.
func flatten(src string) string {
	z := html.NewTokenizer(strings.NewReader(src))
	var out strings.Builder
	out.Grow(len(src))
	var stack []atom.Atom
	var names []string
	open := map[string]int{}        // open elements by name
	openAtom := map[atom.Atom]int{} // and by atom, for a quick look
	dropped := map[string]int{}     // start tags dropped, by name
	pop := func() {
		open[names[len(names)-1]]--
		openAtom[stack[len(stack)-1]]--
		stack, names = stack[:len(stack)-1], names[:len(names)-1]
	}
	// closeImplied pops up to and including the innermost element in
	// targets, unless one of the stop elements comes first.
	closeImplied := func(targets, stops map[atom.Atom]bool) {
		some := false
		for a := range targets {
			some = some || openAtom[a] > 0
		}
		if !some {
			return
		}
		for i := len(stack) - 1; i >= 0; i-- {
			if stops[stack[i]] {
				return
			}
			if targets[stack[i]] {
				for len(stack) > i {
					pop()
				}
				return
			}
		}
	}
	raw := false // the text that follows is the raw text of a tag written out
	for {
		tt := z.Next()
		wasRaw := raw
		raw = false
		switch tt {
		case html.ErrorToken:
			return out.String()
		case html.TextToken:
			if wasRaw {
				// Raw text (script, style, xmp, plaintext, …) is not
				// unescaped by the tokenizer, so it must not be escaped.
				out.Write(z.Raw())
			} else {
				out.WriteString(html.EscapeString(string(z.Text())))
			}
		case html.DoctypeToken:
			out.WriteString(z.Token().String())
		case html.StartTagToken, html.SelfClosingTagToken:
			t := z.Token()
			t.Attr = keptAttrs(t.DataAtom, t.Attr)
			if void[t.DataAtom] {
				out.WriteString(t.String())
				continue
			}
			if r, ok := implied[t.DataAtom]; ok {
				closeImplied(r.targets, r.stops)
			}
			if closesP[t.DataAtom] {
				closeImplied(pTargets, pStops)
			}
			if len(stack) >= flattenDepth {
				dropped[t.Data]++
				continue
			}
			t.Type = html.StartTagToken
			out.WriteString(t.String())
			raw = rawText[t.DataAtom]
			stack, names = append(stack, t.DataAtom), append(names, t.Data)
			open[t.Data]++
			openAtom[t.DataAtom]++
		case html.EndTagToken:
			t := z.Token()
			if dropped[t.Data] > 0 {
				dropped[t.Data]--
				continue
			}
			if open[t.Data] == 0 {
				continue
			}
			for names[len(names)-1] != t.Data {
				pop()
			}
			pop()
			out.WriteString(t.String())
		}
	}
}

// implied says which open element a start tag closes (targets), unless
// one of stops is open inside it.
var implied = map[atom.Atom]struct{ targets, stops map[atom.Atom]bool }{
	atom.Li: {atomSet(atom.Li), atomSet(atom.Ul, atom.Ol, atom.Menu, atom.Dir, atom.Table)},
	atom.Dt: {atomSet(atom.Dt, atom.Dd), atomSet(atom.Dl, atom.Table)},
	atom.Dd: {atomSet(atom.Dt, atom.Dd), atomSet(atom.Dl, atom.Table)},
	atom.Td: {atomSet(atom.Td, atom.Th), atomSet(atom.Tr, atom.Table)},
	atom.Th: {atomSet(atom.Td, atom.Th), atomSet(atom.Tr, atom.Table)},
	atom.Tr: {atomSet(atom.Tr), atomSet(atom.Table)},
}

var pTargets, pStops = atomSet(atom.P), atomSet(atom.Table, atom.Td, atom.Th, atom.Button)

// rawText elements hold text that the tokenizer does not unescape.
var rawText = atomSet(atom.Script, atom.Style, atom.Xmp, atom.Plaintext, atom.Iframe,
	atom.Noembed, atom.Noframes, atom.Noscript)

var void = atomSet(atom.Area, atom.Base, atom.Br, atom.Col, atom.Embed, atom.Hr, atom.Img,
	atom.Input, atom.Link, atom.Meta, atom.Source, atom.Track, atom.Wbr, atom.Param, atom.Keygen)

// closesP are the start tags that end an open paragraph.
var closesP = atomSet(atom.Address, atom.Article, atom.Aside, atom.Blockquote, atom.Details,
	atom.Div, atom.Dl, atom.Fieldset, atom.Figcaption, atom.Figure, atom.Footer, atom.Form,
	atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Header, atom.Hgroup, atom.Hr,
	atom.Main, atom.Menu, atom.Nav, atom.Ol, atom.P, atom.Pre, atom.Section, atom.Table,
	atom.Ul, atom.Li, atom.Dd, atom.Dt)

// keptAttrs keeps only the attributes the converter reads.
func keptAttrs(a atom.Atom, attrs []html.Attribute) []html.Attribute {
	var keep func(string) bool
	switch a {
	case atom.A, atom.Base:
		keep = func(k string) bool { return k == "href" }
	case atom.Img:
		keep = func(k string) bool {
			return k == "src" || k == "alt" || k == "data-src" || k == "srcset" || k == "data-srcset"
		}
	case atom.Ol:
		keep = func(k string) bool { return k == "start" }
	case atom.Pre:
		keep = func(k string) bool { return k == "class" }
	case atom.Html:
		keep = func(k string) bool { return k == "lang" }
	case atom.Meta:
		keep = func(k string) bool { return k == "name" || k == "property" || k == "content" }
	case atom.Link:
		keep = func(k string) bool { return k == "rel" || k == "href" }
	default:
		return nil
	}
	var out []html.Attribute
	for _, at := range attrs {
		if at.Namespace == "" && keep(at.Key) {
			out = append(out, at)
		}
	}
	return out
}

// textOnly is the last resort for markup the parser refuses even when
// flattened: text between block-level tags becomes paragraphs, br becomes a
// line break, and dropped elements still go with their content.
func textOnly(src string) []Block {
	z := html.NewTokenizer(strings.NewReader(src))
	s := &sink{c: &converter{}}
	skip := 0
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			s.flush()
			return s.all()
		case html.TextToken:
			if skip == 0 {
				s.text(string(z.Text()), inline{})
			}
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			switch {
			case dropped[a] && !void[a]:
				if tt == html.StartTagToken {
					skip++
				} else if tt == html.EndTagToken && skip > 0 {
					skip--
				}
			case skip > 0:
			case a == atom.Br:
				s.brk(inline{})
			case blockish[a] || closesP[a] || a == atom.Table:
				s.flush()
			}
		}
	}
}
