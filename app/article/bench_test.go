//go:build !(js && wasm)

package article

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// longArticle builds an article of about n words with varied blocks.
func longArticle(b *testing.B, n int) *Article {
	b.Helper()
	var s strings.Builder
	for i := 0; s.Len() < n*6; i++ {
		fmt.Fprintf(&s, "<h2>Section %d</h2><p>Some <em>text</em> with a <a href=\"/l%d\">link</a> and <b>bold</b> words, ", i, i)
		s.WriteString(strings.Repeat("more plain words in the paragraph ", 8))
		s.WriteString("</p><ul><li>one</li><li>two</li></ul><pre>code\n\tblock</pre>")
	}
	a, err := FromHTML(s.String(), "https://example.com/")
	if err != nil {
		b.Fatal(err)
	}
	return a
}

func BenchmarkRender20k(b *testing.B) {
	a := longArticle(b, 20000)
	b.ReportAllocs()
	for b.Loop() {
		_ = a.HTML()
	}
}

func BenchmarkFromHTML(b *testing.B) {
	src, err := os.ReadFile("testdata/input/article.html")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := FromHTML(string(src), goldenBase); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFromMarkdown(b *testing.B) {
	src, err := os.ReadFile("testdata/input/post.md")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := FromMarkdown(string(src)); err != nil {
			b.Fatal(err)
		}
	}
}
