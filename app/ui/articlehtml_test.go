package ui

import (
	"strings"
	"testing"

	"margin/app/article"
)

// TestArticleHTMLDir checks that the article element carries the page's
// writing direction, and only a known one.
func TestArticleHTMLDir(t *testing.T) {
	for dir, want := range map[string]string{
		"rtl": ` dir="rtl"`, "ltr": ` dir="ltr"`, "": "", `rtl" onclick="x`: "",
	} {
		a := &article.Article{ID: "x", Meta: article.Meta{Title: "t", Lang: "ar", Dir: dir}}
		got := ArticleHTML(a)
		head := got[:strings.Index(got, ">")]
		if want != "" && !strings.Contains(head, want) || want == "" && strings.Contains(head, "dir=") {
			t.Errorf("dir %q: %s", dir, head)
		}
	}
}
