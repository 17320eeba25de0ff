package extract

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"margin/app/article"
)

// tinyPNG is a 1×1 PNG.
func tinyPNG() []byte { return pngOf(1, color.RGBA{200, 40, 40, 255}) }

// pngOf is a w×w PNG of one colour; different colours make different hashes.
func pngOf(w int, c color.Color) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, w))
	for x := range w {
		for y := range w {
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	_ = png.Encode(&b, img)
	return b.Bytes()
}

// Image bytes of each kind the importer keeps, as small as sniffing allows.
var (
	webpBytes = []byte("RIFF\x1a\x00\x00\x00WEBPVP8 \x0e\x00\x00\x00\x30\x01\x00\x9d\x01\x2a\x01\x00\x01\x00")
	avifBytes = []byte("\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf")
	gifBytes  = []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;")
	jpegBytes = []byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9")
	svgBytes  = []byte(`<?xml version="1.0"?><!-- a dot --><svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"><circle r="1"/></svg>`)
)

func TestSniffImage(t *testing.T) {
	for want, b := range map[string][]byte{
		"image/png": tinyPNG(), "image/webp": webpBytes, "image/avif": avifBytes, "image/gif": gifBytes,
		"image/jpeg": jpegBytes, "image/svg+xml": svgBytes, "": []byte("<html><body>not an image"),
	} {
		if got := sniffImage(b); got != want {
			t.Errorf("sniffImage(%.20q) = %q, want %q", b, got, want)
		}
	}
	for _, b := range []string{"", "<svgfoo>", "<?xml", "<!-- <svg>", "<html><svg></svg></html>", "\x00\x00\x00\x1cftypmp42"} {
		if got := sniffImage([]byte(b)); got != "" {
			t.Errorf("sniffImage(%q) = %q, want nothing", b, got)
		}
	}
}

const imagesPage = `<html><head><title>Pictures of the harbour</title>
<meta property="og:image" content="/i/lead.png"></head><body><article><h1>Pictures of the harbour</h1>
<p>The harbour has been photographed more than any other place on this coast, and every photographer seems to find a new angle on the same boats.</p>
<figure><img srcset="/i/small.png 100w, /i/big.png 800w, /i/medium.png 400w" alt="Boats"><figcaption>Boats at rest in the evening.</figcaption></figure>
<figure><img class="lazyload" src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" data-src="/i/lazy.gif" alt="Nets"><figcaption>Nets drying on the quay.</figcaption></figure>
<figure><picture><source type="image/webp" srcset="/i/p1.webp 1x, /i/p2.webp 2x"><img src="/i/fallback.png" alt="Gulls"></picture><figcaption>Gulls over the breakwater.</figcaption></figure>
<figure><img src="/i/not-an-image.png" alt="Broken"><figcaption>This caption stays without its picture.</figcaption></figure>
<figure><img src="/i/missing.png" alt="Gone"></figure>
<figure><img src="http://10.0.0.1/private.png" alt="Private"></figure>
<figure><img src="/i/mark.svg" alt="Mark"><figcaption>The harbour master's mark.</figcaption></figure>
<figure><img src="/i/photo.avif" alt="Avif"></figure>
<figure><img src="/i/photo.jpg" alt="Jpeg"></figure>
<p>In winter the light is low all day, and the boats throw long shadows across the water even at noon, which is why so many of these pictures were taken in January.</p>
</article></body></html>`

// imageServer serves imagesPage and its images, counting each path.
func imageServer(t *testing.T) (*counted, *sync.Map) {
	hits := &sync.Map{}
	files := map[string][]byte{
		"/i/big.png": pngOf(3, color.RGBA{1, 2, 3, 255}), "/i/small.png": pngOf(1, color.RGBA{4, 5, 6, 255}),
		"/i/medium.png": pngOf(2, color.RGBA{7, 8, 9, 255}), "/i/lazy.gif": gifBytes, "/i/p2.webp": webpBytes,
		"/i/p1.webp": append([]byte{}, webpBytes...), "/i/fallback.png": tinyPNG(), "/i/mark.svg": svgBytes,
		"/i/photo.avif": avifBytes, "/i/photo.jpg": jpegBytes, "/i/lead.png": pngOf(4, color.RGBA{9, 9, 9, 255}),
		"/i/not-an-image.png": []byte("<html><body>Sorry, hotlinking is not allowed.</body></html>"),
	}
	srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, _ := hits.LoadOrStore(r.URL.Path, new(atomic.Int64))
		n.(*atomic.Int64).Add(1)
		if r.URL.Path == "/page" {
			htmlHandler(imagesPage).ServeHTTP(w, r)
			return
		}
		b, ok := files[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "image/png") // sites lie; the bytes decide
		_, _ = w.Write(b)
	}))
	return srv, hits
}

func hitsOf(m *sync.Map, path string) int64 {
	n, ok := m.Load(path)
	if !ok {
		return 0
	}
	return n.(*atomic.Int64).Load()
}

// TestImages checks that images are chosen, fetched, checked and
// rewritten to Margin's own addresses, and that a failing image costs the
// article only that image.
func TestImages(t *testing.T) {
	srv, hits := imageServer(t)
	e, _ := newTest(t, Config{AllowHosts: []string{srv.hostPort()}})
	r, err := e.Import(context.Background(), srv.URL+"/page")
	if err != nil {
		t.Fatal(err)
	}
	a := r.Article
	if err := article.Check(a); err != nil {
		t.Fatalf("the article fails article.Check: %v", err)
	}
	types := map[string]bool{}
	byHash := map[string]Image{}
	for _, img := range r.Images {
		sum := sha256.Sum256(img.Data)
		if hex.EncodeToString(sum[:]) != img.Hash {
			t.Errorf("image %s: the hash is not its bytes' SHA-256", img.Hash)
		}
		types[img.Type] = true
		byHash[img.Hash] = img
	}
	for _, want := range []string{"image/png", "image/gif", "image/webp", "image/svg+xml", "image/avif", "image/jpeg"} {
		if !types[want] {
			t.Errorf("no %s among the images", want)
		}
	}
	if len(r.Images) != 7 { // big, lazy, p2, mark, avif, jpeg and the lead
		t.Errorf("%d images, want 7", len(r.Images))
	}
	figures := 0
	eachImage(a.Blocks, func(img *article.Image) {
		figures++
		if !article.IsMediaSrc(img.Src) {
			t.Errorf("image source %q is not Margin's own", img.Src)
		} else if _, ok := byHash[strings.TrimPrefix(img.Src, article.MediaPrefix)]; !ok {
			t.Errorf("image source %q names no image of the result", img.Src)
		}
	})
	if figures != 6 {
		t.Errorf("%d figures with images, want 6", figures)
	}
	if !article.IsMediaSrc(a.Meta.Image) {
		t.Errorf("the lead image is %q", a.Meta.Image)
	}
	for path, want := range map[string]int64{"/i/big.png": 1, "/i/small.png": 0, "/i/medium.png": 0,
		"/i/lazy.gif": 1, "/i/p2.webp": 1, "/i/p1.webp": 0, "/i/fallback.png": 0} {
		if got := hitsOf(hits, path); got != want {
			t.Errorf("%s fetched %d times, want %d", path, got, want)
		}
	}
	text := a.Text()
	for _, s := range []string{"This caption stays without its picture.", "Boats at rest in the evening.", "The harbour master's mark."} {
		if !strings.Contains(text, s) {
			t.Errorf("caption %q lost", s)
		}
	}
	page := a.HTML()
	if strings.Count(page, `<img src="/media/`) != 6 || strings.Contains(page, "http://") {
		t.Errorf("the rendered article does not show exactly its own six images:\n%s", page)
	}
	if !strings.Contains(page, `alt="Boats"`) {
		t.Error("alt text lost")
	}
}

func TestImageLimits(t *testing.T) {
	srv, hits := imageServer(t)
	e, _ := newTest(t, Config{AllowHosts: []string{srv.hostPort()}, MaxImages: 2})
	r, err := e.Import(context.Background(), srv.URL+"/page")
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Images) > 2 {
		t.Errorf("%d images with MaxImages 2", len(r.Images))
	}
	fetched := int64(0)
	hits.Range(func(k, v any) bool {
		if strings.HasPrefix(k.(string), "/i/") {
			fetched += v.(*atomic.Int64).Load()
		}
		return true
	})
	if fetched > 2 {
		t.Errorf("%d image requests with MaxImages 2", fetched)
	}

	// The bytes of all images together are bounded too.
	small, _ := newTest(t, Config{AllowHosts: []string{srv.hostPort()}, MaxImageBytes: 200})
	r, err = small.Import(context.Background(), srv.URL+"/page")
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, img := range r.Images {
		total += len(img.Data)
	}
	if total > 200 || len(r.Images) == 0 {
		t.Errorf("%d images of %d bytes in all with MaxImageBytes 200", len(r.Images), total)
	}
	if err := article.Check(r.Article); err != nil {
		t.Error(err)
	}
}

// TestFromHTML imports a page as a browser showed it: its images are
// fetched the same way, and the page itself is never requested.
func TestFromHTML(t *testing.T) {
	srv, hits := imageServer(t)
	e, _ := newTest(t, Config{AllowHosts: []string{srv.hostPort()}})
	r, err := e.FromHTML(context.Background(), []byte(imagesPage), srv.URL+"/page?utm_source=x#top")
	if err != nil {
		t.Fatal(err)
	}
	if hitsOf(hits, "/page") != 0 {
		t.Error("FromHTML fetched the page")
	}
	if len(r.Images) != 7 {
		t.Errorf("%d images, want 7", len(r.Images))
	}
	if r.URL != srv.URL+"/page" {
		t.Errorf("URL %q", r.URL)
	}
	_, err = e.FromHTML(context.Background(), make([]byte, 10<<20+1), srv.URL)
	wantKind(t, "11 MB of HTML", err, KindTooLarge)
	_, err = e.FromHTML(context.Background(), []byte(imagesPage), "javascript:alert(1)")
	wantKind(t, "javascript: page", err, KindBadURL)
}
