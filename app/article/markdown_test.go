//go:build !(js && wasm)

package article

import (
	"strings"
	"testing"
	"time"
)

func TestFromMarkdown(t *testing.T) {
	cases := []struct {
		name, src, title, want string
	}{
		{"paragraphs and inline", "Some *em*, **strong**, `code` and [a link](https://x.example/a).\nSame paragraph.\n\nNext.", "",
			`<p>Some <em>em</em>, <strong>strong</strong>, <code>code</code> and <a href="https://x.example/a">a link</a>. Same paragraph.</p><p>Next.</p>`},
		{"leading h1 is the title", "# The Title\n\nBody", "The Title", "<p>Body</p>"},
		{"later h1 stays", "Intro\n\n# Heading\n\n## Sub", "", "<p>Intro</p><h1>Heading</h1><h2>Sub</h2>"},
		{"setext h1 is the title", "Title\n=====\n\ntext", "Title", "<p>text</p>"},
		{"lists", "- a\n- b\n  - c\n\n3. x\n4. y", "",
			`<ul><li>a</li><li>b<ul><li>c</li></ul></li></ul><ol start="3"><li>x</li><li>y</li></ol>`},
		{"loose list", "- a\n\n  more\n- b", "", "<ul><li><p>a</p><p>more</p></li><li>b</li></ul>"},
		{"quote", "> quoted\n> > nested", "", "<blockquote><p>quoted</p><blockquote><p>nested</p></blockquote></blockquote>"},
		{"fenced code", "```go\nfunc f() {\n\treturn\n}\n```", "", "<pre class=\"language-go\"><code>func f() {\n\treturn\n}</code></pre>"},
		{"indented code", "    a  b\n    c", "", "<pre><code>a  b\nc</code></pre>"},
		{"rule", "a\n\n---\n\nb", "", "<p>a</p><hr><p>b</p>"},
		{"table", "| A | B |\n|---|--:|\n| 1 | ~~2~~ |", "", "<table><tbody><tr><th>A</th><th>B</th></tr><tr><td>1</td><td>2</td></tr></tbody></table>"},
		{"image alone is a figure", "![alt text](https://x.example/i.png)", "", `<figure><img src="https://x.example/i.png" alt="alt text"></figure>`},
		{"raw figure", "<figure><img src=\"https://x.example/i.png\" alt=\"a\"><figcaption>A *caption*</figcaption></figure>", "",
			`<figure><img src="https://x.example/i.png" alt="a"><figcaption>A *caption*</figcaption></figure>`},
		{"hard breaks", "line one  \nline two\\\nline three", "", "<p>line one<br>line two<br>line three</p>"},
		{"unsafe raw html and links", "<script>alert(1)</script>\n\n[x](javascript:alert(1)) <img src=x onerror=alert(1)> <a href=\"vbscript:x\" onclick=\"y\">v</a>", "",
			"<p>x v</p>"},
		{"relative link dropped without base", "[rel](/path) and <https://x.example/auto> and www.example.com", "",
			`<p>rel and <a href="https://x.example/auto">https://x.example/auto</a> and <a href="http://www.example.com">www.example.com</a></p>`},
		{"task list", "- [ ] todo\n- [x] done", "", "<ul><li>todo</li><li>done</li></ul>"},
		{"sub and sup via html", "H<sub>2</sub>O and x<sup>2</sup>", "", "<p>H<sub>2</sub>O and x<sup>2</sup></p>"},
		{"empty", "", "", ""},
		{"thematic break start is not front matter", "---\n\ntext", "", "<hr><p>text</p>"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a, err := FromMarkdown(c.src)
			if err != nil {
				t.Fatal(err)
			}
			if got := sketch(a); got != c.want {
				t.Fatalf("got\n%s\nwant\n%s", got, c.want)
			}
			if a.Meta.Title != c.title {
				t.Fatalf("title %q, want %q", a.Meta.Title, c.title)
			}
			check(t, a)
		})
	}
}

func TestFrontMatter(t *testing.T) {
	cases := []struct {
		name, src string
		want      Meta
		html      string
	}{
		{"all keys",
			"---\ntitle: \"Quoted  Title\"\nbyline: Ann\nsite: Blog\nurl: https://x.example/post\npublished: 2024-03-04\nlang: de\nimage: https://x.example/i.png\nunknown: ignored\n# comment\n\n---\nBody",
			Meta{Title: "Quoted Title", Byline: "Ann", Site: "Blog", URL: "https://x.example/post",
				Published: time.Date(2024, 3, 4, 0, 0, 0, 0, time.UTC), Lang: "de", Image: "https://x.example/i.png"},
			"<p>Body</p>"},
		{"rfc 3339 date", "---\npublished: 2024-03-04T05:06:07+02:00\n---\nx",
			Meta{Published: time.Date(2024, 3, 4, 5, 6, 7, 0, time.FixedZone("", 2*3600))}, "<p>x</p>"},
		{"front matter title overrides and h1 stays", "---\ntitle: Front\n---\n# Other\n\nx",
			Meta{Title: "Front"}, "<h1>Other</h1><p>x</p>"},
		{"front matter title equal to h1", "---\ntitle: Same\n---\n# Same\n\nx",
			Meta{Title: "Same"}, "<p>x</p>"},
		{"h1 when front matter has no title", "---\nbyline: B\n---\n\n# H\n\nx",
			Meta{Title: "H", Byline: "B"}, "<p>x</p>"},
		{"crlf", "---\r\ntitle: T\r\n---\r\nx\r\n", Meta{Title: "T"}, "<p>x</p>"},
		{"unclosed is markdown", "---\ntitle: T\n", Meta{}, "<hr><p>title: T</p>"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a, err := FromMarkdown(c.src)
			if err != nil {
				t.Fatal(err)
			}
			got := a.Meta
			got.Words, got.Minutes, got.Hash, got.Excerpt = 0, 0, "", ""
			if !got.Published.Equal(c.want.Published) {
				t.Fatalf("published %v, want %v", got.Published, c.want.Published)
			}
			got.Published = c.want.Published
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

func TestFrontMatterErrors(t *testing.T) {
	cases := []struct{ name, src, want string }{
		{"bad date", "---\ntitle: T\npublished: 2024-13-45\n---\nx", "line 3: published \"2024-13-45\""},
		{"not a date", "---\npublished: yesterday\n---\n", "line 2: published \"yesterday\" is not a date"},
		{"relative url", "---\nurl: /post\n---\n", "line 2: url \"/post\" is not an absolute http or https URL"},
		{"unsafe image", "---\n\nimage: javascript:alert(1)\n---\n", "line 3: image"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a, err := FromMarkdown(c.src)
			if err == nil || a != nil {
				t.Fatalf("got %v, %v; want an error", a, err)
			}
			if !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "article: front matter ") {
				t.Fatalf("error %q does not contain %q", err, c.want)
			}
		})
	}
}

func TestGuardMarkdown(t *testing.T) {
	deep := strings.Repeat("> ", 40) + "x\n"
	cases := []struct{ name, src, want string }{
		{"ordinary text unchanged", "# T\n\n- a\n  - b\n\n> q\n\n[l](u) [m](v)\n", "# T\n\n- a\n  - b\n\n> q\n\n[l](u) [m](v)\n"},
		{"markers past the limit escaped", deep, strings.Repeat("> ", 32) + "\\" + strings.Repeat("> ", 8) + "x\n"},
		{"ordered marker escaped", strings.Repeat("1. ", 33) + "x", strings.Repeat("1. ", 32) + "1\\. x"},
		{"indent capped", strings.Repeat(" ", 200) + "x\n", strings.Repeat(" ", 128) + "x\n"},
		{"links past the limit escaped", strings.Repeat("[a](", 65) + "\n", strings.Repeat("[a](", 64) + "[a]\\(\n"},
		{"long paragraph split", strings.Repeat("a\n", 300), strings.Repeat("a\n", 256) + "\n" + strings.Repeat("a\n", 44)},
		{"long quoted paragraph split", strings.Repeat("> a\n", 300), strings.Repeat("> a\n", 256) + ">\n" + strings.Repeat("> a\n", 44)},
		{"long list not split", strings.Repeat("- a\n", 300), strings.Repeat("- a\n", 300)},
		{"long table not split", "|a|\n|-|\n" + strings.Repeat("|x|\n", 300), "|a|\n|-|\n" + strings.Repeat("|x|\n", 300)},
		{"fenced code untouched", "```\n" + deep + "```\n" + deep, "```\n" + deep + "```\n" + strings.Repeat("> ", 32) + "\\" + strings.Repeat("> ", 8) + "x\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := guardMarkdown(c.src); got != c.want {
				t.Fatalf("got\n%q\nwant\n%q", got, c.want)
			}
		})
	}
}
