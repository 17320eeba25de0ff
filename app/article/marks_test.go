//go:build !(js && wasm)

package article

import (
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

func TestMarkedBlockHTML(t *testing.T) {
	a, err := FromHTML(`<p>one <em>two</em> three</p><ul><li>four 😀 five</li><li>six</li></ul><pre>a&lt;b
c</pre>`, "")
	if err != nil {
		t.Fatal(err)
	}
	// Text: "one two three\n\nfour 😀 five\n\nsix\n\na<b\nc"
	tests := []struct {
		name  string
		block int
		marks []Mark
		want  string
	}{
		{"none", 0, nil, `<p data-b="0" data-o="0">one <em>two</em> three</p>`},
		{"other block", 0, []Mark{{Start: 15, End: 19, ID: "x", Color: "blue"}}, `<p data-b="0" data-o="0">one <em>two</em> three</p>`},
		{"inside a run", 0, []Mark{{Start: 0, End: 3, ID: "a", Color: "yellow"}},
			`<p data-b="0" data-o="0"><mark class="hl hl-yellow" data-a="a" id="hl-a">one</mark> <em>two</em> three</p>`},
		{"across emphasis", 0, []Mark{{Start: 2, End: 9, ID: "a", Color: "green"}},
			`<p data-b="0" data-o="0">on<mark class="hl hl-green" data-a="a" id="hl-a">e </mark><em><mark class="hl hl-green" data-a="a">two</mark></em><mark class="hl hl-green" data-a="a"> t</mark>hree</p>`},
		{"overlap nests", 0, []Mark{{Start: 4, End: 13, ID: "b", Color: "pink"}, {Start: 0, End: 7, ID: "a", Color: "yellow"}},
			`<p data-b="0" data-o="0"><mark class="hl hl-yellow" data-a="a" id="hl-a">one </mark><em><mark class="hl hl-yellow" data-a="a"><mark class="hl hl-pink" data-a="b" id="hl-b">two</mark></mark></em><mark class="hl hl-pink" data-a="b"> three</mark></p>`},
		{"spans blocks", 1, []Mark{{Start: 10, End: 21, ID: "c", Color: "blue"}},
			`<ul data-b="1"><li data-o="15"><mark class="hl hl-blue" data-a="c">four 😀</mark> five</li><li data-o="28">six</li></ul>`},
		{"code", 2, []Mark{{Start: 34, End: 38, ID: "d", Color: "purple"}},
			`<pre data-b="2" data-o="33"><code>a<mark class="hl hl-purple" data-a="d" id="hl-d">&lt;b` + "\n" + `c</mark></code></pre>`},
		{"hostile id and colour", 0, []Mark{{Start: 0, End: 3, ID: `"><script>`, Color: `red" onclick="x`}},
			`<p data-b="0" data-o="0"><mark class="hl hl-redonclickx" data-a="&#34;&gt;&lt;script&gt;" id="hl-&#34;&gt;&lt;script&gt;">one</mark> <em>two</em> three</p>`},
		{"a note's marker after its last piece", 0, []Mark{{Start: 2, End: 9, ID: "n", Color: "blue", Note: `Note: "a" <b>`}, {Start: 0, End: 3, ID: "o", Color: "pink"}},
			`<p data-b="0" data-o="0"><mark class="hl hl-pink" data-a="o" id="hl-o">on</mark><mark class="hl hl-pink" data-a="o"><mark class="hl hl-blue hl-noted" data-a="n" id="hl-n">e</mark></mark><mark class="hl hl-blue hl-noted" data-a="n"> </mark><em><mark class="hl hl-blue hl-noted" data-a="n">two</mark></em><mark class="hl hl-blue hl-noted" data-a="n"> t</mark><button type="button" class="note-marker" data-note="n" aria-label="Note: &#34;a&#34; &lt;b&gt;"></button>hree</p>`},
		{"empty mark ignored", 0, []Mark{{Start: 3, End: 3, ID: "e", Color: "yellow"}}, `<p data-b="0" data-o="0">one <em>two</em> three</p>`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := a.MarkedBlockHTML(tc.block, tc.marks)
			if got != tc.want {
				t.Errorf("\n got %s\nwant %s", got, tc.want)
			}
			// Marks never change the text a page reads.
			if textOf(t, got) != textOf(t, a.BlockHTML(tc.block)) {
				t.Errorf("text changed: %q", textOf(t, got))
			}
		})
	}
}

func TestBlockRange(t *testing.T) {
	a, err := FromHTML(`<p>ab</p><hr><blockquote><p>cd</p><p>ef</p></blockquote><figure><img src="https://x.example/i.png"></figure><p>g</p>`, "")
	if err != nil {
		t.Fatal(err)
	}
	text := []rune(a.Text())
	for i, want := range []string{"ab", "", "cd\n\nef", "", "g"} {
		s, e := a.BlockRange(i)
		if got := string(text[s:e]); got != want {
			t.Errorf("block %d: %q, want %q", i, got, want)
		}
	}
	if got := a.BlockAt(5); got != 2 {
		t.Errorf("BlockAt(5) = %d, want 2", got)
	}
	if got := a.BlockAt(len(text)); got != len(a.Blocks) {
		t.Errorf("BlockAt(end) = %d", got)
	}
}

// textOf returns the text a browser reads from h, a <br> counting as "\n".
func textOf(t *testing.T, h string) string {
	t.Helper()
	nodes, err := html.ParseFragment(strings.NewReader(h), &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		switch {
		case n.Type == html.TextNode:
			b.WriteString(n.Data)
		case n.Type == html.ElementNode && n.Data == "br":
			b.WriteByte('\n')
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range nodes {
		walk(n)
	}
	return b.String()
}
