package static

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
)

// The build's sums name a file's version without the server reading it;
// a sum whose size no longer matches (the file was rebuilt) is ignored,
// and the sums file itself is not served.
func TestSumsFromTheBuild(t *testing.T) {
	recorded := strings.Repeat("ab", 32)
	fsys := fstest.MapFS{
		"app.wasm":    {Data: []byte("wasm bytes")},
		"app.wasm.br": {Data: []byte("br")},
		"app.wasm.sums": {Data: []byte(fmt.Sprintf("%s %d app.wasm\n%s %d app.wasm.br\n",
			recorded, len("wasm bytes"), recorded, 999))},
	}
	h, err := New(fsys, true)
	if err != nil {
		t.Fatal(err)
	}
	get := func(path, enc string) *httptest.ResponseRecorder {
		r := httptest.NewRequest("GET", path, nil)
		if enc != "" {
			r.Header.Set("Accept-Encoding", enc)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	if got := get("/web/app.wasm", "").Header().Get("ETag"); got != `"`+recorded[:20]+`"` {
		t.Errorf("ETag %s, want the recorded sum's", got)
	}
	if got := get("/web/app.wasm", "br").Header().Get("ETag"); strings.HasPrefix(got, `"`+recorded[:20]) {
		t.Errorf("ETag %s comes from a sum whose size does not match", got)
	}
	if w := get("/web/app.wasm.sums", ""); w.Code != http.StatusNotFound {
		t.Errorf("the sums file is served: %d", w.Code)
	}
}
