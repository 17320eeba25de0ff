package ui

import (
	"strings"
	"testing"

	"margin/app/article"
)

// TestArticleHTMLDir checks that the article element carries the page's
// writing direction, only a known one, once, and the language's when the
// page gave none.
func TestArticleHTMLDir(t *testing.T) {
	for _, c := range []struct{ lang, dir, want string }{
		{"en", "rtl", ` dir="rtl"`}, {"en", "ltr", ` dir="ltr"`}, {"en", "", ""}, {"en", `rtl" onclick="x`, ""},
		{"ar", "", ` dir="rtl"`}, {"ar", "ltr", ` dir="ltr"`}, {"he", "rtl", ` dir="rtl"`}, {"", "", ""},
	} {
		a := &article.Article{ID: "x", Meta: article.Meta{Title: "t", Lang: c.lang, Dir: c.dir}}
		got := ArticleHTML(a)
		head := got[:strings.Index(got, ">")]
		if strings.Count(head, "dir=") > 1 || c.want != "" && !strings.Contains(head, c.want) || c.want == "" && strings.Contains(head, "dir=") {
			t.Errorf("lang %q, dir %q: %s", c.lang, c.dir, head)
		}
	}
}
