package extract

import (
	"strings"
	"testing"

	"margin/app/article"
)

// FuzzExtract feeds any bytes to Parse: it must not panic, and whatever
// it returns must be an article that article.Check accepts, whose HTML
// converts back to itself.
func FuzzExtract(f *testing.F) {
	// Small seeds: the fuzzer minimizes every input that finds new code,
	// and whole corpus pages make that take minutes.
	f.Add([]byte(latin1Page))
	f.Add([]byte(`<html lang=ar dir=rtl><head><link rel=canonical href=/c><meta property="og:image" content=/i.png></head>` +
		`<body><nav>menu</nav><article><h1>T</h1><p>` + strings.Repeat("word ", 60) + `<sup><a href="#fn1">1</a></sup></p>` +
		`<picture><source srcset="a.webp 2x"><img data-src=b.jpg srcset="c.jpg 10w"></picture><div class=newsletter>x</div>` +
		`</article><div class=footnotes><p id=fn1>note</p></div></body></html>`))
	for _, v := range xssVectors {
		f.Add([]byte("<article><p>" + v + "</p></article>"))
	}
	f.Fuzz(func(t *testing.T, page []byte) {
		r, err := Parse(page, "https://fuzz.example/page")
		if err != nil {
			if _, ok := AsError(err); !ok {
				t.Fatalf("%v is not an *extract.Error", err)
			}
			return
		}
		if err := article.Check(r.Article); err != nil {
			t.Fatal(err)
		}
		out := r.Article.HTML()
		again, err := article.FromHTML(out, "https://fuzz.example/page")
		if err != nil {
			t.Fatal(err)
		}
		if again.HTML() != out {
			t.Fatalf("the article's HTML does not convert back to itself:\n%s\n%s", out, again.HTML())
		}
	})
}
