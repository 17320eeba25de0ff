package anchor

import (
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
)

// readArticle returns testdata/article.txt.
func readArticle(tb testing.TB) string {
	tb.Helper()
	raw, err := os.ReadFile("testdata/article.txt")
	if err != nil {
		tb.Fatal(err)
	}
	return string(raw)
}

// editedCase is one passage of an edited corpus: its selector on the old
// text and where the same passage is in the new one.
type editedCase struct {
	sel         Selector
	start, end  int // in the new text
	quoteEdited bool
}

// editedCorpus builds what bench/anchor-js/gen.mjs builds, from the test
// article: a text of size code points made of variants of the article
// (paragraphs shuffled, one word in twelve swapped, so phrases repeat as in
// long documents), count passages spread over it, and the text after
// edits: a sentence inserted in half the gaps between passages, one to
// three characters changed in every third passage.
func editedCorpus(tb testing.TB, size, count int, seed uint64) (old, edited string, cases []editedCase) {
	tb.Helper()
	article := readArticle(tb)
	r := rand.New(rand.NewPCG(seed, seed^0x5eed))
	var paras []string
	for _, p := range strings.Split(article, "\n\n") {
		if p = strings.Join(strings.Fields(p), " "); len(p) > 40 {
			paras = append(paras, p)
		}
	}
	words := strings.Fields(article)
	var sentences []string
	for _, p := range paras {
		for _, s := range strings.SplitAfter(p, ". ") {
			if len(s) > 30 {
				sentences = append(sentences, strings.TrimSpace(s))
			}
		}
	}
	var b strings.Builder
	for k := 0; b.Len() < size; k++ {
		ps := append([]string(nil), paras...)
		r.Shuffle(len(ps), func(i, j int) { ps[i], ps[j] = ps[j], ps[i] })
		for i, p := range ps {
			ws := strings.Split(p, " ")
			for j := range ws {
				if r.IntN(12) == 0 {
					ws[j] = words[r.IntN(len(words))]
				}
			}
			if i > 0 {
				b.WriteString("\n\n")
			}
			b.WriteString(strings.Join(ws, " "))
		}
		b.WriteString("\n\nPart " + strconv.Itoa(k+1) + ".\n\n")
	}
	old = b.String()[:size]

	slot := size / count
	var out strings.Builder
	cursor := 0
	for i := range count {
		n := 30 + r.IntN(min(200, slot-80)-30+1)
		start := i*slot + 40 + r.IntN(slot-n-80+1)
		end := start + n
		gap := old[cursor:start]
		if r.IntN(2) == 0 {
			from := r.IntN(len(gap))
			if j := strings.IndexByte(gap[from:], ' '); j >= 0 {
				at := from + j
				gap = gap[:at] + " " + sentences[r.IntN(len(sentences))] + gap[at:]
			}
		}
		out.WriteString(gap)
		exact := old[start:end]
		passage := exact
		if i%3 == 2 {
			passage = typo(r, exact, 1+r.IntN(3))
			if strings.Contains(old, passage) {
				passage = exact
			}
		}
		c := editedCase{
			sel: Selector{
				Exact:  exact,
				Prefix: old[max(0, start-ContextLen):start],
				Suffix: old[end:min(len(old), end+ContextLen)],
				Start:  start,
				End:    end,
			},
			start:       out.Len(),
			quoteEdited: passage != exact,
		}
		out.WriteString(passage)
		c.end = out.Len()
		cases = append(cases, c)
		cursor = end
	}
	out.WriteString(old[cursor:])
	return old, out.String(), cases
}

// typo makes n one-letter edits inside s (never at its first or last byte).
func typo(r *rand.Rand, s string, n int) string {
	for range n {
		i := 1 + r.IntN(len(s)-2)
		c := string(rune('a' + r.IntN(26)))
		switch r.IntN(3) {
		case 0:
			s = s[:i] + c + s[i+1:]
		case 1:
			s = s[:i] + c + s[i:]
		default:
			s = s[:i] + s[i+1:]
		}
	}
	return s
}
