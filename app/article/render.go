package article

import (
	"html"
	"strconv"
	"strings"
)

// HTML returns the HTML of all blocks, one root element each, in order.
func (a *Article) HTML() string {
	var b strings.Builder
	b.Grow(len(a.text) + len(a.text)/2)
	var rd renderer
	for i := range a.Blocks {
		rd.block(&b, &a.Blocks[i], i)
	}
	return b.String()
}

// BlockHTML returns the HTML of top-level block i: exactly one element,
// carrying data-b="i". Each leaf element carries data-o with the leaf's
// offset in the canonical text, and its text content is the leaf's text
// (a <br> standing for "\n"). It returns "" when i is out of range.
//
// This renderer is the only way article content reaches a page: every text
// is escaped, attributes are only the ones written here, and URLs are
// checked again before they are written.
func (a *Article) BlockHTML(i int) string {
	if i < 0 || i >= len(a.Blocks) {
		return ""
	}
	var b strings.Builder
	var rd renderer
	rd.block(&b, &a.Blocks[i], i)
	return b.String()
}

// renderer writes blocks as HTML, drawing marks when it has any.
type renderer struct {
	marks []Mark // sorted outer first, see MarkedBlockHTML
}

// block writes block b; top is its top-level index, or -1 inside
// another block.
func (rd *renderer) block(w *strings.Builder, b *Block, top int) {
	switch b.Kind {
	case Heading:
		tag := "h" + strconv.Itoa(min(max(b.Level, 1), 6))
		open(w, tag, top, b.Offset)
		w.WriteByte('>')
		rd.runs(w, b.Runs)
		closeTag(w, tag)
	case Paragraph:
		open(w, "p", top, b.Offset)
		w.WriteByte('>')
		rd.runs(w, b.Runs)
		closeTag(w, "p")
	case List:
		rd.list(w, b, top)
	case Quote:
		open(w, "blockquote", top, -1)
		w.WriteByte('>')
		for i := range b.Blocks {
			rd.block(w, &b.Blocks[i], -1)
		}
		closeTag(w, "blockquote")
	case Figure:
		open(w, "figure", top, -1)
		w.WriteByte('>')
		if b.Image != nil && (renderableURL(b.Image.Src, false) || IsMediaSrc(b.Image.Src)) {
			w.WriteString(`<img src="`)
			w.WriteString(html.EscapeString(b.Image.Src))
			w.WriteString(`" alt="`)
			w.WriteString(html.EscapeString(b.Image.Alt))
			w.WriteString(`" loading="lazy">`)
		}
		if len(b.Runs) > 0 {
			open(w, "figcaption", -1, b.Offset)
			w.WriteByte('>')
			rd.runs(w, b.Runs)
			closeTag(w, "figcaption")
		}
		closeTag(w, "figure")
	case Code:
		open(w, "pre", top, b.Offset)
		if b.Lang != "" {
			w.WriteString(` class="language-`)
			w.WriteString(html.EscapeString(b.Lang))
			w.WriteByte('"')
		}
		w.WriteString("><code>")
		for i := range b.Runs {
			if run := &b.Runs[i]; run.Break {
				w.WriteByte('\n')
			} else {
				rd.pieces(w, run.Text, run.Offset)
			}
		}
		w.WriteString("</code></pre>")
	case Rule:
		open(w, "hr", top, -1)
		w.WriteByte('>')
	case Table:
		open(w, "table", top, -1)
		w.WriteString("><tbody>")
		for _, row := range b.Rows {
			w.WriteString("<tr>")
			for j := range row.Cells {
				c := &row.Cells[j]
				tag := "td"
				if c.Header {
					tag = "th"
				}
				open(w, tag, -1, c.Offset)
				w.WriteByte('>')
				rd.runs(w, c.Runs)
				closeTag(w, tag)
			}
			w.WriteString("</tr>")
		}
		w.WriteString("</tbody></table>")
	default:
		// An unknown kind still yields one element, so a page built from
		// BlockHTML keeps one element per block.
		open(w, "div", top, -1)
		w.WriteString("></div>")
	}
}

func (rd *renderer) list(w *strings.Builder, b *Block, top int) {
	tag := "ul"
	if b.Ordered {
		tag = "ol"
	}
	open(w, tag, top, -1)
	if b.Ordered && b.Start != 1 {
		w.WriteString(` start="`)
		w.WriteString(strconv.Itoa(b.Start))
		w.WriteByte('"')
	}
	w.WriteByte('>')
	for i := range b.Items {
		blocks := b.Items[i].Blocks
		if tight(blocks) {
			// One paragraph, maybe followed by lists: the paragraph's runs
			// sit in the li itself, which is then the leaf.
			open(w, "li", -1, blocks[0].Offset)
			w.WriteByte('>')
			rd.runs(w, blocks[0].Runs)
			for j := 1; j < len(blocks); j++ {
				rd.block(w, &blocks[j], -1)
			}
		} else {
			w.WriteString("<li>")
			for j := range blocks {
				rd.block(w, &blocks[j], -1)
			}
		}
		w.WriteString("</li>")
	}
	closeTag(w, tag)
}

// tight reports whether a list item is one paragraph optionally followed
// by lists, which renders without a <p>.
func tight(blocks []Block) bool {
	if len(blocks) == 0 || blocks[0].Kind != Paragraph {
		return false
	}
	for _, b := range blocks[1:] {
		if b.Kind != List {
			return false
		}
	}
	return true
}

// open writes "<tag" with data-b when top >= 0 and data-o when offset >= 0,
// leaving the tag open for more attributes.
func open(w *strings.Builder, tag string, top, offset int) {
	w.WriteByte('<')
	w.WriteString(tag)
	if top >= 0 {
		w.WriteString(` data-b="`)
		w.WriteString(strconv.Itoa(top))
		w.WriteByte('"')
	}
	if offset >= 0 {
		w.WriteString(` data-o="`)
		w.WriteString(strconv.Itoa(offset))
		w.WriteByte('"')
	}
}

func closeTag(w *strings.Builder, tag string) {
	w.WriteString("</")
	w.WriteString(tag)
	w.WriteByte('>')
}

// wrapper is one inline element a run may sit in. The fixed order of
// wrappers (a > strong > em > sub > sup > code) makes output deterministic
// and lets neighbouring runs share elements.
type wrapper struct {
	tag  string
	href string
}

var styleTags = []struct {
	s   Style
	tag string
}{{Strong, "strong"}, {Emphasis, "em"}, {Sub, "sub"}, {Sup, "sup"}, {CodeSpan, "code"}}

func wrappers(r *Run, buf []wrapper) []wrapper {
	buf = buf[:0]
	if r.Href != "" && renderableURL(r.Href, true) {
		buf = append(buf, wrapper{"a", r.Href})
	}
	for _, st := range styleTags {
		if r.Style&st.s != 0 {
			buf = append(buf, wrapper{tag: st.tag})
		}
	}
	return buf
}

// runs writes runs, opening and closing inline elements only where the
// wrappers of neighbouring runs differ. Marks sit inside the wrappers.
func (rd *renderer) runs(w *strings.Builder, runs []Run) {
	var stack, want []wrapper
	for i := range runs {
		r := &runs[i]
		want = wrappers(r, want)
		k := 0
		for k < len(stack) && k < len(want) && stack[k] == want[k] {
			k++
		}
		for j := len(stack) - 1; j >= k; j-- {
			closeTag(w, stack[j].tag)
		}
		stack = stack[:k]
		for _, x := range want[k:] {
			if x.tag == "a" {
				w.WriteString(`<a href="`)
				w.WriteString(html.EscapeString(x.href))
				w.WriteString(`" rel="noopener noreferrer">`)
			} else {
				w.WriteByte('<')
				w.WriteString(x.tag)
				w.WriteByte('>')
			}
			stack = append(stack, x)
		}
		if r.Break {
			w.WriteString("<br>")
		} else {
			rd.pieces(w, r.Text, r.Offset)
		}
	}
	for j := len(stack) - 1; j >= 0; j-- {
		closeTag(w, stack[j].tag)
	}
}
