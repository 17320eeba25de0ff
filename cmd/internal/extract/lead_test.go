package extract

import (
	"strings"
	"testing"

	"margin/app/article"
)

// TestLeadFigure checks that a story's opening figure, outside the body
// go-readability chooses, is put back, and only where it belongs.
func TestLeadFigure(t *testing.T) {
	body := strings.Repeat("<p>"+strings.Repeat("The council met and talked about the harbour wall for hours. ", 4)+"</p>", 5)
	lead := `<figure><img src="/lead.jpg" alt="Lead"><figcaption>The lead caption.</figcaption></figure>`
	for name, c := range map[string]struct {
		page string
		want bool
	}{
		"in the story's header":  {`<article><header><h1>T</h1>` + lead + `</header><div class="body">` + body + `</div></article>`, true},
		"after the text started": {`<article><div class="body">` + body + `</div><div class="x">` + lead + `</div></article>`, false},
		"in another card":        {`<div class="cards"><article>` + lead + `<p>A short card.</p></article></div><article><div class="body">` + body + `</div></article>`, false},
		"body has its own": {`<article><header>` + lead + `</header><div class="body">` + body +
			`<figure><img src="/own.jpg"><figcaption>Its own.</figcaption></figure>` + body + `</div></article>`, false},
	} {
		r, err := Parse([]byte("<html><body>"+c.page+"</body></html>"), "https://news.example/a")
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got := strings.Contains(r.Article.Text(), "The lead caption.")
		if got != c.want {
			t.Errorf("%s: lead caption kept %v, want %v", name, got, c.want)
		}
		n := 0
		eachImage(r.Article.Blocks, func(img *article.Image) {
			if img.Src == "https://news.example/lead.jpg" {
				n++
			}
		})
		if n > 1 {
			t.Errorf("%s: the lead image is in the article %d times", name, n)
		}
	}
}
