//go:build !(js && wasm)

package article

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// slow is a bound that only a blow-up (quadratic work, runaway recursion)
// exceeds. The cases take well under a second on an idle machine; the
// bound is loose so that a busy machine does not fail them.
const slow = 10 * time.Second

// fromHTMLNoBase is FromHTML for a source without a page address.
func fromHTMLNoBase(src string) (*Article, error) { return FromHTML(src, "") }

// timed converts src, failing the test on an error or when converting
// takes longer than slow, and logs how long it took.
func timed(t *testing.T, conv func(string) (*Article, error), src string) *Article {
	t.Helper()
	start := time.Now()
	a, err := conv(src)
	if err != nil {
		t.Fatal(err)
	}
	d := time.Since(start)
	t.Logf("%d bytes: %v", len(src), d)
	if d > slow {
		t.Errorf("took %v", d)
	}
	return a
}

func TestTooLarge(t *testing.T) {
	big := strings.Repeat("word ", 4<<20) // 20 MB
	for name, conv := range map[string]func(string) (*Article, error){
		"html":     fromHTMLNoBase,
		"markdown": FromMarkdown,
		"text":     FromText,
	} {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			a, err := conv(big)
			if !errors.Is(err, ErrTooLarge) || a != nil {
				t.Fatalf("got %v, %v; want ErrTooLarge", a, err)
			}
			if want := "article: the document is 20.0 MB; the limit is 10 MB"; err.Error() != want {
				t.Errorf("message %q, want %q", err, want)
			}
			if d := time.Since(start); d > slow/10 {
				t.Errorf("refusing took %v", d)
			}
			t.Logf("refused in %v", time.Since(start))
		})
	}
	// Exactly the limit is accepted.
	if _, err := FromText(strings.Repeat("a", MaxInput)); err != nil {
		t.Fatalf("at the limit: %v", err)
	}
}

// TestDeepNesting feeds 100,000 levels of nesting. x/net/html refuses more
// than 512 open elements, so these go through flatten; the result must
// still come fast, keep the text, and satisfy every invariant.
func TestDeepNesting(t *testing.T) {
	const n = 100000
	cases := []struct {
		name, open, close string
		kind              Kind
	}{
		{"div", "<div>", "</div>", Paragraph},
		{"b", "<b>", "</b>", Paragraph},
		{"ul-li", "<ul><li>", "</li></ul>", List},
		{"ul-li unclosed", "<ul><li>", "", List},
		{"blockquote", "<blockquote>", "</blockquote>", Quote},
		{"table", "<table><tr><td>", "</td></tr></table>", Paragraph},
		{"span", "<span>", "", Paragraph},
		{"a", "<a href=https://x.example/>", "</a>", Paragraph},
		{"mixed", "<div><b class=x><i>", "", Paragraph},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src := strings.Repeat(c.open, n) + "deep text" + strings.Repeat(c.close, n)
			a := timed(t, fromHTMLNoBase, src)
			if !strings.Contains(a.Text(), "deep text") || len(a.Blocks) == 0 || a.Blocks[0].Kind != c.kind {
				t.Fatalf("lost the text: %q, %d blocks", a.Text(), len(a.Blocks))
			}
			check(t, a)
		})
	}
}

// TestFormattingFlood makes the parser reopen thousands of formatting
// elements that differ in their attributes, past its 512 limit; flatten
// drops the attributes, so the parser's own limit on alike formatting
// elements applies, and the text stays.
func TestFormattingFlood(t *testing.T) {
	var b strings.Builder
	for i := range 3000 {
		fmt.Fprintf(&b, "<div><b id=%d><i class=c%d>x</div>", i, i)
	}
	a := timed(t, fromHTMLNoBase, b.String())
	if strings.Count(a.Text(), "x") != 3000 {
		t.Fatalf("lost text: %d x", strings.Count(a.Text(), "x"))
	}
	check(t, a)
}

// TestManyRuns converts hundreds of thousands of tiny runs that merge
// into one, and of one-cell tables nested in each other; both were once
// quadratic.
func TestManyRuns(t *testing.T) {
	cases := map[string]string{
		"links":  strings.Repeat("<a href=https://x.example/>x", 200000),
		"tables": strings.Repeat("<table><td>x", 100000),
	}
	want := map[string]int{"links": 200000, "tables": 100000}
	for name, src := range cases {
		t.Run(name, func(t *testing.T) {
			a := timed(t, fromHTMLNoBase, src)
			if n := countRunes(a.Text(), 'x'); n != want[name] {
				t.Fatalf("kept %d of %d texts", n, want[name])
			}
			check(t, a)
		})
	}
}

func TestTextOnly(t *testing.T) {
	blocks := textOnly("<div>one <b>two</b><script>bad()</script><nav>menu<p>x</p></nav></div><p>three<br>four</p><input><p>five")
	a := &Article{Blocks: blocks}
	a.Index()
	if want := "one two\n\nthree\nfour\n\nfive"; a.Text() != want {
		t.Fatalf("got %q, want %q", a.Text(), want)
	}
	check(t, a)
}

func TestMarkdownPathological(t *testing.T) {
	cases := map[string]string{
		"quote markers": strings.Repeat("> ", 100000) + "x",
		"quote run":     strings.Repeat(">", 100000) + " x",
		"list markers":  strings.Repeat("- ", 100000) + "x",
		"ordered":       strings.Repeat("1. ", 100000) + "x",
		"links":         strings.Repeat("[a](", 100000),
		"images":        strings.Repeat("![a](", 100000),
		"indent": func() string {
			var b strings.Builder
			for i := range 3000 {
				b.WriteString(strings.Repeat(" ", 2*i) + "- x\n")
			}
			return b.String()
		}(),
	}
	for name, src := range cases {
		t.Run(name, func(t *testing.T) {
			a := timed(t, FromMarkdown, src)
			check(t, a)
		})
	}
}

func TestBrokenInput(t *testing.T) {
	cases := []struct {
		name, src, want string
		conv            func(string) (*Article, error)
	}{
		{"html invalid utf8", "<p>a\xff\xfeb</p>", "a\uFFFDb", htmlNoBase},
		{"html NUL", "<p>a\x00b\x01c\x7fd</p>", "abcd", htmlNoBase},
		{"html C1 control", "<p>a\u0085b\u009bc</p>", "abc", htmlNoBase},
		{"html form feed", "<p>a\fb\vc</p>", "a b c", htmlNoBase},
		{"html control references", "<p>a&#x1;b&#0;c&#x85;d</p>", "ab\uFFFDc…d", htmlNoBase}, // HTML reads &#x85; as windows-1252
		{"markdown invalid utf8", "a\xc0b", "a\uFFFDb", FromMarkdown},
		{"markdown NUL", "# T\x00itle\n\nx\x00y", "xy", FromMarkdown},
		{"text invalid utf8", "\xff", "\uFFFD", FromText},
		{"text NUL", "a\x00b\r\n\r\nc\rd", "ab\n\nc d", FromText},
		{"text only NULs", "\x00\x00", "", FromText},
		{"truncated utf8", "ab\xe2\x82", "ab\uFFFD", FromText},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a, err := c.conv(c.src)
			if err != nil {
				t.Fatal(err)
			}
			if a.Text() != c.want {
				t.Fatalf("text %q, want %q", a.Text(), c.want)
			}
			check(t, a)
		})
	}
}

func htmlNoBase(s string) (*Article, error) { return FromHTML(s, "") }

// TestFlattenKeepsRawText checks that flatten writes raw text elements'
// text as it was, and escapes other text.
func TestFlattenKeepsRawText(t *testing.T) {
	src := "<xmp>a &lt; <b></xmp><p>x &lt; y</p><script>if (a < b) {}</script>"
	want := "<xmp>a &lt; <b></xmp><p>x &lt; y</p><script>if (a < b) {}</script>"
	if got := flatten(src); got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	a, err := FromHTML(strings.Repeat("<div>", 1000)+"<xmp>a &lt; <b></xmp>", "")
	if err != nil {
		t.Fatal(err)
	}
	if a.Text() != "a &lt; <b>" {
		t.Fatalf("text %q", a.Text())
	}
	check(t, a)
}

// TestNestedFigures nests figures around many paragraphs: each figure's
// other content must not be copied once per level.
func TestNestedFigures(t *testing.T) {
	src := strings.Repeat("<figure>", 400) + strings.Repeat("<p>x</p>", 50000) + strings.Repeat("<figcaption>c</figcaption></figure>", 400)
	a := timed(t, fromHTMLNoBase, src)
	if n := countRunes(a.Text(), 'x'); n != 50000 {
		t.Fatalf("kept %d of 50000 paragraphs", n)
	}
	check(t, a)
}
