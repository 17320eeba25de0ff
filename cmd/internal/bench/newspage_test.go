package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"margin/cmd/internal/extract"
)

func TestNewsPage(t *testing.T) {
	wd, _ := os.Getwd()
	shared, err := sharedDir(wd)
	if err != nil {
		t.Skip("no seed article beside the repository:", err)
	}
	raw, err := os.ReadFile(filepath.Join(shared, "seed", "article.txt"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := parseSeed(string(raw))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(s.title, "Stoltenberg") || len(s.paragraphs) < 10 {
		t.Fatalf("seed: %q, %d paragraphs", s.title, len(s.paragraphs))
	}
	for _, scale := range []int{1, 10} {
		page := newsPage(s, scale)
		if page != newsPage(s, scale) {
			t.Error("the page is not the same twice")
		}
		t0 := time.Now()
		r, err := extract.Parse([]byte(page), "https://radio-continental.example/a/nato-inf-options/29768114.html")
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("scale %d: %d KB, %v, %d words", scale, len(page)>>10, time.Since(t0), r.Article.Meta.Words)
		text := r.Article.Text()
		for _, p := range s.paragraphs {
			if !strings.Contains(text, p) {
				t.Errorf("scale %d: paragraph %.40q lost", scale, p)
			}
		}
		for _, furniture := range []string{"Sponsored:", "Share on social media", "Related stories", "All rights reserved"} {
			if strings.Contains(text, furniture) {
				t.Errorf("scale %d: furniture %q kept", scale, furniture)
			}
		}
	}
}
