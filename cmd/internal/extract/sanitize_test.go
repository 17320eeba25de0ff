package extract

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"margin/app/article"
)

// xssVectors are classic filter-evasion, mutation and URL tricks.
var xssVectors = []string{
	`<script>alert(1)</script>`,
	`<SCRIPT SRC=http://xss.example/x.js></SCRIPT>`,
	`<img src=x onerror=alert(1)>`,
	`<img src="javascript:alert(1)">`,
	`<IMG SRC=JaVaScRiPt:alert('XSS')>`,
	`<img src=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)>`,
	`<a href="jav&#x09;ascript:alert(1)">tab entity link</a>`,
	`<a href="java	script:alert(1)">raw tab link</a>`,
	`<a href=" javascript:alert(1)">space link</a>`,
	`<a href="&#x6A;avascript:alert(1)">hex entity link</a>`,
	`<a href="JAVASCRIPT:alert(1)">upper link</a>`,
	`<a href="vbscript:msgbox(1)">vb link</a>`,
	`<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data link</a>`,
	`<a href="\\evil.example\x">backslash link</a>`,
	`<a href="https://good.example@evil.example/">userinfo link</a>`,
	`<a href="http://ok.example/" onclick="alert(1)" style="x:expression(alert(1))">handler link</a>`,
	`<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>`,
	`<svg><style><img src=x onerror=alert(1)></style></svg>`,
	`<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>`,
	`<svg onload=alert(1)><circle r=1 /></svg>`,
	`<iframe src="javascript:alert(1)"></iframe>`,
	`<iframe srcdoc="<script>alert(1)</script>"></iframe>`,
	`<object data="javascript:alert(1)"></object><embed src="javascript:alert(1)">`,
	`<form action="javascript:alert(1)"><input type=submit value="Go"><button formaction="javascript:alert(1)">b</button></form>`,
	`<style>body{background:url(javascript:alert(1))}</style>`,
	`<div style="background-image:url(javascript:alert(1))">styled div text</div>`,
	`<p onmouseover="alert(1)">hover paragraph</p>`,
	`<body onload=alert(1)>`,
	`<meta http-equiv="refresh" content="0;url=javascript:alert(1)">`,
	`<base href="javascript:alert(1)//">`,
	`<link rel=stylesheet href="javascript:alert(1)">`,
	`<table background="javascript:alert(1)"><tr><td>cell one</td><td>cell two</td></tr></table>`,
	`<details open ontoggle=alert(1)><summary>sum</summary>detail text</details>`,
	`<video><source onerror="alert(1)"></video><audio src=x onerror=alert(1)>`,
	`<img src="x` + "`" + `onerror=alert(1)` + "`" + `">`,
	`<img """><script>alert(1)</script>">`,
	`<scr<script>ipt>alert(1)</scr</script>ipt>`,
	`<<script>alert(1);//<</script>`,
	`<a href="#" onclick="alert(1)">hash link</a>`,
	`<img src="/media/` + strings.Repeat("a", 64) + `" onerror="alert(1)">`,
	`<template><img src=x onerror=alert(1)></template>`,
	`<textarea><script>alert(1)</script></textarea>`,
	`<xmp><script>alert(1)</script></xmp>`,
	`<pre class="language-go&quot; onmouseover=&quot;alert(1)">code</pre>`,
	`<pre class="language-x onmouseover=alert(1)">code two</pre>`,
	`<ol start="1 onclick=alert(1)"><li>item</li></ol>`,
	`<a href="http://ok.example/&quot;onmouseover=&quot;alert(1)">quote link</a>`,
	`<img src="http://ok.example/a.png&quot; onerror=&quot;alert(1)" alt="x&quot; onerror=&quot;alert(1)">`,
	`<isindex action="javascript:alert(1)" type=image>`,
	`<keygen autofocus onfocus=alert(1)>`,
	`<marquee onstart=alert(1)>marquee text</marquee>`,
	`<div>` + "\x00" + `<script>alert(1)</script></div>`,
	`<?xml version="1.0"?><html xmlns:x="urn:x"><x:script>alert(1)</x:script></html>`,
	`<!--[if gte IE 4]><script>alert(1)</script><![endif]-->`,
	`<a href="mailto:someone@example.org?body=<script>">mail link</a>`,
}

// allowedAttrs are the attributes the renderer writes, by element.
var allowedAttrs = map[string]map[string]bool{
	"a": {"href": true, "rel": true}, "img": {"src": true, "alt": true, "loading": true},
	"pre": {"class": true}, "ol": {"start": true},
}

var allowedTags = map[string]bool{"p": true, "h1": true, "h2": true, "h3": true, "h4": true, "h5": true,
	"h6": true, "ul": true, "ol": true, "li": true, "blockquote": true, "figure": true, "img": true,
	"figcaption": true, "pre": true, "code": true, "hr": true, "table": true, "tbody": true, "tr": true,
	"td": true, "th": true, "a": true, "strong": true, "em": true, "sub": true, "sup": true, "br": true,
	"html": true, "head": true, "body": true}

// checkSafe fails the test when the article HTML holds anything but
// allow-listed elements and attributes and safe addresses.
func checkSafe(t *testing.T, what, out string) {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(out))
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	visit(doc, func(n *html.Node) bool {
		if n.Type != html.ElementNode {
			return true
		}
		if !allowedTags[n.Data] || n.Namespace != "" {
			t.Errorf("%s: element <%s> in %s", what, n.Data, out)
		}
		for _, a := range n.Attr {
			ok := allowedAttrs[n.Data][a.Key] || a.Key == "data-b" || a.Key == "data-o"
			switch {
			case !ok:
				t.Errorf("%s: attribute %s on <%s> in %s", what, a.Key, n.Data, out)
			case a.Key == "href" && !(strings.HasPrefix(a.Val, "https://") || strings.HasPrefix(a.Val, "http://") || strings.HasPrefix(a.Val, "mailto:")):
				t.Errorf("%s: link %q", what, a.Val)
			case a.Key == "src" && !(strings.HasPrefix(a.Val, "https://") || strings.HasPrefix(a.Val, "http://") || article.IsMediaSrc(a.Val)):
				t.Errorf("%s: image %q", what, a.Val)
			case a.Key == "class" && (!strings.HasPrefix(a.Val, "language-") || strings.ContainsAny(a.Val, " \"'<>=")):
				t.Errorf("%s: class %q", what, a.Val)
			case a.Key == "rel" && a.Val != "noopener noreferrer":
				t.Errorf("%s: rel %q", what, a.Val)
			}
		}
		return true
	})
}

// TestSanitizer is X4: every vector, inside a real article, comes out as
// allow-listed HTML only, and converting the output again changes nothing.
func TestSanitizer(t *testing.T) {
	filler := "<p>" + strings.Repeat("The committee met again on Monday to discuss the harbour wall. ", 6) + "</p>"
	for i, v := range xssVectors {
		page := "<html><head><title>Vector " + strconv.Itoa(i) + "</title></head><body><article>" + filler + v + filler + "</article></body></html>"
		r, err := Parse([]byte(page), "https://news.example/story")
		if err != nil {
			t.Errorf("vector %d: %v", i, err)
			continue
		}
		if err := article.Check(r.Article); err != nil {
			t.Errorf("vector %d: %v", i, err)
		}
		out := r.Article.HTML()
		checkSafe(t, "vector "+strconv.Itoa(i), out)
		again, err := article.FromHTML(out, "https://news.example/story")
		if err != nil {
			t.Fatal(err)
		}
		if again.HTML() != out {
			t.Errorf("vector %d: sanitizing is not idempotent:\n%s\n%s", i, out, again.HTML())
		}
	}
}

// TestHostileMeta checks the details a page gives of itself: an endless
// title is cut, a date beyond what JSON holds is dropped, and the result
// still encodes.
func TestHostileMeta(t *testing.T) {
	body := "<article><p>" + strings.Repeat("Plain words of an ordinary article, one after another. ", 12) + "</p></article>"
	for name, head := range map[string]string{
		"long title": "<title>" + strings.Repeat("Very long title ", 5000) + "</title>",
		"far date":   `<title>T</title><meta property="article:published_time" content="99999-01-01T00:00:00Z">`,
		"old date":   `<title>T</title><meta property="article:published_time" content="0001-01-01">`,
		"bad lang":   `<title>T</title>`,
	} {
		page := `<html lang="en&quot; onclick=&quot;x"><head>` + head + "</head><body>" + body + "</body></html>"
		r, err := Parse([]byte(page), "https://news.example/a")
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		m := r.Article.Meta
		if n := len([]rune(m.Title)); n > maxMeta {
			t.Errorf("%s: title of %d code points", name, n)
		}
		if y := m.Published.Year(); !m.Published.IsZero() && (y < 1450 || y > 9999) {
			t.Errorf("%s: published %v", name, m.Published)
		}
		if m.Lang != "" {
			t.Errorf("%s: lang %q", name, m.Lang)
		}
		if _, err := json.Marshal(r.Article); err != nil {
			t.Errorf("%s: the article does not encode: %v", name, err)
		}
	}
}
