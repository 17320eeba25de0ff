//go:build !(js && wasm) || convert

package article

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// list converts ul, ol (and the old dir and menu). Content directly in the
// list but outside any li becomes an item of its own, as browsers show it.
func (s *sink) list(n *html.Node, in inline) {
	if s.leaf || s.nest >= MaxNesting {
		s.container(n, in)
		return
	}
	s.flush()
	b := Block{Kind: List}
	if n.DataAtom == atom.Ol {
		b.Ordered = true
		b.Start = 1
		if v, ok := attr(n, "start"); ok {
			b.Start = parseStart(v)
		}
	}
	var stray *sink
	add := func(item *sink) {
		item.flush()
		if blocks := item.all(); len(blocks) > 0 {
			b.Items = append(b.Items, Item{Blocks: blocks})
		}
	}
	for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
		if ch.Type == html.ElementNode && ch.DataAtom == atom.Li && ch.Namespace == "" {
			if stray != nil {
				add(stray)
				stray = nil
			}
			item := &sink{c: s.c, nest: s.nest + 1, skip: s.skip}
			item.walk(ch, in)
			add(item)
			continue
		}
		if stray == nil {
			stray = &sink{c: s.c, nest: s.nest + 1, skip: s.skip}
		}
		stray.node(ch, in)
	}
	if stray != nil {
		add(stray)
	}
	if len(b.Items) > 0 {
		s.add(b)
	}
}

// parseStart reads an ol start attribute as browsers do: optional white
// space and sign, then digits; anything unreadable means 1.
func parseStart(v string) int {
	v = strings.TrimLeft(v, " \t\n\f\r")
	neg := false
	if v != "" && (v[0] == '-' || v[0] == '+') {
		neg = v[0] == '-'
		v = v[1:]
	}
	n, digits := 0, 0
	for _, c := range []byte(v) {
		if c < '0' || c > '9' {
			break
		}
		if n < 1e9 {
			n = n*10 + int(c-'0')
		}
		digits++
	}
	if digits == 0 {
		return 1
	}
	n = min(n, 1e9)
	if neg {
		return -n
	}
	return n
}

// code converts pre (and the old listing, xmp and plaintext). Its text keeps
// its white space; markup inside is flattened to text.
func (s *sink) code(n *html.Node, in inline) {
	if s.leaf {
		in.style |= CodeSpan
		s.container(n, in)
		return
	}
	s.flush()
	var b strings.Builder
	t := normalizeCode(codeWalk(n, &b))
	if strings.TrimSpace(t) == "" {
		return
	}
	s.add(Block{Kind: Code, Lang: codeLang(n), Runs: []Run{{Text: t}}})
}

func codeWalk(n *html.Node, b *strings.Builder) string {
	for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
		switch {
		case ch.Type == html.TextNode:
			b.WriteString(ch.Data)
		case ch.Type != html.ElementNode || ch.Namespace != "" || dropped[ch.DataAtom]:
		case ch.DataAtom == atom.Br:
			b.WriteByte('\n')
		default:
			codeWalk(ch, b)
		}
	}
	return b.String()
}

// codeLang finds a "language-x" (or "lang-x") class on pre or on the code
// element right inside it.
func codeLang(pre *html.Node) string {
	if l := langClass(pre); l != "" {
		return l
	}
	for ch := pre.FirstChild; ch != nil; ch = ch.NextSibling {
		if ch.Type == html.ElementNode {
			if ch.DataAtom == atom.Code {
				return langClass(ch)
			}
			return ""
		}
	}
	return ""
}

func langClass(n *html.Node) string {
	v, _ := attr(n, "class")
	for _, c := range strings.Fields(v) {
		var l string
		if strings.HasPrefix(c, "language-") {
			l = c[len("language-"):]
		} else if strings.HasPrefix(c, "lang-") {
			l = c[len("lang-"):]
		} else {
			continue
		}
		if validLang(l) {
			return strings.ToLower(l)
		}
	}
	return ""
}

// validLang keeps language names short and plain ("go", "c++", "c#",
// "objective-c"), since they end up in a class attribute.
func validLang(l string) bool {
	if l == "" || len(l) > 32 {
		return false
	}
	for _, c := range []byte(l) {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			c == '-' || c == '_' || c == '+' || c == '#' || c == '.') {
			return false
		}
	}
	return true
}

// figure converts a figure: its first usable image and its caption make
// the figure block; any other content inside comes out as blocks before it.
func (s *sink) figure(n *html.Node, in inline) {
	if s.leaf {
		s.container(n, in)
		return
	}
	s.flush()
	imgNode := findImage(n, s.c)
	// Other content goes straight to s, as if the figure were a div; only
	// the image it took is skipped there.
	skip := s.skip
	s.skip = imgNode
	caption := &sink{c: s.c, leaf: true}
	for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
		if ch.Type == html.ElementNode && ch.DataAtom == atom.Figcaption && ch.Namespace == "" {
			caption.boundary()
			caption.walk(ch, in)
			continue
		}
		s.node(ch, in)
	}
	s.flush()
	s.skip = skip
	var img *Image
	if imgNode != nil {
		i, _ := s.c.image(imgNode)
		img = &i
	}
	runs := foldRuns(caption.runs)
	if img != nil || runs != nil {
		s.add(Block{Kind: Figure, Image: img, Runs: runs})
	}
}

// findImage returns the first img in a figure, outside its caption,
// dropped elements and figures inside it (which own their images; not
// looking into them also keeps nested figures from being searched over
// and over), that has a usable source.
func findImage(n *html.Node, c *converter) *html.Node {
	for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
		if ch.Type != html.ElementNode || ch.Namespace != "" || dropped[ch.DataAtom] ||
			ch.DataAtom == atom.Figcaption || ch.DataAtom == atom.Figure {
			continue
		}
		if ch.DataAtom == atom.Img {
			if _, ok := c.image(ch); ok {
				return ch
			}
			continue
		}
		if found := findImage(ch, c); found != nil {
			return found
		}
	}
	return nil
}

// table converts a table to rows of cells. A caption becomes a paragraph
// before the table. A table of a single cell is a layout wrapper: its cell
// is unwrapped into blocks. Tables with no text at all are dropped.
func (s *sink) table(n *html.Node, in inline) {
	if s.leaf {
		s.container(n, in)
		return
	}
	s.flush()
	// Find the cells first: a table of one cell is unwrapped without
	// converting its content twice.
	var trs [][]*html.Node
	cells := 0
	row := func(tr *html.Node) {
		var tds []*html.Node
		for td := tr.FirstChild; td != nil; td = td.NextSibling {
			if td.Type == html.ElementNode && td.Namespace == "" && (td.DataAtom == atom.Td || td.DataAtom == atom.Th) {
				tds = append(tds, td)
			}
		}
		if len(tds) > 0 {
			trs = append(trs, tds)
			cells += len(tds)
		}
	}
	for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
		if ch.Type != html.ElementNode || ch.Namespace != "" {
			continue
		}
		switch ch.DataAtom {
		case atom.Caption:
			c := &sink{c: s.c, leaf: true}
			c.walk(ch, in)
			if runs := foldRuns(c.runs); runs != nil {
				s.add(Block{Kind: Paragraph, Runs: runs})
			}
		case atom.Thead, atom.Tbody, atom.Tfoot:
			for tr := ch.FirstChild; tr != nil; tr = tr.NextSibling {
				if tr.Type == html.ElementNode && tr.DataAtom == atom.Tr && tr.Namespace == "" {
					row(tr)
				}
			}
		case atom.Tr:
			row(ch)
		}
	}
	if cells == 1 {
		s.container(trs[0][0], in)
		return
	}
	rows := make([]Row, len(trs))
	for i, tds := range trs {
		rows[i].Cells = make([]Cell, len(tds))
		for j, td := range tds {
			c := &sink{c: s.c, leaf: true}
			c.walk(td, in)
			rows[i].Cells[j] = Cell{Header: td.DataAtom == atom.Th, Runs: foldRuns(c.runs)}
		}
	}
	for _, r := range rows {
		for _, c := range r.Cells {
			if c.Runs != nil {
				s.add(Block{Kind: Table, Rows: rows})
				return
			}
		}
	}
}
