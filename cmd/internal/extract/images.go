package extract

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"sync"

	"margin/app/article"
)

// imageWorkers is how many images of one article are fetched at once.
const imageWorkers = 4

// imageAccept is the Accept header of an image request.
const imageAccept = "image/avif,image/webp,image/png,image/jpeg,image/gif,image/svg+xml;q=0.8,*/*;q=0.1"

// images fetches the images of a, at most MaxImages addresses and
// MaxImageBytes in all, and points each figure at its copy
// ("/media/{hash}"). An image that cannot be fetched or is not an image
// is dropped from the article, its caption kept; it never fails the
// import. The lead image (Meta.Image) is fetched last, when it is not one
// of the figures.
func (e *Extractor) images(ctx context.Context, a *article.Article) []Image {
	var srcs []string
	seen := map[string]bool{}
	add := func(src string) {
		if src != "" && !seen[src] && !article.IsMediaSrc(src) {
			seen[src] = true
			srcs = append(srcs, src)
		}
	}
	eachImage(a.Blocks, func(img *article.Image) { add(img.Src) })
	add(a.Meta.Image)
	if len(srcs) > e.cfg.MaxImages {
		e.log.Info("import: images over the limit dropped", "page", a.Meta.URL, "images", len(srcs), "limit", e.cfg.MaxImages)
		srcs = srcs[:e.cfg.MaxImages]
	}

	results := make(map[string]*Image, len(srcs)) // nil: not kept
	var mu sync.Mutex
	var total int64
	var wg sync.WaitGroup
	jobs := make(chan string)
	for range min(imageWorkers, len(srcs)) {
		wg.Go(func() {
			for src := range jobs {
				img, err := e.image(ctx, src)
				mu.Lock()
				if err == nil && total+int64(len(img.Data)) > e.cfg.MaxImageBytes {
					err = fmt.Errorf("the article's images are over %d bytes", e.cfg.MaxImageBytes)
				}
				if err != nil {
					e.log.Info("import: image dropped", "page", a.Meta.URL, "src", src, "err", err)
					results[src] = nil
				} else {
					total += int64(len(img.Data))
					results[src] = img
				}
				mu.Unlock()
			}
		})
	}
	for _, src := range srcs {
		jobs <- src
	}
	close(jobs)
	wg.Wait()

	var out []Image
	kept := map[string]bool{}
	media := func(src string) string {
		img := results[src]
		if img == nil {
			return ""
		}
		if !kept[img.Hash] {
			kept[img.Hash] = true
			out = append(out, *img)
		}
		return article.MediaPrefix + img.Hash
	}
	a.Blocks = rewriteImages(a.Blocks, media)
	if a.Meta.Image != "" && !article.IsMediaSrc(a.Meta.Image) {
		a.Meta.Image = media(a.Meta.Image)
	}
	a.Index()
	return out
}

// image fetches one image through the guard and checks by its bytes that
// it is an image of a kind Margin serves.
func (e *Extractor) image(ctx context.Context, src string) (*Image, error) {
	u, err := url.Parse(src)
	if err != nil {
		return nil, err
	}
	limit := min(e.cfg.MaxBytes, e.cfg.MaxImageBytes)
	resp, err := e.guard.fetch(ctx, u, imageAccept, limit, nil)
	if err != nil {
		return nil, err
	}
	typ := sniffImage(resp.body)
	if typ == "" {
		return nil, fmt.Errorf("%s is not an image (%s)", src, http.DetectContentType(resp.body))
	}
	sum := sha256.Sum256(resp.body)
	return &Image{Hash: hex.EncodeToString(sum[:]), Type: typ, Data: resp.body}, nil
}

// sniffImage names the type of an image by its first bytes, or returns ""
// for anything else: whatever the site's Content-Type says, only these
// are ever served as images.
func sniffImage(b []byte) string {
	switch t := http.DetectContentType(b); t {
	case "image/png", "image/jpeg", "image/gif", "image/webp":
		return t
	}
	if len(b) >= 12 && string(b[4:8]) == "ftyp" && (string(b[8:12]) == "avif" || string(b[8:12]) == "avis") {
		return "image/avif"
	}
	if isSVG(b) {
		return "image/svg+xml"
	}
	return ""
}

// isSVG reports whether b starts, after white space, an XML declaration,
// comments and a doctype, with an <svg> element.
func isSVG(b []byte) bool {
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	for range 16 {
		b = bytes.TrimLeft(b, " \t\r\n")
		var end []byte
		switch {
		case bytes.HasPrefix(b, []byte("<?")):
			end = []byte("?>")
		case bytes.HasPrefix(b, []byte("<!--")):
			end = []byte("-->")
		case bytes.HasPrefix(b, []byte("<!")):
			end = []byte(">")
		default:
			if len(b) < 5 || !bytes.EqualFold(b[:4], []byte("<svg")) {
				return false
			}
			switch b[4] {
			case ' ', '\t', '\r', '\n', '>', '/':
				return true
			}
			return false
		}
		i := bytes.Index(b, end)
		if i < 0 {
			return false
		}
		b = b[i+len(end):]
	}
	return false
}

// eachImage calls f on every figure image in blocks, nested ones included.
func eachImage(blocks []article.Block, f func(*article.Image)) {
	for i := range blocks {
		b := &blocks[i]
		if b.Image != nil {
			f(b.Image)
		}
		eachImage(b.Blocks, f)
		for j := range b.Items {
			eachImage(b.Items[j].Blocks, f)
		}
	}
}

// rewriteImages points each figure's image at media(src); where media
// gives "", the image goes, and a figure left with no caption goes too.
func rewriteImages(blocks []article.Block, media func(string) string) []article.Block {
	out := blocks[:0]
	for _, b := range blocks {
		if b.Image != nil {
			if m := media(b.Image.Src); m != "" {
				img := *b.Image
				img.Src = m
				b.Image = &img
			} else {
				b.Image = nil
				if b.Kind == article.Figure && len(b.Runs) == 0 {
					continue
				}
			}
		}
		if len(b.Blocks) > 0 {
			b.Blocks = rewriteImages(b.Blocks, media)
		}
		items := b.Items[:0]
		for _, it := range b.Items {
			it.Blocks = rewriteImages(it.Blocks, media)
			if len(it.Blocks) > 0 {
				items = append(items, it)
			}
		}
		b.Items = items
		if (b.Kind == article.Quote && len(b.Blocks) == 0) || (b.Kind == article.List && len(b.Items) == 0) {
			continue
		}
		out = append(out, b)
	}
	return out
}
