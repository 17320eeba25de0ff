//go:build !(js && wasm)

package article

import (
	"strings"
	"testing"
)

func TestBlockHTML(t *testing.T) {
	a, err := FromHTML(`<p>a <b>b</b><br>c</p><ul><li>x<ul><li>y</li></ul></li><li><p>p</p><p>q</p></li></ul>`+
		`<ol start="2"><li>o</li></ol><blockquote><p>q</p></blockquote><figure><img src="https://x.example/i.png" alt="A &quot;b&quot;"><figcaption>cap</figcaption></figure>`+
		`<pre class="language-go">x &lt; y</pre><hr><table><tr><th>h</th><td>d</td></tr></table><h3><a href="https://x.example/?a=1&amp;b=2">l</a></h3>`, "")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`<p data-b="0" data-o="0">a <strong>b</strong><br>c</p>`,
		`<ul data-b="1"><li data-o="7">x<ul><li data-o="10">y</li></ul></li><li><p data-o="13">p</p><p data-o="16">q</p></li></ul>`,
		`<ol data-b="2" start="2"><li data-o="19">o</li></ol>`,
		`<blockquote data-b="3"><p data-o="22">q</p></blockquote>`,
		`<figure data-b="4"><img src="https://x.example/i.png" alt="A &#34;b&#34;" loading="lazy"><figcaption data-o="25">cap</figcaption></figure>`,
		`<pre data-b="5" data-o="30" class="language-go"><code>x &lt; y</code></pre>`,
		`<hr data-b="6">`,
		`<table data-b="7"><tbody><tr><th data-o="37">h</th><td data-o="40">d</td></tr></tbody></table>`,
		`<h3 data-b="8" data-o="43"><a href="https://x.example/?a=1&amp;b=2" rel="noopener noreferrer">l</a></h3>`,
	}
	if len(a.Blocks) != len(want) {
		t.Fatalf("%d blocks: %s", len(a.Blocks), a.HTML())
	}
	for i, w := range want {
		if got := a.BlockHTML(i); got != w {
			t.Errorf("block %d:\n got %s\nwant %s", i, got, w)
		}
	}
	if a.HTML() != strings.Join(want, "") {
		t.Error("HTML is not the blocks joined")
	}
	if a.BlockHTML(-1) != "" || a.BlockHTML(len(want)) != "" {
		t.Error("out of range block rendered")
	}
	check(t, a)
}

// TestRenderHandMade renders blocks that no constructor makes: the
// renderer must still write nothing unsafe and one element per block.
func TestRenderHandMade(t *testing.T) {
	a := &Article{Blocks: []Block{
		{Kind: Paragraph, Runs: []Run{{Text: "x", Href: "javascript:alert(1)"}, {Text: "<script>", Href: "https://ok.example/\"><script>"}}},
		{Kind: Figure, Image: &Image{Src: "data:image/png,AAAA", Alt: `"><script>`}},
		{Kind: Heading, Level: 9, Runs: []Run{{Text: "h"}}},
		{Kind: Heading, Level: -1, Runs: []Run{{Text: "h"}}},
		{Kind: Code, Lang: `x" onclick="y`, Runs: []Run{{Text: "</code></pre><script>"}}},
		{Kind: "video"},
		{Kind: List, Items: []Item{{}}},
	}}
	a.Index()
	out := a.HTML()
	for _, bad := range []string{"<script", "javascript:", "data:", `" onclick`, "<h9", "<h-1"} {
		if strings.Contains(out, bad) {
			t.Errorf("output holds %q: %s", bad, out)
		}
	}
	want := `<p data-b="0" data-o="0">x<a href="https://ok.example/&#34;&gt;&lt;script&gt;" rel="noopener noreferrer">&lt;script&gt;</a></p>` +
		`<figure data-b="1"></figure><h6 data-b="2" data-o="11">h</h6><h1 data-b="3" data-o="14">h</h1>` +
		`<pre data-b="4" data-o="17" class="language-x&#34; onclick=&#34;y"><code>&lt;/code&gt;&lt;/pre&gt;&lt;script&gt;</code></pre>` +
		`<div data-b="5"></div><ul data-b="6"><li></li></ul>`
	if out != want {
		t.Fatalf("got\n%s\nwant\n%s", out, want)
	}
}
