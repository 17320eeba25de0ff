package article

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Reading speed used for Meta.Minutes, in words a minute.
const wordsPerMinute = 230

// excerptLen is the most code points Meta.Excerpt holds, "…" included.
const excerptLen = 200

// Index computes what is derived from the blocks: the canonical text, the
// offsets of runs and leaves, and Meta.Words, Minutes, Hash and Excerpt.
// Constructors and UnmarshalJSON call it; call it again after changing the
// blocks by hand.
func (a *Article) Index() {
	x := indexer{}
	for i := range a.Blocks {
		x.block(&a.Blocks[i])
	}
	a.text = x.b.String()
	a.Meta.Words = countWords(a.text)
	a.Meta.Minutes = 0
	if a.Meta.Words > 0 {
		a.Meta.Minutes = (a.Meta.Words + wordsPerMinute - 1) / wordsPerMinute
	}
	sum := sha256.Sum256([]byte(a.text))
	a.Meta.Hash = hex.EncodeToString(sum[:])
	a.Meta.Excerpt = excerpt(firstParagraph(a.Blocks))
}

// Text returns the canonical text: the texts of all non-empty leaves in
// document order, joined by "\n\n". Offsets count code points in it.
func (a *Article) Text() string { return a.text }

// UnmarshalJSON decodes an article and indexes it, since offsets and the
// canonical text are not part of the JSON.
func (a *Article) UnmarshalJSON(data []byte) error {
	type plain Article // plain has no methods, so no recursion
	var p plain
	if err := json.Unmarshal(data, &p); err != nil {
		return err
	}
	*a = Article(p)
	a.Index()
	return nil
}

// indexer walks the blocks in document order, writing the canonical text
// and counting code points as it goes.
type indexer struct {
	b     strings.Builder
	n     int  // code points written
	wrote bool // a non-empty leaf was written
	// starts holds where each non-empty leaf begins, in order.
	starts []int
}

func (x *indexer) block(b *Block) {
	switch b.Kind {
	case Heading, Paragraph, Figure, Code:
		b.Offset, b.End = x.leaf(b.Runs)
	case List:
		first := x.mark()
		for i := range b.Items {
			for j := range b.Items[i].Blocks {
				x.block(&b.Items[i].Blocks[j])
			}
		}
		b.Offset, b.End = x.span(first)
	case Quote:
		first := x.mark()
		for i := range b.Blocks {
			x.block(&b.Blocks[i])
		}
		b.Offset, b.End = x.span(first)
	case Table:
		first := x.mark()
		for i := range b.Rows {
			for j := range b.Rows[i].Cells {
				c := &b.Rows[i].Cells[j]
				c.Offset, c.End = x.leaf(c.Runs)
			}
		}
		b.Offset, b.End = x.span(first)
	default:
		b.Offset, b.End = x.n, x.n
	}
}

// mark notes where a container block begins, for span.
func (x *indexer) mark() int { return len(x.starts) }

// span returns the canonical text range of a container whose walk began
// at mark k: from its first non-empty leaf to the end of its last, or an
// empty range where the text stood when it wrote nothing.
func (x *indexer) span(k int) (start, end int) {
	if len(x.starts) == k {
		return x.n, x.n
	}
	return x.starts[k], x.n
}

// leaf writes one leaf's runs, setting their offsets, and returns where
// the leaf starts and ends. An empty leaf writes nothing and sits at the
// end of the text so far.
func (x *indexer) leaf(runs []Run) (start, end int) {
	empty := true
	for _, r := range runs {
		if r.Break || r.Text != "" {
			empty = false
			break
		}
	}
	if empty {
		for i := range runs {
			runs[i].Offset = x.n
		}
		return x.n, x.n
	}
	if x.wrote {
		x.b.WriteString("\n\n")
		x.n += 2
	}
	x.wrote = true
	start = x.n
	x.starts = append(x.starts, start)
	for i := range runs {
		r := &runs[i]
		r.Offset = x.n
		if r.Break {
			x.b.WriteByte('\n')
			x.n++
			continue
		}
		x.b.WriteString(r.Text)
		x.n += utf8.RuneCountInString(r.Text)
	}
	return start, x.n
}

// countWords counts white-space separated words, and each Han, Hiragana,
// Katakana or Hangul character as a word of its own, since those scripts
// do not separate words with spaces.
func countWords(s string) int {
	n := 0
	in := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			in = false
		case isCJK(r):
			n++
			in = false
		case !in:
			n++
			in = true
		}
	}
	return n
}

func isCJK(r rune) bool {
	return r >= 0x1100 && (unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) ||
		unicode.Is(unicode.Katakana, r) || unicode.Is(unicode.Hangul, r))
}

// firstParagraph returns the text of the first non-empty paragraph, in
// document order, lists and quotes included.
func firstParagraph(blocks []Block) string {
	for i := range blocks {
		b := &blocks[i]
		switch b.Kind {
		case Paragraph:
			if t := runsText(b.Runs); t != "" {
				return t
			}
		case List:
			for _, it := range b.Items {
				if t := firstParagraph(it.Blocks); t != "" {
					return t
				}
			}
		case Quote:
			if t := firstParagraph(b.Blocks); t != "" {
				return t
			}
		}
	}
	return ""
}

// excerpt cuts s to at most excerptLen code points, at a word boundary
// when there is one, ending in "…" when cut.
func excerpt(s string) string {
	s = strings.ReplaceAll(s, "\n", " ")
	if utf8.RuneCountInString(s) <= excerptLen {
		return s
	}
	r := []rune(s)
	limit := excerptLen - 1 // room for "…"
	cut := -1
	for i := limit; i > 0; i-- {
		if unicode.IsSpace(r[i]) || isCJK(r[i]) || isCJK(r[i-1]) {
			cut = i
			break
		}
	}
	if cut <= 0 {
		cut = limit
	}
	// Do not split a character from its combining marks or a ZWJ sequence.
	for cut > 1 && (unicode.In(r[cut], unicode.Mn, unicode.Me) || r[cut] == 0x200D ||
		unicode.Is(unicode.Variation_Selector, r[cut]) || r[cut-1] == 0x200D ||
		(r[cut] >= 0x1F3FB && r[cut] <= 0x1F3FF)) {
		cut--
	}
	return strings.TrimRightFunc(string(r[:cut]), unicode.IsSpace) + "…"
}
