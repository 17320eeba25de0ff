package respond

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

type message struct {
	ID     int64                      `json:"id"`
	Note   string                     `json:"note"`
	Fields map[string]json.RawMessage `json:"fields,omitempty"`
	List   []any                      `json:"list,omitempty"`
}

func TestDecodeJSON(t *testing.T) {
	for _, tc := range []struct {
		name, contentType, body string
		status                  int
		code                    string
	}{
		{"valid", "application/json", `{"id":1,"note":"n","fields":{"a":{"b":[1,2]}}}`, 200, ""},
		{"valid with charset", "application/json; charset=utf-8", `{"id":1}`, 200, ""},
		{"whitespace after", "application/json", "{\"id\":1}\n\t ", 200, ""},
		{"text/plain", "text/plain", `{"id":1}`, 415, "unsupported_media_type"},
		{"form", "application/x-www-form-urlencoded", `id=1`, 415, "unsupported_media_type"},
		{"no content type", "", `{"id":1}`, 415, "unsupported_media_type"},
		{"too large", "application/json", `{"note":"` + strings.Repeat("x", 1024) + `"}`, 413, "too_large"},
		{"unknown field", "application/json", `{"id":1,"colour":"red"}`, 400, "bad_json"},
		{"case variant alone", "application/json", `{"ID":1}`, 400, "bad_json"},
		{"case variant duplicate", "application/json", `{"id":1,"ID":2}`, 400, "bad_json"},
		{"duplicate", "application/json", `{"id":1,"id":2}`, 400, "bad_json"},
		{"duplicate inside a raw value", "application/json", `{"fields":{"a":{"x":1,"x":2}}}`, 400, "bad_json"},
		{"trailing value", "application/json", `{"id":1}{"id":2}`, 400, "bad_json"},
		{"trailing garbage", "application/json", `{"id":1} x`, 400, "bad_json"},
		{"invalid UTF-8", "application/json", "{\"note\":\"a\xffb\"}", 400, "bad_json"},
		{"lone surrogate escape", "application/json", `{"note":"\ud800"}`, 400, "bad_json"},
		{"wrong type", "application/json", `{"id":"1"}`, 400, "bad_json"},
		{"empty", "application/json", ``, 400, "bad_json"},
		{"too deep", "application/json", `{"list":` + strings.Repeat("[", MaxDepth) + strings.Repeat("]", MaxDepth) + `}`, 400, "bad_json"},
		{"deep but allowed", "application/json", `{"list":` + strings.Repeat("[", MaxDepth-1) + strings.Repeat("]", MaxDepth-1) + `}`, 200, ""},
		{"brackets in strings do not count", "application/json", `{"note":"` + strings.Repeat("[", 500) + `"}`, 200, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, "/x", strings.NewReader(tc.body))
			if tc.contentType != "" {
				r.Header.Set("Content-Type", tc.contentType)
			}
			w := httptest.NewRecorder()
			var m message
			ok := DecodeJSON(w, r, 1024, &m)
			if ok != (tc.status == 200) {
				t.Fatalf("DecodeJSON = %v, want %v (%s)", ok, tc.status == 200, w.Body)
			}
			if ok {
				return
			}
			var p Problem
			if w.Code != tc.status || json.Unmarshal(w.Body.Bytes(), &p) != nil || p.Code != tc.code || p.Message == "" {
				t.Errorf("answer %d %s, want %d with code %q", w.Code, w.Body, tc.status, tc.code)
			}
		})
	}
}

// A body nesting 100,000 levels is refused before the decoder walks it.
func TestDecodeJSONDeepNestingIsCheap(t *testing.T) {
	body := strings.Repeat("[", 100_000)
	start := time.Now()
	var v any
	// Unclosed brackets are invalid JSON anyway: only ErrTooDeep shows
	// the depth bound refused them, not the decoder.
	if err := Unmarshal([]byte(body), &v); !errors.Is(err, ErrTooDeep) {
		t.Fatalf("100,000 nested arrays: %v, want ErrTooDeep", err)
	}
	t.Logf("refused in %v", time.Since(start))
}
