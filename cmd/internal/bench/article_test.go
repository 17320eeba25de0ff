package main

import (
	"regexp"
	"strings"
	"testing"
)

func TestGenerateArticle(t *testing.T) {
	md := generateArticle("Title", 20000, 7)
	if md != generateArticle("Title", 20000, 7) {
		t.Fatal("the same seed gave two articles")
	}
	if !strings.HasPrefix(md, "---\ntitle: Title\n---\n\n") {
		t.Fatalf("front matter: %.40q", md)
	}
	body := strings.SplitN(md, "---\n", 3)[2]
	words := 0
	for _, w := range strings.Fields(body) {
		if w != "##" && w != "-" && w != ">" {
			words++
		}
	}
	if words != 20000 {
		t.Errorf("%d words, want 20000", words)
	}
	paragraphs := len(regexp.MustCompile(`(?m)^[A-Z*\[]`).FindAllString(body, -1))
	for _, want := range []string{"\n## ", "\n- ", "\n> "} {
		if !strings.Contains(body, want) {
			t.Errorf("no %q in the article", want)
		}
	}
	if paragraphs < 300 {
		t.Errorf("%d paragraphs, want several hundred", paragraphs)
	}
}
