//go:build !(js && wasm)

package article

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
)

var renderNoise = regexp.MustCompile(` (data-b|data-o)="[0-9]+"| rel="noopener noreferrer"| loading="lazy"`)

// sketch is an article's HTML without the attributes that only repeat
// positions, which keeps expectations short.
func sketch(a *Article) string { return renderNoise.ReplaceAllString(a.HTML(), "") }

const testBase = "https://example.com/blog/post.html"

func TestFromHTML(t *testing.T) {
	cases := []struct {
		name, src, want string
	}{
		// blocks
		{"paragraphs", "<p>one</p><p>two</p>", "<p>one</p><p>two</p>"},
		{"headings", "<h1>a</h1><h2>b</h2><h3>c</h3><h4>d</h4><h5>e</h5><h6>f</h6>",
			"<h1>a</h1><h2>b</h2><h3>c</h3><h4>d</h4><h5>e</h5><h6>f</h6>"},
		{"unordered list", "<ul><li>a</li><li>b</li></ul>", "<ul><li>a</li><li>b</li></ul>"},
		{"ordered list start", "<ol start=\"4\"><li>a</li></ol><ol><li>b</li></ol><ol start=x><li>c</li></ol>",
			`<ol start="4"><li>a</li></ol><ol><li>b</li></ol><ol><li>c</li></ol>`},
		{"negative and zero start", "<ol start=-2><li>a</li></ol><ol start=0><li>b</li></ol>",
			`<ol start="-2"><li>a</li></ol><ol start="0"><li>b</li></ol>`},
		{"nested list", "<ul><li>a<ul><li>b<ol><li>c</li></ol></li></ul></li></ul>",
			"<ul><li>a<ul><li>b<ol><li>c</li></ol></li></ul></li></ul>"},
		{"loose item", "<ul><li><p>a</p><p>b</p></li><li>c<p>d</p></li></ul>",
			"<ul><li><p>a</p><p>b</p></li><li><p>c</p><p>d</p></li></ul>"},
		{"item with only a list", "<ul><li><ul><li>x</li></ul></li></ul>", "<ul><li><ul><li>x</li></ul></li></ul>"},
		{"stray list content", "<ul>stray<li>x</li><ul><li>y</li></ul></ul>",
			"<ul><li>stray</li><li>x</li><li><ul><li>y</li></ul></li></ul>"},
		{"empty items dropped", "<ul><li> </li><li>x</li><li><br></li></ul><ol><li></li></ol>", "<ul><li>x</li></ul>"},
		{"quote", "<blockquote>loose <em>text</em><p>para</p><blockquote>inner</blockquote></blockquote>",
			"<blockquote><p>loose <em>text</em></p><p>para</p><blockquote><p>inner</p></blockquote></blockquote>"},
		{"figure", `<figure><img src="a.png" alt=" An  image "><figcaption>The <b>caption</b></figcaption></figure>`,
			`<figure><img src="https://example.com/blog/a.png" alt="An image"><figcaption>The <strong>caption</strong></figcaption></figure>`},
		{"figure in link and picture", `<figure><a href="/big"><picture><source srcset="x.webp"><img src="x.jpg"></picture></a><figcaption>c</figcaption></figure>`,
			`<figure><img src="https://example.com/blog/x.jpg" alt=""><figcaption>c</figcaption></figure>`},
		{"figure caption only", "<figure><figcaption>only</figcaption></figure>", "<figure><figcaption>only</figcaption></figure>"},
		{"figure unsafe image", `<figure><img src="data:image/png;base64,AAAA"><figcaption>cap</figcaption></figure>`,
			"<figure><figcaption>cap</figcaption></figure>"},
		{"empty figure dropped", `<figure><img src="javascript:x"></figure><figure> </figure>`, ""},
		{"figure with other content", "<figure><pre>code</pre><figcaption>Listing</figcaption></figure>",
			"<pre><code>code</code></pre><figure><figcaption>Listing</figcaption></figure>"},
		{"figure image inside a list", `<figure><ul><li><img src="/a.jpg"></li><li>text</li></ul><figcaption>c</figcaption></figure>`,
			`<ul><li>text</li></ul><figure><img src="https://example.com/a.jpg" alt=""><figcaption>c</figcaption></figure>`},
		{"lazy image", `<figure><img src="data:image/gif;base64,R0" data-src="/real.jpg"></figure>`,
			`<figure><img src="https://example.com/real.jpg" alt=""></figure>`},
		{"srcset image", `<p><img srcset="/a.jpg 1x, /b.jpg 2x"></p>`, `<figure><img src="https://example.com/a.jpg" alt=""></figure>`},
		{"standalone images", `<p><img src="/a.jpg" alt="a"></p><div><a href="/x"><img src="/b.jpg"></a></div><img src="/c.jpg">`,
			`<figure><img src="https://example.com/a.jpg" alt="a"></figure><figure><img src="https://example.com/b.jpg" alt=""></figure><figure><img src="https://example.com/c.jpg" alt=""></figure>`},
		{"inline image dropped", `<p>text <img src="/a.jpg"> more</p>`, "<p>text more</p>"},
		{"code", "<pre class=\"language-Go\"><code>func f() {\n\treturn\n}\n\n</code></pre>",
			"<pre class=\"language-go\"><code>func f() {\n\treturn\n}</code></pre>"},
		{"code lang on code", "<pre><code class=\"hljs language-python\">x = 1</code></pre>",
			"<pre class=\"language-python\"><code>x = 1</code></pre>"},
		{"code markup flattened", "<pre><span class=k>if</span> <b>x</b><br>y  &lt;z&gt;</pre>",
			"<pre><code>if x\ny  &lt;z&gt;</code></pre>"},
		{"code bad lang", "<pre class=\"language-a&quot;b\">x</pre>", "<pre><code>x</code></pre>"},
		{"code leading newline", "<pre>\n\nx</pre>", "<pre><code>\nx</code></pre>"},
		{"blank code dropped", "<pre>  \n </pre>", ""},
		{"rule", "<p>a</p><hr><p>b</p>", "<p>a</p><hr><p>b</p>"},
		{"table", "<table><thead><tr><th>A</th><th>B</th></tr></thead><tbody><tr><td>1</td><td></td></tr></tbody><tfoot><tr><td>f</td></tr></tfoot></table>",
			"<table><tbody><tr><th>A</th><th>B</th></tr><tr><td>1</td><td></td></tr><tr><td>f</td></tr></tbody></table>"},
		{"table caption and blocks in cells", "<table><caption>Cap</caption><tr><td><p>a</p><p>b</p></td><td><ul><li>x</li><li>y</li></ul></td></tr></table>",
			"<p>Cap</p><table><tbody><tr><td>a<br>b</td><td>x<br>y</td></tr></tbody></table>"},
		{"layout table unwrapped", "<table><tr><td><h2>T</h2><p>a</p><p>b</p></td></tr></table>", "<h2>T</h2><p>a</p><p>b</p>"},
		{"empty table dropped", "<table><tr><td> </td><td></td></tr></table>", ""},
		{"definition list", "<dl><dt>term</dt><dd>definition</dd></dl>", "<p>term</p><p>definition</p>"},
		{"transparent containers", "<div><section><article><main><header><p>x</p></header></main></article></section></div><custom-el>y</custom-el>",
			"<p>x</p><p>y</p>"},
		{"loose inline becomes paragraph", "a <b>b</b><div>c</div>d", "<p>a <strong>b</strong></p><p>c</p><p>d</p>"},
		{"heading in leaf", "<h2>a<div>b</div>c</h2>", "<h2>a<br>b<br>c</h2>"},
		// inline
		{"styles", "<p><em>e</em><i>i</i><strong>s</strong><b>b</b><code>c</code><kbd>k</kbd><samp>s</samp><tt>t</tt>x<sub>1</sub><sup>2</sup></p>",
			"<p><em>ei</em><strong>sb</strong><code>ckst</code>x<sub>1</sub><sup>2</sup></p>"},
		{"nested styles in fixed order", "<p><code><em><b>x</b></em></code></p>", "<p><strong><em><code>x</code></em></strong></p>"},
		{"styles sharing elements", "<p><b>a <i>b</i> c</b></p>", "<p><strong>a <em>b</em> c</strong></p>"},
		{"transparent inline", "<p><span>a</span><abbr>b</abbr><mark>c</mark><u>d</u><small>e</small><cite>f</cite><q>g</q><time>h</time><s>i</s><del>j</del><ins>k</ins></p>",
			"<p>abcdefghijk</p>"},
		{"break", "<p>a<br>b <br> c<br><br>d<br></p><p><br>e</p>", "<p>a<br>b<br>c<br><br>d</p><p>e</p>"},
		{"link sharing", `<p><a href="/x">a <b>b</b></a><a href="/x">c</a><a href="/y">d</a></p>`,
			`<p><a href="https://example.com/x">a <strong>b</strong>c</a><a href="https://example.com/y">d</a></p>`},
		{"link with break", `<p><a href="https://x.example/">a<br>b</a></p>`, `<p><a href="https://x.example/">a<br>b</a></p>`},
		{"link around blocks", `<a href="/card"><h3>Card</h3><p>text</p></a>`,
			`<h3><a href="https://example.com/card">Card</a></h3><p><a href="https://example.com/card">text</a></p>`},
		{"anchor without href", `<p><a name="x">a</a></p>`, "<p>a</p>"},
		// links and base
		{"relative links", `<p><a href="x">1</a><a href="../y?q=1#f">2</a><a href="#top">3</a><a href="//cdn.example/z">4</a></p>`,
			`<p><a href="https://example.com/blog/x">1</a><a href="https://example.com/y?q=1#f">2</a><a href="https://example.com/blog/post.html#top">3</a><a href="https://cdn.example/z">4</a></p>`},
		{"mailto", `<p><a href="MAILTO:me@example.com">m</a></p>`, `<p><a href="mailto:me@example.com">m</a></p>`},
		{"unsafe links keep text", `<p><a href="javascript:alert(1)">a</a> <a href="JaVaScRiPt:x">b</a> <a href="java&#x09;script:x">c</a> <a href="&#106;avascript:x">d</a> <a href="data:text/html,x">e</a> <a href="vbscript:x">f</a> <a href="ftp://x.example/">g</a> <a href="https://user:pw@x.example/">h</a></p>`,
			"<p>a b c d e f g h</p>"},
		{"base element", `<html><head><base href="https://other.example/dir/"></head><body><p><a href="x">x</a></p></body></html>`,
			`<p><a href="https://other.example/dir/x">x</a></p>`},
		// dropped
		{"dropped elements", `<script>s()</script><style>p{}</style><noscript>n</noscript><template>t</template><iframe src="x"></iframe><object>o</object><embed src=x><form>f<input value=v><button>b</button><select><option>o</option></select><textarea>t</textarea></form><svg><text>s</text></svg><math><mi>m</mi></math><canvas>c</canvas><video>v</video><audio>a</audio><nav>n</nav><aside>a</aside><footer>f</footer><p>kept</p>`,
			"<p>kept</p>"},
		{"attributes dropped", `<p class="x" style="color:red" onclick="alert(1)" id="y"><span onmouseover="x()">text</span></p>`, "<p>text</p>"},
		// white space
		{"white space folding", "<p>  a \n\t b <b> c </b>  d\u00a0\u00a0e\u2003f  </p>", "<p>a b <strong>c </strong>d e f</p>"},
		{"white space across runs", "<p>a <b> b</b></p>", "<p>a <strong>b</strong></p>"},
		{"empty paragraphs dropped", "<p></p><p> \n </p><p><b> </b></p><div><span></span></div>", ""},
		{"escaping", "<p>&lt;script&gt; &amp; \"q\" 'a'</p>", "<p>&lt;script&gt; &amp; &#34;q&#34; &#39;a&#39;</p>"},
		{"empty input", "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a, err := FromHTML(c.src, testBase)
			if err != nil {
				t.Fatal(err)
			}
			if got := sketch(a); got != c.want {
				t.Fatalf("got\n%s\nwant\n%s", got, c.want)
			}
			check(t, a)
		})
	}
}

func TestFromHTMLMeta(t *testing.T) {
	cases := []struct {
		name, src, base string
		want            Meta
		html            string
	}{
		{"title from h1 matching title",
			`<html lang="en-GB"><head><title> The   Title </title></head><body><h1>The Title</h1><p>x</p></body></html>`, "",
			Meta{Title: "The Title", Lang: "en-GB"}, "<p>x</p>"},
		{"h1 differing from title stays",
			`<title>Site | Post</title><h1>Post</h1><p>x</p>`, "",
			Meta{Title: "Site | Post"}, "<h1>Post</h1><p>x</p>"},
		{"h1 without title becomes title",
			`<html><body><h1>Only <em>H1</em></h1><p>x</p></body></html>`, "",
			Meta{Title: "Only H1"}, "<p>x</p>"},
		{"fragment keeps h1",
			`<h1>Heading</h1><p>x</p>`, "",
			Meta{}, "<h1>Heading</h1><p>x</p>"},
		{"second block h1 stays",
			`<html><title>T</title><p>x</p><h1>T</h1>`, "",
			Meta{Title: "T"}, "<p>x</p><h1>T</h1>"},
		{"meta tags",
			`<html><head><title>T</title><meta name="author" content="Ann  Author"><meta property="og:site_name" content="Site"><meta property="og:image" content="/i.png"><meta property="article:published_time" content="2024-05-06T07:08:09Z"><link rel="canonical" href="/canon"></head><body><p>x</p></body></html>`,
			"https://example.com/a/b",
			Meta{Title: "T", Byline: "Ann Author", Site: "Site", Image: "https://example.com/i.png", URL: "https://example.com/canon",
				Published: time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)}, "<p>x</p>"},
		{"base becomes URL",
			`<html><body><p>x</p></body></html>`, "https://example.com/p",
			Meta{URL: "https://example.com/p"}, "<p>x</p>"},
		{"bad lang and svg title ignored",
			`<html lang="x y"><body><svg><title>no</title></svg><p>x</p></body></html>`, "",
			Meta{}, "<p>x</p>"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a, err := FromHTML(c.src, c.base)
			if err != nil {
				t.Fatal(err)
			}
			got := a.Meta
			got.Words, got.Minutes, got.Hash, got.Excerpt = 0, 0, "", ""
			if got != c.want {
				t.Fatalf("meta %+v, want %+v", got, c.want)
			}
			if s := sketch(a); s != c.html {
				t.Fatalf("html %s, want %s", s, c.html)
			}
			check(t, a)
		})
	}
}

func TestNestingLimit(t *testing.T) {
	for _, tag := range []struct{ open, close string }{
		{"<ul><li>", "</li></ul>"}, {"<blockquote>", "</blockquote>"}, {"<ol><li><blockquote>", "</blockquote></li></ol>"},
	} {
		src := ""
		for range 90 {
			src += tag.open + "x"
		}
		a, err := FromHTML(src, "")
		if err != nil {
			t.Fatal(err)
		}
		check(t, a) // checkModel asserts the depth
		if n := countRunes(a.Text(), 'x'); n != 90 {
			t.Fatalf("%s: kept %d of 90 texts", tag.open, n)
		}
	}
}

func countRunes(s string, r rune) int {
	n := 0
	for _, c := range s {
		if c == r {
			n++
		}
	}
	return n
}

// TestFromNode checks that converting a parsed element's content gives
// what converting the same HTML as a fragment gives.
func TestFromNode(t *testing.T) {
	src := `<h2>Head</h2><p>One <em>two</em> <a href="/x">three</a>.</p><figure><img src="i.png" alt="a"><figcaption>Cap</figcaption></figure>` +
		`<ul><li>a<ol start=3><li>b</li></ol></li></ul><script>alert(1)</script><pre class="language-go">x := 1</pre><table><tr><td>a</td><td>b</td></tr></table>`
	base := "https://example.org/p/"
	want, err := FromHTML(src, base)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := html.Parse(strings.NewReader("<html><body><div id=content>" + src + "</div></body></html>"))
	if err != nil {
		t.Fatal(err)
	}
	var div *html.Node
	visit(doc, func(n *html.Node) bool {
		if n.Type == html.ElementNode && n.Data == "div" {
			div = n
		}
		return div == nil
	})
	got := FromNode(div, base)
	if got.HTML() != want.HTML() || got.Meta.URL != want.Meta.URL || got.Text() != want.Text() {
		t.Errorf("FromNode:\n%s\nFromHTML:\n%s", got.HTML(), want.HTML())
	}
}
