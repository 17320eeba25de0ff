package server

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"margin/cmd/internal/extract"
)

// pagePNG is a 1×1 PNG, the image of the test article.
var pagePNG = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa75\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82")

// storyText is a sentence of the test article that must reach the reader.
const storyText = "The harbour master counted forty boats before noon"

// pageServer serves the pages the import tests fetch, on loopback, and
// counts what is asked of it.
type pageServer struct {
	*httptest.Server
	hits atomic.Int64
	// slowStarted is closed when /slow is asked for; slowCancelled when
	// that request's context ends (the fetcher hung up).
	slowStarted, slowCancelled chan struct{}
	// redirectTo is where /redirect sends its asker.
	redirectTo string
}

func newPageServer(t *testing.T) *pageServer {
	t.Helper()
	ps := &pageServer{slowStarted: make(chan struct{}), slowCancelled: make(chan struct{})}
	var slowOnce atomic.Bool
	mux := http.NewServeMux()
	story := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><html lang="en"><head><title>Harbour Days | The Coast Paper</title>
<meta property="og:title" content="Harbour Days">
<link rel="canonical" href="%s/story">
<script>alert("never")</script></head><body>
<nav><a href="/">Home</a> <a href="/sport">Sport</a></nav>
<article><h1>Harbour Days</h1>
<p>%s, and by evening the quay was full of nets, crates and people who had come down to watch the catch come in.</p>
<figure><img src="/photo.png" alt="Boats at the quay"><figcaption>Boats at the quay.</figcaption></figure>
<p>Nobody in the town could remember a season like it. The fish market stayed open late, and the cafés along the front ran out of bread long before the last boat tied up.</p>
<p>Fishermen who had talked of selling their boats were, for the first time in years, talking about mending them instead, and the chandler took orders for rope until dark.</p>
<p onclick="steal()">Tomorrow the weather turns, they say, and the boats will stay in; but for one day the harbour was what it had been when their grandparents were young.</p>
</article><footer>Comments (12) · Subscribe to our newsletter</footer></body></html>`, ps.URL, storyText)
	}
	mux.HandleFunc("GET /story", story)
	mux.HandleFunc("GET /story-alias", story) // the same page, its canonical link says

	mux.HandleFunc("GET /photo.png", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		w.Write(pagePNG)
	})
	mux.HandleFunc("GET /long", func(w http.ResponseWriter, r *http.Request) {
		// About 2 MB of article text: under the page limit, over what one
		// synced field holds.
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, `<!doctype html><html><head><title>Endless</title></head><body><article><h1>Endless</h1>`)
		para := "<p>" + strings.Repeat("This sentence goes on and on so that the article grows long. ", 20) + "</p>\n"
		for range 1600 {
			io.WriteString(w, para)
		}
		io.WriteString(w, `</article></body></html>`)
	})
	mux.HandleFunc("GET /redirect", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, ps.redirectTo, http.StatusFound)
	})
	mux.HandleFunc("GET /slow", func(w http.ResponseWriter, r *http.Request) {
		if !slowOnce.Swap(true) {
			close(ps.slowStarted)
			<-r.Context().Done()
			close(ps.slowCancelled)
		}
	})
	ps.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ps.hits.Add(1)
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(ps.Close)
	return ps
}

// testImporter returns the importer the import tests use: the real
// extractor, allowed to fetch from the page server's loopback address
// only.
func testImporter(t *testing.T, ps *pageServer) extract.Importer {
	t.Helper()
	u, err := url.Parse(ps.URL)
	if err != nil {
		t.Fatal(err)
	}
	return extract.New(extract.Config{AllowHosts: []string{u.Host}})
}
