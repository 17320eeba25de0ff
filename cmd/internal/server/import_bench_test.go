package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"margin/cmd/internal/apitest"
	"margin/cmd/internal/extract"
	"margin/cmd/internal/store"
)

// BenchmarkImport150KB imports, end to end on loopback, a news page of
// about 150 KB with 10 distinct images: the request, the fetch, the
// extraction, the images stored and the article written (a fresh copy
// each time, so every run writes). The budget is 300 ms.
func BenchmarkImport150KB(b *testing.B) {
	var imgs [][]byte
	for i := range 10 {
		m := image.NewRGBA(image.Rect(0, 0, 64, 48))
		for x := range 64 {
			m.Set(x, i, color.RGBA{uint8(i * 20), uint8(x), 90, 255})
		}
		var buf bytes.Buffer
		png.Encode(&buf, m)
		imgs = append(imgs, buf.Bytes())
	}
	var page strings.Builder
	page.WriteString(`<!doctype html><html lang="en"><head><title>A Long Report</title></head><body><nav>`)
	for i := range 200 {
		fmt.Fprintf(&page, `<a href="/section/%d">Section %d</a> `, i, i)
	}
	page.WriteString(`</nav><article><h1>A Long Report</h1>`)
	para := "<p>" + strings.Repeat("The council met again on Tuesday to hear the reports from every ward, and the discussion went on well into the evening. ", 6) + "</p>\n"
	for i := 0; page.Len() < 150_000; i++ {
		page.WriteString(para)
		if i%8 == 0 && i/8 < 10 {
			fmt.Fprintf(&page, `<figure><img src="/img/%d.png" alt="Picture %d"><figcaption>Picture %d.</figcaption></figure>`, i/8, i/8, i/8)
		}
	}
	page.WriteString(`</article><footer>Comments</footer></body></html>`)
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var n int
		if _, err := fmt.Sscanf(r.URL.Path, "/img/%d.png", &n); err == nil && n >= 0 && n < len(imgs) {
			w.Header().Set("Content-Type", "image/png")
			w.Write(imgs[n])
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(page.String()))
	}))
	defer site.Close()
	su, _ := url.Parse(site.URL)
	st, err := store.Open(context.Background(), store.Options{Path: filepath.Join(b.TempDir(), "margin.db")})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	s, err := New(Config{Articles: lib, Web: webFS(), Store: st, Hasher: cheap, Log: discard,
		Importer: extract.New(extract.Config{AllowHosts: []string{su.Host}}),
		Limits:   Limits{ImportsPerUser: 1 << 30}})
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(s)
	defer srv.Close()
	c := apitest.New(srv.URL)
	if r, err := c.SignUp(context.Background(), "bench", password); err != nil || r.Status != http.StatusCreated {
		b.Fatalf("sign up: %v %v", r, err)
	}
	var last *apitest.Response
	for b.Loop() {
		r, err := c.JSON(context.Background(), http.MethodPost, "/api/import", map[string]any{"url": site.URL + "/report", "fresh": true})
		if err != nil || r.Status != http.StatusCreated {
			b.Fatalf("import: %v %v", r, err)
		}
		last = r
	}
	b.StopTimer()
	// What was measured kept the article and its ten images.
	var out importResponse
	json.Unmarshal(last.Body, &out)
	art, err := c.Do(context.Background(), http.MethodGet, "/api/articles/"+out.Article.ID, nil)
	if err != nil || art.Status != http.StatusOK || strings.Count(string(art.Body), `"/media/`) != 10 || out.Article.Meta.Words < 10000 {
		b.Fatalf("the imported article: %d words, %d images", out.Article.Meta.Words, strings.Count(string(art.Body), `"/media/`))
	}
}
