//go:build !(js && wasm)

package article

import (
	"os"
	"path/filepath"
	"testing"
)

// addFiles adds the test inputs with the given extension as seeds.
func addFiles(f *testing.F, ext string, extra ...any) {
	files, _ := filepath.Glob("testdata/input/*" + ext)
	for _, name := range files {
		src, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(append([]any{string(src)}, extra...)...)
	}
}

var htmlSeeds = []string{
	"",
	"plain text",
	"<p>Hello <b>bold <i>both</i></b> and <a href='/x'>link</a></p>",
	"<h1>T</h1><h2>S</h2><p>a<br>b</p><hr><blockquote><p>q</p>loose</blockquote>",
	"<ul><li>one<li>two<ul><li>nested</ul><li><p>a<p>b</ul><ol start=-3><li>x</ol>",
	"<figure><img src=a.png alt=x><figcaption>cap</figcaption></figure><p><img src=b.png></p>",
	"<figure><figcaption>only caption</figcaption></figure><figure><pre>x</pre></figure>",
	"<pre class='language-go'><code>a\n\tb\n\n</code></pre><pre>\n\nx</pre>",
	"<table><caption>c</caption><tr><th>h<td>1<tr><td><p>a</p><p>b</p><td><ul><li>x</ul></table>",
	"<table><tr><td><p>layout</p><p>cell</p></td></tr></table>",
	"<a href='javascript:alert(1)'>x</a><a href=' JaVaScRiPt:x'>y</a><a href='//evil.com'>z</a>",
	"<img src=x onerror=alert(1)><script>bad()</script><style>p{}</style><iframe src=x></iframe>",
	"<a href='mailto:a@b.c'>mail</a> <a href='data:text/html,x'>d</a> <a href='#frag'>f</a>",
	"<svg><title>t</title><a href='x'>s</a></svg><math><mi>x</mi></math>",
	"<html lang=fr><head><title>T</title><base href='https://b.example/'></head><body><h1>T</h1><p>x</p></body></html>",
	"<b>a <i>b</b> c</i> <p>d<div>e</div>f</p>",
	"a\u00a0\u2003b \u200b c\te\n\nf",
	"<p>\U0001F468\u200D\U0001F469\u200D\U0001F467 \U0001F1EB\U0001F1F7 e\u0301 \u0645\u0631\u062d\u0628\u0627 \u05e9\u05dc\u05d5\u05dd \u4e2d\u6587</p>",
	"<dl><dt>t<dd>d</dl><details><summary>s</summary>x</details>",
	"<div><div><div><b><i><code>deep</code></i></b></div></div></div>",
	"<ul><li><ul><li><ul><li>x</li></ul></li></ul></li></ul>",
	"<p><sub>1</sub><sup>2</sup><kbd>k</kbd><s>s</s><del>d</del><mark>m</mark></p>",
	"<h2><a href='https://x.example/'>linked <br> heading</a></h2>",
	"<a href=https://x.example/><h3>card</h3><p>text</p></a>",
	"\x00\x01bad\xff\xfeutf8<p>\x7f</p>",
	"<plaintext><p>x",
	"<ol><li value=5>x</ol><ul>stray<li>y</ul>",
}

var markdownSeeds = []string{
	"",
	"# Title\n\nPara with *em* and **strong** and `code` and [link](https://x.example/).",
	"---\ntitle: T\npublished: 2024-01-02\nlang: en\n---\n# T\n\ntext",
	"- a\n- b\n  - c\n\n1. x\n2. y\n\n> quote\n> > nested",
	"```go\nfunc f() {}\n```\n\n    indented\n\n---\n\n| a | b |\n|---|---|\n| 1 | ~~2~~ |",
	"<figure><img src=\"https://x.example/a.png\"><figcaption>cap</figcaption></figure>",
	"[x](javascript:alert(1)) <script>alert(1)</script> ![i](data:image/png,x)",
	"line one  \nline two\\\nline three",
	"- [ ] task\n- [x] done\n\nwww.example.com and https://example.org",
	"> > > > > > > > > > deep\n- - - - - - - - x",
	"---\ntitle: x\n",
}

var textSeeds = []string{
	"",
	"one\ntwo\n\nthree",
	"  \n \t \n para \r\n\r\n\r\nnext\u00a0one",
	"<p>not html</p>",
	"\x00\xffx",
	"\U0001F44D\U0001F3FD e\u0301",
}

func FuzzFromHTML(f *testing.F) {
	for _, s := range htmlSeeds {
		f.Add(s, "")
		f.Add(s, "https://example.com/a/b.html?q=1")
	}
	addFiles(f, ".html", goldenBase)
	f.Fuzz(func(t *testing.T, src, base string) {
		a, err := FromHTML(src, base)
		if err != nil {
			t.Fatal(err)
		}
		check(t, a)
	})
}

func FuzzFromMarkdown(f *testing.F) {
	for _, s := range markdownSeeds {
		f.Add(s)
	}
	addFiles(f, ".md")
	f.Fuzz(func(t *testing.T, src string) {
		a, err := FromMarkdown(src)
		if err != nil {
			return // malformed front matter
		}
		check(t, a)
	})
}

func FuzzFromText(f *testing.F) {
	for _, s := range textSeeds {
		f.Add(s)
	}
	addFiles(f, ".txt")
	f.Fuzz(func(t *testing.T, src string) {
		a, err := FromText(src)
		if err != nil {
			t.Fatal(err)
		}
		check(t, a)
	})
}
