package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/png"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"margin/cmd/internal/extract"
)

const (
	// importRuns are the timed imports of each kind, after one warm-up.
	// The end-to-end runs are 1 + importRuns imports by one reader, well
	// under the server's 30 imports a minute per user, so one account is
	// enough and no run meets a 429.
	importRuns   = 9
	importImages = 10
	// importTarget is issue 14's budget for a whole import on loopback.
	importTarget = 300.0 // ms
	importUser   = "bench-importer"
)

// importSite serves the 150 KB news page with ten images on loopback, as
// the site an article is imported from, and counts the images it sends.
type importSite struct {
	url      string // the article's address
	host     string // host:port
	pageLen  int
	imgBytes int
	first    string // sha256 hex of the first image, its /media name
	served   atomic.Int64
	srv      *http.Server
}

// newImportSite places ten images in page and serves it. The images go
// at the end of the story's body, where go-readability keeps them, and
// the page's og:image names the first (an address on the internet would
// be looked up, and fail, in every run).
func newImportSite(page []byte) (*importSite, error) {
	var figs strings.Builder
	for i := range importImages {
		fmt.Fprintf(&figs, "<figure><img src=\"/img/photo-%d.png\" alt=\"Photo %d\"><figcaption>Photo %d of the meeting.</figcaption></figure>\n", i, i, i)
	}
	withImages := strings.Replace(string(page), "</div>\n<div class=\"share-tools\">", figs.String()+"</div>\n<div class=\"share-tools\">", 1)
	withImages = strings.Replace(withImages, "https://radio-continental.example/img/stoltenberg.jpg", "/img/photo-0.png", 1)
	if !strings.Contains(withImages, "photo-9.png") || !strings.Contains(withImages, `content="/img/photo-0.png"`) {
		return nil, errors.New("import: the page's images could not be placed")
	}
	s := &importSite{pageLen: len(withImages)}
	images := map[string][]byte{}
	for i := range importImages {
		img := noisePNG(uint64(i))
		images[fmt.Sprintf("/img/photo-%d.png", i)] = img
		s.imgBytes += len(img)
		if i == 0 {
			sum := sha256.Sum256(img)
			s.first = hex.EncodeToString(sum[:])
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("import: listen: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/a/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(withImages))
	})
	mux.HandleFunc("/img/", func(w http.ResponseWriter, r *http.Request) {
		img, ok := images[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		s.served.Add(1)
		w.Header().Set("Content-Type", "image/png")
		_, _ = w.Write(img)
	})
	s.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go s.srv.Serve(ln)
	s.host = ln.Addr().String()
	s.url = "http://" + s.host + "/a/nato-inf-options/29768114.html"
	return s, nil
}

func (s *importSite) close() { s.srv.Close() }

// importFigure times a whole import of the 150 KB page with ten images:
// POST /api/import to the real server binary, which fetches the page and
// its images from the loopback site, extracts, and stores the images and
// the article in SQLite, until its 201. extract.Import alone, in this
// process, is printed beside it as the extractor's share.
func (b *bench) importFigure(ctx context.Context, page []byte) error {
	site, err := newImportSite(page)
	if err != nil {
		return err
	}
	defer site.close()
	b.step("extract: import of the 150 KB page with %d images through the API, %d runs", importImages, importRuns)
	e2e, err := b.importEndToEnd(ctx, site)
	if err != nil {
		return err
	}
	b.step("extract: extract.Import of the same page in process, %d runs", importRuns)
	alone, err := importInProcess(ctx, site)
	if err != nil {
		return err
	}
	b.rep.printf("\n  Import of the %d KB page with %d images (%d KB in all) from a loopback site, end to end:\n", site.pageLen>>10, importImages, site.imgBytes>>10)
	b.rep.printf("  POST /api/import {\"url\", \"fresh\": true} with a session cookie to margin serve (a fresh SQLite data\n")
	b.rep.printf("  folder, --allow-private-network), timed from the request to its 201: the page and every image fetched,\n")
	b.rep.printf("  extracted, the images and the article stored. One warm-up run, then %d; the in-process line is the\n", importRuns)
	b.rep.printf("  extractor's share (fetching, extraction, conversion, image checks; no API, no store).\n")
	b.rep.table("l", [][]string{
		{"import", "median", "min–max", "runs"},
		{"POST /api/import → 201", ms(e2e.median), e2e.spread(), fmt.Sprint(e2e.n)},
		{"extract.Import alone, in process", ms(alone.median), alone.spread(), fmt.Sprint(alone.n)},
	})
	b.rep.under("import 150 KB + 10 images, end to end", e2e.median, importTarget)
	return nil
}

// importEndToEnd starts margin serve on a data folder of its own, signs a
// reader up, and times their imports.
func (b *bench) importEndToEnd(ctx context.Context, site *importSite) (stats, error) {
	data, err := b.freshDir("import-margin")
	if err != nil {
		return stats{}, err
	}
	defer os.RemoveAll(data)
	m, err := b.startMargin(ctx, "import-margin", data, "--signup=open", "--allow-private-network")
	if err != nil {
		return stats{}, err
	}
	defer m.stop()
	c := newSyncClient(m.url, 2)
	defer c.close()
	cookie, err := c.account(ctx, "/api/users", importUser, syncPassword)
	if err != nil {
		return stats{}, fmt.Errorf("import: sign up: %w", err)
	}
	body, _ := json.Marshal(map[string]any{"url": site.url, "fresh": true})
	ids := map[string]bool{}
	var times []float64
	for i := 0; i <= importRuns; i++ {
		if err := ctx.Err(); err != nil {
			return stats{}, err
		}
		before := site.served.Load()
		start := time.Now()
		res, raw, err := c.do(ctx, http.MethodPost, "/api/import", cookie, body)
		d := float64(time.Since(start).Microseconds()) / 1000
		if err != nil {
			return stats{}, fmt.Errorf("import: %w", err)
		}
		if res.StatusCode != http.StatusCreated {
			return stats{}, &apiError{http.MethodPost, "/api/import", res.StatusCode, strings.TrimSpace(string(raw))}
		}
		var got struct {
			Article articleSummary `json:"article"`
		}
		if err := json.Unmarshal(raw, &got); err != nil || got.Article.ID == "" || ids[got.Article.ID] {
			return stats{}, fmt.Errorf("import: run %d answered %.200s, not a new article (%v)", i, raw, err)
		}
		ids[got.Article.ID] = true
		if n := site.served.Load() - before; n != importImages {
			return stats{}, fmt.Errorf("import: run %d fetched %d images, want %d", i, n, importImages)
		}
		if i > 0 {
			times = append(times, d)
		}
	}
	// The images were stored: the first is served from Margin's origin.
	if _, err := get(ctx, m.url+"/media/"+site.first, nil); err != nil {
		return stats{}, fmt.Errorf("import: the first image is not in the store: %w", err)
	}
	return summarize(times), nil
}

// importInProcess times extract.Import alone on the same site.
func importInProcess(ctx context.Context, site *importSite) (stats, error) {
	e := extract.New(extract.Config{AllowHosts: []string{site.host}})
	var times []float64
	for i := 0; i <= importRuns; i++ {
		start := time.Now()
		r, err := e.Import(ctx, site.url)
		d := float64(time.Since(start).Microseconds()) / 1000
		if err != nil {
			return stats{}, fmt.Errorf("import: %w", err)
		}
		if len(r.Images) != importImages {
			return stats{}, fmt.Errorf("import: %d images kept, want %d", len(r.Images), importImages)
		}
		if i > 0 {
			times = append(times, d)
		}
	}
	return summarize(times), nil
}

// noisePNG is a 96×96 PNG of pseudo-random pixels (about 27 KB, as a
// photo would not compress either), a different one for each seed.
func noisePNG(seed uint64) []byte {
	rng := rand.New(rand.NewPCG(seed, 0x1a6e))
	img := image.NewRGBA(image.Rect(0, 0, 96, 96))
	for i := range img.Pix {
		img.Pix[i] = byte(rng.IntN(256))
		if i%4 == 3 {
			img.Pix[i] = 255
		}
	}
	var b bytes.Buffer
	_ = png.Encode(&b, img)
	return b.Bytes()
}
