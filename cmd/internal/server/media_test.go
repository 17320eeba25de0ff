package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"testing"

	"margin/cmd/internal/apitest"
	"margin/cmd/internal/store"
)

func putMedia(t *testing.T, st store.Store, typ string, data []byte) string {
	t.Helper()
	sum := sha256.Sum256(data)
	h := hex.EncodeToString(sum[:])
	if err := st.PutMedia(context.Background(), store.Media{Hash: h, Type: typ, Data: data}); err != nil {
		t.Fatal(err)
	}
	return h
}

// /media/{hash} serves stored images to anyone, cached for good, as what
// they are and nothing else; an SVG cannot run script.
//
// Images are public by hash, without a session: the hash is of the
// content, so only someone who has the image (or the article that shows
// it) can name it, as on any content-addressed CDN; an image names no
// reader, and several readers' articles share one copy.
func TestMedia(t *testing.T) {
	for _, b := range storeBackends {
		t.Run(b.name, func(t *testing.T) { testMedia(t, newAPIServerOn(t, b.open(t))) })
	}
}

func testMedia(t *testing.T, srv *apiServer) {
	ctx := context.Background()
	anon := apitest.New(srv.URL)
	png := putMedia(t, srv.Store, "image/png", pagePNG)
	svg := putMedia(t, srv.Store, "image/svg+xml", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`))
	page := putMedia(t, srv.Store, "text/html", []byte(`<script>alert(1)</script>`))

	r := must(t)(anon.Do(ctx, http.MethodGet, "/media/"+png, nil))
	if r.Status != http.StatusOK || string(r.Body) != string(pagePNG) {
		t.Fatalf("png: %d", r.Status)
	}
	for name, want := range map[string]string{
		"Content-Type":           "image/png",
		"Cache-Control":          "public, max-age=31536000, immutable",
		"X-Content-Type-Options": "nosniff",
		"ETag":                   `"` + png + `"`,
	} {
		if got := r.Header.Get(name); got != want {
			t.Errorf("png %s: %q, want %q", name, got, want)
		}
	}
	if r := must(t)(anon.Do(ctx, http.MethodGet, "/media/"+png, nil, "If-None-Match", `"`+png+`"`)); r.Status != http.StatusNotModified || len(r.Body) != 0 {
		t.Errorf("revalidation: %d", r.Status)
	}
	if r := must(t)(anon.Do(ctx, http.MethodHead, "/media/"+png, nil)); r.Status != http.StatusOK || len(r.Body) != 0 {
		t.Errorf("HEAD: %d, %d bytes", r.Status, len(r.Body))
	}

	r = must(t)(anon.Do(ctx, http.MethodGet, "/media/"+svg, nil))
	if r.Status != http.StatusOK || r.Header.Get("Content-Type") != "image/svg+xml" || r.Header.Get("Content-Security-Policy") != "sandbox" {
		t.Errorf("svg: %d, type %q, CSP %q", r.Status, r.Header.Get("Content-Type"), r.Header.Get("Content-Security-Policy"))
	}

	// What is not an image, unknown and malformed hashes: 404.
	for _, path := range []string{
		"/media/" + page,
		"/media/" + strings.Repeat("0", 64),
		"/media/" + strings.ToUpper(png),
		"/media/" + png[:63],
		"/media/" + png + "0",
		"/media/%2e%2e%2fapi",
		"/media/" + png[:60] + "%00ab",
	} {
		r := must(t)(anon.Do(ctx, http.MethodGet, path, nil))
		if r.Status != http.StatusNotFound || strings.Contains(string(r.Body), "alert") {
			t.Errorf("%s: %s", path, r)
		}
	}
	for _, m := range []string{http.MethodPost, http.MethodPut, http.MethodDelete} {
		if r := must(t)(anon.Do(ctx, m, "/media/"+png, []byte(`{}`))); r.Status < 400 {
			t.Errorf("%s /media: %d", m, r.Status)
		}
	}
}
