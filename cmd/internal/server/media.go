package server

import (
	"errors"
	"net/http"
	"strconv"

	"margin/cmd/internal/keep"
	"margin/cmd/internal/respond"
	"margin/cmd/internal/store"
)

// media serves an imported article's image by the hash of its bytes.
// Anyone may read it: the hash is of the content, unguessable without
// having the image, as on any content-addressed CDN, and an image names
// no reader. What the hash names never changes, so it is cached for good.
func (s *Server) media(w http.ResponseWriter, r *http.Request) {
	hash := r.PathValue("hash")
	if !store.ValidMediaHash(hash) {
		respond.Error(w, r, respond.NotFound("image"), errors.New("malformed media hash"))
		return
	}
	m, err := s.cfg.Store.Media(r.Context(), hash)
	if errors.Is(err, store.ErrNotFound) {
		respond.Error(w, r, respond.NotFound("image"), err)
		return
	}
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	if !keep.MediaTypes[m.Type] {
		respond.Error(w, r, respond.NotFound("image"), errors.New("stored media is not an image: "+m.Type))
		return
	}
	h := w.Header()
	h.Set("Content-Type", m.Type)
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("ETag", `"`+hash+`"`)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	if m.Type == "image/svg+xml" {
		// An SVG opened on its own is a document that could run script:
		// sandboxed, it runs nothing and has no origin.
		h.Set("Content-Security-Policy", "sandbox")
	}
	if r.Header.Get("If-None-Match") == `"`+hash+`"` {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Length", strconv.Itoa(len(m.Data)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(m.Data)
	}
}
