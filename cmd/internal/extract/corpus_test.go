package extract

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"margin/app/article"
	"margin/cmd/internal/extract/corpus"
)

// TestCorpus imports every page of the corpus from a loopback server and
// requires each to come out right: the title exactly, every must-sentence
// kept, every piece of furniture left out.
func TestCorpus(t *testing.T) {
	pages, err := corpus.Load("testdata/corpus")
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) < 15 {
		t.Fatalf("the corpus has %d pages; it needs at least 15", len(pages))
	}
	byPath := map[string]corpus.Page{}
	for _, p := range pages {
		byPath["/"+p.Name] = p
	}
	srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, ok := byPath[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write(p.HTML)
	}))
	e, _ := newTest(t, Config{AllowHosts: []string{srv.hostPort()}})
	var total corpus.Total
	for _, p := range pages {
		t.Run(p.Name, func(t *testing.T) {
			r, err := e.Import(context.Background(), srv.URL+"/"+p.Name)
			if err != nil {
				t.Fatal(err)
			}
			s := p.Score(r.Article.Meta.Title, r.Article.Text())
			total.Add(p, s)
			if !s.TitleOK {
				t.Errorf("title %q, want %q", r.Article.Meta.Title, p.Title)
			}
			for _, m := range s.Missing {
				t.Errorf("missing: %q", m)
			}
			for _, m := range s.Extra {
				t.Errorf("furniture kept: %q", m)
			}
			if p.Lang != "" && r.Article.Meta.Lang != p.Lang {
				t.Errorf("lang %q, want %q", r.Article.Meta.Lang, p.Lang)
			}
			if p.Dir != "" && r.Article.Meta.Dir != p.Dir {
				t.Errorf("dir %q, want %q", r.Article.Meta.Dir, p.Dir)
			}
			if err := article.Check(r.Article); err != nil {
				t.Errorf("the model does not pass article.Check: %v", err)
			}
			if t.Failed() {
				t.Logf("text:\n%s", strings.ReplaceAll(r.Article.Text(), "\n\n", "\n¶ "))
			}
		})
	}
	t.Logf("corpus: %s", total)
}
