package article

import (
	"html"
	"sort"
	"strings"
	"unicode/utf8"
)

// Mark is a range of the canonical text drawn highlighted: every piece of
// text it covers is wrapped in <mark class="hl hl-{Color}" data-a="{ID}">,
// and its first piece also carries id="hl-{ID}", so its passage is found
// without a search. Where marks overlap, their elements nest, the earlier
// and longer outside, so each stays visible and each can be clicked.
//
// A mark with a Note gets the class hl-noted and, right after its last
// piece, an empty <button class="note-marker" data-note="{ID}"> whose
// accessible name is Note: the way to the note where the margin has no
// room for it. The button holds no text, so the canonical text read from
// the page is the same.
type Mark struct {
	Start, End int    // code points of the canonical text, End exclusive
	ID         string // written escaped as data-a
	Color      string // a CSS class suffix; only ASCII letters are kept
	Note       string // the marker's accessible name; "" for no note
}

// BlockRange returns the range of the canonical text that top-level block
// i spans, or (0, 0) when i is out of range.
func (a *Article) BlockRange(i int) (start, end int) {
	if i < 0 || i >= len(a.Blocks) {
		return 0, 0
	}
	return a.Blocks[i].Offset, a.Blocks[i].End
}

// BlockAt returns the index of the top-level block holding code point
// offset, or of the first block after it when offset falls between blocks;
// len(a.Blocks) when it is past the end.
func (a *Article) BlockAt(offset int) int {
	return sort.Search(len(a.Blocks), func(i int) bool { return a.Blocks[i].End > offset })
}

// MarkedBlockHTML is BlockHTML with marks drawn: marks may lie anywhere,
// only those overlapping block i are used. The text content is the same
// as BlockHTML's, so offsets read from the page do not move.
func (a *Article) MarkedBlockHTML(i int, marks []Mark) string {
	if i < 0 || i >= len(a.Blocks) {
		return ""
	}
	b := &a.Blocks[i]
	var in []Mark
	for _, m := range marks {
		if m.Start < b.End && m.End > b.Offset && m.Start < m.End {
			in = append(in, m)
		}
	}
	if len(in) == 0 {
		return a.BlockHTML(i)
	}
	// Outer marks first: earlier start, then longer.
	sort.SliceStable(in, func(x, y int) bool {
		if in[x].Start != in[y].Start {
			return in[x].Start < in[y].Start
		}
		return in[x].End > in[y].End
	})
	var w strings.Builder
	rd := renderer{marks: in}
	rd.block(&w, b, i)
	return w.String()
}

// pieces writes text, which starts at code point offset, as the pieces its
// marks cut it into: each piece inside the marks that cover it, or bare.
func (rd *renderer) pieces(w *strings.Builder, text string, offset int) {
	if len(rd.marks) == 0 {
		w.WriteString(html.EscapeString(text))
		return
	}
	end := offset + utf8.RuneCountInString(text)
	pos, byteAt := offset, 0
	for pos < end {
		// The next boundary: the nearest mark start or end after pos.
		next := end
		for _, m := range rd.marks {
			if m.Start > pos && m.Start < next {
				next = m.Start
			}
			if m.End > pos && m.End < next {
				next = m.End
			}
		}
		// Advance next-pos code points through text.
		cut := byteAt
		for n := next - pos; n > 0 && cut < len(text); n-- {
			_, size := utf8.DecodeRuneInString(text[cut:])
			cut += size
		}
		open := 0
		for _, m := range rd.marks {
			if m.Start <= pos && m.End > pos {
				w.WriteString(`<mark class="hl hl-`)
				w.WriteString(colorClass(m.Color))
				if m.Note != "" {
					w.WriteString(` hl-noted`)
				}
				w.WriteString(`" data-a="`)
				w.WriteString(html.EscapeString(m.ID))
				if m.Start == pos {
					w.WriteString(`" id="hl-`)
					w.WriteString(html.EscapeString(m.ID))
				}
				w.WriteString(`">`)
				open++
			}
		}
		w.WriteString(html.EscapeString(text[byteAt:cut]))
		for ; open > 0; open-- {
			w.WriteString("</mark>")
		}
		// Markers of the notes whose passages end here, innermost last.
		for _, m := range rd.marks {
			if m.Note != "" && m.End == next && m.Start < next {
				w.WriteString(`<button type="button" class="note-marker" data-note="`)
				w.WriteString(html.EscapeString(m.ID))
				w.WriteString(`" aria-label="`)
				w.WriteString(html.EscapeString(m.Note))
				w.WriteString(`"></button>`)
			}
		}
		pos, byteAt = next, cut
	}
}

// colorClass keeps only ASCII letters of c, so it is safe as a class name.
func colorClass(c string) string {
	c = strings.Map(func(r rune) rune {
		if 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' {
			return r
		}
		return -1
	}, c)
	if c == "" {
		return "yellow"
	}
	return c
}
