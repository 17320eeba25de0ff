package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
)

// shareTarget makes the installed app a target of the system's share
// sheet: a shared page or text opens the import page (app/ui's
// ImportPage) with it in the address. go-app's manifest has no field for
// it, so the manifest is go-app's with this added.
var shareTarget = map[string]any{
	"action": "/import",
	"method": "GET",
	"params": map[string]string{"title": "title", "text": "text", "url": "url"},
}

// manifestHandler answers the manifest: go-app's, made once, with the
// share target added, and go-app's headers (its type, its cache rules).
func manifestHandler(goapp http.Handler) (http.Handler, error) {
	rec := httptest.NewRecorder()
	goapp.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/manifest.webmanifest", nil))
	if rec.Code != http.StatusOK {
		return nil, fmt.Errorf("manifest: go-app answered %d", rec.Code)
	}
	var m map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil {
		return nil, fmt.Errorf("manifest: %w", err)
	}
	m["share_target"] = shareTarget
	body, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("manifest: %w", err)
	}
	header := rec.Header().Clone()
	header.Del("Content-Length")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for k, v := range header {
			w.Header()[k] = v
		}
		if etag := header.Get("ETag"); etag != "" && r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Write(body)
	}), nil
}
