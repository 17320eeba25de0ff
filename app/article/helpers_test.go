//go:build !(js && wasm)

package article

import (
	"crypto/sha256"
	"encoding/hex"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// check asserts everything an article from a constructor must satisfy:
// offsets agree with the canonical text, text is folded, URLs are safe,
// each block renders as one element whose leaves show their text at their
// offsets, and converting the rendered HTML gives the same article.
func check(t testing.TB, a *Article) {
	t.Helper()
	checkOffsets(t, a)
	checkModel(t, a.Blocks, 0)
	checkRender(t, a)
	checkStable(t, a)
}

type leafRef struct {
	runs       []Run
	start, end int
	code       bool
}

func leaves(blocks []Block, out []leafRef) []leafRef {
	for i := range blocks {
		b := &blocks[i]
		switch b.Kind {
		case Heading, Paragraph, Figure, Code:
			out = append(out, leafRef{b.Runs, b.Offset, b.End, b.Kind == Code})
		case List:
			for _, it := range b.Items {
				out = leaves(it.Blocks, out)
			}
		case Quote:
			out = leaves(b.Blocks, out)
		case Table:
			for _, r := range b.Rows {
				for _, c := range r.Cells {
					out = append(out, leafRef{c.Runs, c.Offset, c.End, false})
				}
			}
		}
	}
	return out
}

// checkOffsets asserts the offset invariant for every leaf and run.
func checkOffsets(t testing.TB, a *Article) {
	t.Helper()
	text := a.Text()
	canon := []rune(text)
	pos, first := 0, true
	for _, l := range leaves(a.Blocks, nil) {
		lt := runsText(l.runs)
		n := utf8.RuneCountInString(lt)
		if n == 0 {
			if l.start != pos || l.end != pos {
				t.Fatalf("empty leaf at %d..%d, want %d", l.start, l.end, pos)
			}
			continue
		}
		if !first {
			if pos+2 > len(canon) || string(canon[pos:pos+2]) != "\n\n" {
				t.Fatalf("leaves not separated by \\n\\n at %d in %q", pos, text)
			}
			pos += 2
		}
		first = false
		if l.start != pos || l.end != pos+n {
			t.Fatalf("leaf %q at %d..%d, want %d..%d", lt, l.start, l.end, pos, pos+n)
		}
		cur := pos
		for _, r := range l.runs {
			if r.Offset != cur {
				t.Fatalf("run %+v offset %d, want %d", r, r.Offset, cur)
			}
			if r.Break {
				if r.Text != "" || canon[cur] != '\n' {
					t.Fatalf("break run %+v not at a newline", r)
				}
				cur++
				continue
			}
			rn := utf8.RuneCountInString(r.Text)
			if rn == 0 {
				t.Fatalf("empty text run in leaf %q", lt)
			}
			if got := string(canon[cur : cur+rn]); got != r.Text {
				t.Fatalf("canonical[%d:%d] = %q, run text %q", cur, cur+rn, got, r.Text)
			}
			cur += rn
		}
		if !l.code {
			checkFolded(t, l.runs)
		}
		pos = cur
	}
	if pos != len(canon) {
		t.Fatalf("leaves cover %d code points of %d", pos, len(canon))
	}
	sum := sha256.Sum256([]byte(text))
	if a.Meta.Hash != hex.EncodeToString(sum[:]) {
		t.Fatalf("hash mismatch")
	}
}

// checkFolded asserts that a leaf's white space is folded.
func checkFolded(t testing.TB, runs []Run) {
	t.Helper()
	prev := true // start of leaf or after a break
	for i, r := range runs {
		if r.Break {
			if prev && i == 0 || i == len(runs)-1 {
				t.Fatalf("leaf starts or ends with a break: %+v", runs)
			}
			if i > 0 && !runs[i-1].Break && strings.HasSuffix(runs[i-1].Text, " ") {
				t.Fatalf("space before a break: %+v", runs)
			}
			prev = true
			continue
		}
		for _, c := range r.Text {
			if unicode.IsSpace(c) {
				if c != ' ' || prev {
					t.Fatalf("white space not folded in %q (runs %+v)", r.Text, runs)
				}
				prev = true
			} else {
				prev = false
			}
		}
	}
	if prev && len(runs) > 0 && !runs[len(runs)-1].Break {
		t.Fatalf("leaf ends in white space: %+v", runs)
	}
}

// checkModel asserts that the blocks hold only safe URLs, no empty
// leaves where emptiness is not allowed, and nest no deeper than allowed.
func checkModel(t testing.TB, blocks []Block, nest int) {
	t.Helper()
	if nest > MaxNesting {
		t.Fatalf("nesting %d beyond MaxNesting", nest)
	}
	for i := range blocks {
		b := &blocks[i]
		checkRuns(t, b.Runs)
		switch b.Kind {
		case Heading, Paragraph, Code:
			if len(b.Runs) == 0 {
				t.Fatalf("empty %s", b.Kind)
			}
		case Figure:
			if b.Image == nil && len(b.Runs) == 0 {
				t.Fatalf("empty figure")
			}
			if b.Image != nil {
				if u, ok := SafeURL(b.Image.Src, "", false); !ok || u != b.Image.Src {
					t.Fatalf("unsafe image source %q", b.Image.Src)
				}
			}
		case List:
			if len(b.Items) == 0 {
				t.Fatalf("empty list")
			}
			for _, it := range b.Items {
				if len(it.Blocks) == 0 {
					t.Fatalf("empty item")
				}
				checkModel(t, it.Blocks, nest+1)
			}
		case Quote:
			if len(b.Blocks) == 0 {
				t.Fatalf("empty quote")
			}
			checkModel(t, b.Blocks, nest+1)
		case Table:
			for _, r := range b.Rows {
				if len(r.Cells) == 0 {
					t.Fatalf("empty row")
				}
				for _, c := range r.Cells {
					checkRuns(t, c.Runs)
				}
			}
		case Rule:
		default:
			t.Fatalf("unknown kind %q", b.Kind)
		}
	}
}

func checkRuns(t testing.TB, runs []Run) {
	t.Helper()
	for _, r := range runs {
		if r.Href == "" {
			continue
		}
		if u, ok := SafeURL(r.Href, "", true); !ok || u != r.Href {
			t.Fatalf("unsafe link %q", r.Href)
		}
		if !strings.HasPrefix(r.Href, "http://") && !strings.HasPrefix(r.Href, "https://") && !strings.HasPrefix(r.Href, "mailto:") {
			t.Fatalf("link %q is not http, https or mailto", r.Href)
		}
	}
}

// checkRender parses each block's HTML and asserts one root element with
// data-b, and that each data-o element's text sits at its offset.
func checkRender(t testing.TB, a *Article) {
	t.Helper()
	canon := []rune(a.Text())
	body := &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}
	for i := range a.Blocks {
		src := a.BlockHTML(i)
		nodes, err := html.ParseFragment(strings.NewReader(src), body)
		if err != nil {
			t.Fatalf("block %d: %v", i, err)
		}
		if len(nodes) != 1 || nodes[0].Type != html.ElementNode {
			t.Fatalf("block %d renders %d nodes: %s", i, len(nodes), src)
		}
		if v, _ := attr(nodes[0], "data-b"); v != strconv.Itoa(i) {
			t.Fatalf("block %d has data-b %q", i, v)
		}
		if !hasCode(a.Blocks[i]) && strings.ContainsAny(src, "\n\t\r") {
			t.Fatalf("block %d: white space between tags: %q", i, src)
		}
		visit(nodes[0], func(n *html.Node) bool {
			if n.Type != html.ElementNode {
				return true
			}
			v, ok := attr(n, "data-o")
			if !ok {
				return true
			}
			o, err := strconv.Atoi(v)
			if err != nil {
				t.Fatalf("bad data-o %q", v)
			}
			got := []rune(leafText(n))
			if o+len(got) > len(canon) || string(canon[o:o+len(got)]) != string(got) {
				t.Fatalf("block %d: element <%s data-o=%d> shows %q, canonical text differs", i, n.Data, o, string(got))
			}
			return true
		})
	}
	if a.HTML() != func() string {
		var b strings.Builder
		for i := range a.Blocks {
			b.WriteString(a.BlockHTML(i))
		}
		return b.String()
	}() {
		t.Fatalf("HTML is not the blocks' HTML concatenated")
	}
}

// hasCode reports whether a block is or holds a code block, the only place
// rendered HTML may hold newlines.
func hasCode(b Block) bool {
	switch b.Kind {
	case Code:
		return true
	case Quote:
		for _, c := range b.Blocks {
			if hasCode(c) {
				return true
			}
		}
	case List:
		for _, it := range b.Items {
			for _, c := range it.Blocks {
				if hasCode(c) {
					return true
				}
			}
		}
	}
	return false
}

// leafText is an element's text as the canonical text holds it: <br> is
// "\n", and lists nested in a tight item are not part of it.
func leafText(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			switch {
			case c.Type == html.TextNode:
				b.WriteString(c.Data)
			case c.Type != html.ElementNode:
			case c.DataAtom == atom.Br:
				b.WriteByte('\n')
			case c.DataAtom == atom.Ul || c.DataAtom == atom.Ol:
			default:
				walk(c)
			}
		}
	}
	walk(n)
	return b.String()
}

// checkStable asserts that converting an article's own HTML gives it back.
func checkStable(t testing.TB, a *Article) {
	t.Helper()
	b, err := FromHTML(a.HTML(), "")
	if err != nil {
		t.Fatal(err)
	}
	if b.Text() != a.Text() {
		t.Fatalf("text changed on reconversion:\n%q\n%q\nHTML: %s", a.Text(), b.Text(), a.HTML())
	}
	if !reflect.DeepEqual(a.Blocks, b.Blocks) {
		t.Fatalf("blocks changed on reconversion:\n%s\n%s", a.HTML(), b.HTML())
	}
}
