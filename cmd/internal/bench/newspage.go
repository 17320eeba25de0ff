package main

import (
	"fmt"
	"html"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// The extraction part measures on a news page made here: the seed article
// (../shared/seed/article.txt) in the furniture a news site wraps around
// one, a navigation menu, advertisements, related links, a comment thread
// and a footer, with the inline script and style such pages carry. The
// same seed gives the same page every run.

// seedArticle is the seed's headline, picture caption and paragraphs. The
// file starts with the page's own furniture ("Accessibility links",
// "Breaking News"), then the headline, then the caption twice.
type seedArticle struct {
	title, caption string
	paragraphs     []string
}

func parseSeed(text string) (seedArticle, error) {
	var lines []string
	for _, l := range strings.Split(text, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	if len(lines) < 8 || lines[0] != "Accessibility links" {
		return seedArticle{}, fmt.Errorf("the seed article does not start as expected (%d lines)", len(lines))
	}
	s := seedArticle{title: lines[2], caption: lines[3]}
	for _, l := range lines[4:] {
		if l != s.caption {
			s.paragraphs = append(s.paragraphs, l)
		}
	}
	return s, nil
}

// newsPage writes the page: scale 1 is about 150 KB, and scale 10 has ten
// times the article (the seed followed by made-up paragraphs) and ten
// times the furniture.
func newsPage(s seedArticle, scale int) string {
	g := &textGen{rng: rand.New(rand.NewPCG(uint64(scale), 0x5eed))}
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	esc := html.EscapeString
	w("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
	w("<title>%s | Radio Continental</title>\n", esc(s.title))
	w("<meta property=\"og:title\" content=\"%s\">\n<meta property=\"og:site_name\" content=\"Radio Continental\">\n", esc(s.title))
	w("<meta property=\"og:url\" content=\"https://radio-continental.example/a/nato-inf-options/29768114.html\">\n")
	w("<meta property=\"og:image\" content=\"https://radio-continental.example/img/stoltenberg.jpg\">\n")
	w("<meta name=\"author\" content=\"Radio Continental staff\">\n<meta property=\"article:published_time\" content=\"2019-02-13T18:20:00Z\">\n")
	for i := range 12 * scale {
		w("<link rel=\"preload\" href=\"/static/chunk-%d.js\" as=\"script\">\n", i)
	}
	w("<style>\n")
	for i := range 120 * scale {
		w(".c%d{margin:%dpx;padding:%dpx %dpx;color:#%03x}\n", i, i%17, i%9, i%13, i*37%4096)
	}
	w("</style>\n<script>\nwindow.__CONFIG__ = {\"sections\": [")
	for i := range 80 * scale {
		w("{\"id\":%d,\"slug\":\"section-%d\",\"ads\":[\"slot-%d-a\",\"slot-%d-b\"]},", i, i, i, i)
	}
	w("{}]};\n(function(){var q=window.adq=window.adq||[];q.push(['init',{site:'rc'}]);})();\n</script>\n</head>\n<body class=\"article-page\">\n")
	w("<a class=\"skip\" href=\"#content\">Accessibility links</a>\n<div class=\"breaking\">Breaking News</div>\n")
	w("<header class=\"site-header\"><a class=\"logo\" href=\"/\">Radio Continental</a>\n<nav class=\"mega-menu\"><ul>\n")
	for i := range 60 * scale {
		w("<li><a href=\"/section/%d\">%s</a></li>\n", i, esc(strings.Join(g.heading(), " ")))
	}
	w("</ul></nav></header>\n")
	ad := func(slot string) {
		w("<div class=\"ad-slot ad-%s\" id=\"div-gpt-ad-%s\"><span class=\"ad-label\">Advertisement</span>", slot, slot)
		w("<script>adq.push(['display','%s']);</script><a href=\"https://ads.example/c?s=%s\">Sponsored: %s</a></div>\n",
			slot, slot, esc(strings.Join(g.sentence(8), " ")))
	}
	ad("top")
	w("<main id=\"content\"><div class=\"layout\">\n<article class=\"story\">\n<h1 class=\"headline\">%s</h1>\n", esc(s.title))
	w("<p class=\"byline\">By Radio Continental staff · <time datetime=\"2019-02-13\">February 13, 2019</time></p>\n")
	w("<figure class=\"lead\"><img src=\"/img/stoltenberg.jpg\" srcset=\"/img/stoltenberg-640.jpg 640w, /img/stoltenberg-1280.jpg 1280w\" alt=\"Jens Stoltenberg\"><figcaption>%s</figcaption></figure>\n", esc(s.caption))
	w("<div class=\"story-body\">\n")
	paras := s.paragraphs
	for i := 1; i < scale; i++ {
		for range len(s.paragraphs) {
			paras = append(paras, strings.Join(g.paragraph(40+g.rng.IntN(60)), " "))
		}
	}
	for i, p := range paras {
		w("<p>%s</p>\n", inlineHTML(p))
		switch {
		case i%8 == 3:
			ad(fmt.Sprintf("in%d", i))
		case i%16 == 6:
			w("<aside class=\"related-inline\"><h4>Read more</h4><ul>")
			for j := range 3 {
				w("<li><a href=\"/a/%d-%d\">%s</a></li>", i, j, esc(strings.Join(g.heading(), " ")))
			}
			w("</ul></aside>\n")
		}
	}
	w("</div>\n<div class=\"share-tools\"><a href=\"https://social.example/share\">Share on social media</a> <a href=\"mailto:?subject=story\">Email this story</a></div>\n</article>\n")
	w("<aside class=\"sidebar\"><div class=\"most-read\"><h3>Most popular</h3><ol>\n")
	for i := range 10 * scale {
		w("<li><a href=\"/popular/%d\">%s</a></li>\n", i, esc(strings.Join(g.sentence(9), " ")))
	}
	w("</ol></div>\n")
	ad("side")
	w("</aside>\n</div>\n<section class=\"related\"><h2>Related stories</h2><ul>\n")
	for i := range 24 * scale {
		w("<li class=\"card\"><a href=\"/related/%d\"><img src=\"/thumbs/%d.jpg\" alt=\"\"><span>%s</span></a><p>%s</p></li>\n",
			i, i, esc(strings.Join(g.sentence(10), " ")), esc(strings.Join(g.sentence(18), " ")))
	}
	w("</ul></section>\n<section id=\"comments\" class=\"comments\"><h2>Comments</h2>\n")
	for i := range 250 * scale {
		w("<div class=\"comment\" id=\"c%d\"><p class=\"comment-author\">reader%d</p><time>2 hours ago</time><p>%s</p>"+
			"<a class=\"reply\" href=\"#reply-%d\">Reply</a> <a class=\"flag\" href=\"#flag-%d\">Report</a></div>\n",
			i, i*7919%10000, inlineHTML(strings.Join(g.paragraph(20+g.rng.IntN(50)), " ")), i, i)
	}
	w("</section>\n</main>\n<footer class=\"site-footer\"><ul>\n")
	for i := range 80 * scale {
		w("<li><a href=\"/info/%d\">%s</a></li>\n", i, esc(strings.Join(g.heading(), " ")))
	}
	w("</ul><p>© Radio Continental. All rights reserved.</p></footer>\n</body>\n</html>\n")
	return b.String()
}

var (
	emphasis = regexp.MustCompile(`\*([^*\s]+)\*`)
	mdLink   = regexp.MustCompile(`\[([^\]]+)\]\(([^)\s]+)\)`)
)

// inlineHTML escapes a paragraph of made-up text and turns its Markdown
// emphasis and links into HTML.
func inlineHTML(p string) string {
	p = html.EscapeString(p)
	p = emphasis.ReplaceAllString(p, "<em>$1</em>")
	return mdLink.ReplaceAllString(p, `<a href="$2">$1</a>`)
}

// sharedDir finds the folder shared beside the repository (the seed
// article, the anchoring reference): "shared" in the nearest folder above
// start that has one with seed/article.txt in it, so the bench runs from
// the main checkout and from a worktree further down alike.
func sharedDir(start string) (string, error) {
	for dir := start; ; {
		cand := filepath.Join(dir, "shared")
		if _, err := os.Stat(filepath.Join(cand, "seed", "article.txt")); err == nil {
			return cand, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no shared/seed/article.txt in any folder above %s", start)
		}
		dir = parent
	}
}
