package server

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"golang.org/x/net/html"

	"margin/app/article"
	"margin/app/ui"
	"margin/assets"
	"margin/cmd/internal/articles"
	"margin/cmd/internal/pgtest"
)

var (
	lib       *articles.Collection
	seedID    string
	hostileID string
)

// hostileTitle holds every character that breaks a naively written meta tag.
const hostileTitle = `He said "stop" <now> & \ left`

func TestMain(m *testing.M) {
	// respond logs every refusal to the default logger; the tests that
	// read logs give their server its own.
	slog.SetDefault(slog.New(slog.NewTextHandler(io.Discard, nil)))
	var err error
	lib, err = articles.Load(assets.FS, "", nil)
	if err != nil {
		panic(err)
	}
	sums, _ := lib.Summaries(context.Background())
	for _, s := range sums {
		if strings.HasPrefix(s.Meta.Title, "Stoltenberg") {
			seedID = s.ID
		}
	}
	a, err := article.FromText("A \"quoted\" <b>first</b> paragraph & more.\n\nSecond one.")
	if err != nil {
		panic(err)
	}
	a.Meta.Title = hostileTitle
	hostileID = lib.Add(a)
	ui.Register(PageSource(lib), nil)
	// Some tests run on PostgreSQL too; Main stops it at the end.
	pgtest.Main(m)
}

// webFS stands in for the built web/ folder.
func webFS() fstest.MapFS {
	return fstest.MapFS{
		"app.wasm":               {Data: []byte("\x00asm raw bytes of the app")},
		"app.wasm.br":            {Data: []byte("brotli bytes")},
		"app.wasm.gz":            {Data: []byte("gzip bytes")},
		"margin.css":             {Data: []byte("body{}")},
		"web.go":                 {Data: []byte("package web")},
		"icons/icon.svg":         {Data: []byte("<svg/>")},
		"icons/icon-192.png":     {Data: []byte("png")},
		"icons/icon-512.png":     {Data: []byte("png")},
		"icons/maskable-512.png": {Data: []byte("png")},
	}
}

func newTestServer(t *testing.T, precompressed bool) *httptest.Server {
	t.Helper()
	s, err := New(Config{Articles: lib, Web: webFS(), Precompressed: precompressed, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return ts
}

func get(t *testing.T, url string, header ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	// No transparent decompression: the tests look at the bytes sent.
	tr := &http.Transport{DisableCompression: true}
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

// metas parses a page and returns its meta tags by name or property,
// its <title> and the text of its <article>.
func parsePage(t *testing.T, b []byte) (metas map[string]string, title, articleText string) {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	metas = map[string]string{}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "meta":
				var key, content string
				for _, a := range n.Attr {
					switch a.Key {
					case "name", "property":
						key = a.Val
					case "content":
						content = a.Val
					}
				}
				if key != "" {
					metas[key] = content
				}
			case "title":
				title = text(n)
			case "article":
				articleText = text(n)
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return metas, title, articleText
}

func text(n *html.Node) string {
	var b strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

func TestPrerenderedArticle(t *testing.T) {
	ts := newTestServer(t, true)
	resp, body := get(t, ts.URL+"/a/"+seedID)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if got := resp.Header.Get("Content-Type"); got != "text/html; charset=utf-8" {
		t.Errorf("Content-Type %q", got)
	}
	a, err := lib.Article(context.Background(), seedID)
	if err != nil {
		t.Fatal(err)
	}
	metas, title, articleText := parsePage(t, body)
	wantTitle := "Stoltenberg: NATO Mulls Options In Post-INF World, Doesn't Want Arms Race With Russia"
	if !strings.HasPrefix(title, wantTitle) {
		t.Errorf("<title> = %q", title)
	}
	if !strings.Contains(articleText, wantTitle) {
		t.Errorf("article text lacks the title")
	}
	// The whole canonical text is in the first answer, block by block.
	for _, para := range strings.Split(a.Text(), "\n\n") {
		if !strings.Contains(articleText, para) {
			t.Errorf("prerendered article lacks %.60q", para)
		}
	}
	for key, want := range map[string]string{
		"og:url":      ts.URL + "/a/" + seedID,
		"og:type":     "article",
		"og:image":    ts.URL + "/web/icons/icon-512.png",
		"description": a.Meta.Excerpt,
	} {
		if metas[key] != want {
			t.Errorf("meta %s = %q, want %q", key, metas[key], want)
		}
	}
	if !strings.HasPrefix(metas["og:title"], wantTitle) {
		t.Errorf("og:title = %q", metas["og:title"])
	}
	if !strings.HasPrefix(metas["og:description"], "NATO Secretary-General") {
		t.Errorf("og:description = %q", metas["og:description"])
	}
	for _, furniture := range []string{"Accessibility links", "Breaking News"} {
		if bytes.Contains(body, []byte(furniture)) {
			t.Errorf("page furniture %q in the article", furniture)
		}
	}
}

func TestMetaTagsEscaped(t *testing.T) {
	ts := newTestServer(t, true)
	resp, body := get(t, ts.URL+"/a/"+hostileID)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	metas, title, _ := parsePage(t, body)
	if !strings.HasPrefix(title, hostileTitle) {
		t.Errorf("<title> = %q", title)
	}
	if !strings.HasPrefix(metas["og:title"], hostileTitle) {
		t.Errorf("og:title = %q, want it to start with %q", metas["og:title"], hostileTitle)
	}
	if want := `A "quoted" <b>first</b> paragraph & more.`; metas["description"] != want || metas["og:description"] != want {
		t.Errorf("description %q, og:description %q, want %q", metas["description"], metas["og:description"], want)
	}
	if bytes.Contains(body, []byte(`<b>first</b>`)) {
		t.Error("article text reached the page unescaped")
	}
}

func TestPagesNeverStale(t *testing.T) {
	ts := newTestServer(t, true)
	resp, _ := get(t, ts.URL+"/app.js")
	etag := resp.Header.Get("ETag")
	if etag == "" {
		t.Fatal("app.js has no ETag")
	}
	// go-app alone would answer 304 to this for any page.
	resp, body := get(t, ts.URL+"/a/"+seedID, "If-None-Match", etag)
	if resp.StatusCode != http.StatusOK || len(body) == 0 {
		t.Fatalf("article page with the version's ETag: status %d, %d bytes", resp.StatusCode, len(body))
	}
	if resp.Header.Get("ETag") != "" {
		t.Errorf("page carries ETag %q", resp.Header.Get("ETag"))
	}
	resp, _ = get(t, ts.URL+"/app.js", "If-None-Match", etag)
	if resp.StatusCode != http.StatusNotModified {
		t.Errorf("app.js revalidation: status %d, want 304", resp.StatusCode)
	}
}

func TestNotFound(t *testing.T) {
	ts := newTestServer(t, true)
	for _, tc := range []struct {
		name, path, want string
	}{
		{"unknown page", "/no/such/page", "There is no page at this address."},
		{"unknown article", "/a/doesnotexist", "This article is not in your library."},
		{"malformed article id", "/a/%3Cscript%3E", "There is no page at this address."},
		{"trailing slash", "/a/" + seedID + "/", "There is no page at this address."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := get(t, ts.URL+tc.path)
			if resp.StatusCode != http.StatusNotFound {
				t.Errorf("status %d, want 404", resp.StatusCode)
			}
			if !bytes.Contains(body, []byte(tc.want)) {
				t.Errorf("body lacks %q", tc.want)
			}
			if !bytes.Contains(body, []byte("<style>body{}</style></head>")) {
				t.Error("404 page is not a styled page")
			}
		})
	}
}

func TestAPI(t *testing.T) {
	ts := newTestServer(t, true)
	resp, body := get(t, ts.URL+"/api/articles")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("list: %d", resp.StatusCode)
	}
	var list struct {
		Articles []struct {
			ID   string `json:"id"`
			Meta struct {
				Title string `json:"title"`
				Site  string `json:"site"`
			} `json:"meta"`
		} `json:"articles"`
	}
	if err := json.Unmarshal(body, &list); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, a := range list.Articles {
		if a.ID == seedID && a.Meta.Site == "RFE/RL" {
			found = true
		}
	}
	if !found {
		t.Errorf("list lacks the sample article: %s", body)
	}

	resp, body = get(t, ts.URL+"/api/articles/"+seedID)
	var a article.Article
	if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &a) != nil {
		t.Fatalf("get: %d %s", resp.StatusCode, body)
	}
	want, _ := lib.Article(context.Background(), seedID)
	if a.Text() != want.Text() || a.Meta.Hash != want.Meta.Hash {
		t.Error("article from the API differs from the library's")
	}

	resp, body = get(t, ts.URL+"/api/articles/"+seedID+"/html")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Fatalf("article HTML: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if string(body) != ui.ArticleHTML(want) {
		t.Error("article HTML from the API differs from the reader's")
	}
	resp, body = get(t, ts.URL+"/api/articles/"+hostileID+"/html")
	if resp.StatusCode != http.StatusOK || !bytes.Contains(body, []byte("&lt;b&gt;first&lt;/b&gt;")) {
		t.Errorf("hostile article HTML: %d %s", resp.StatusCode, body)
	}

	for _, path := range []string{"/api/articles/nope", "/api/articles/nope/html", "/api/articles/" + strings.Repeat("x", 300), "/api/nothing"} {
		resp, body = get(t, ts.URL+path)
		var p struct{ Error, Code string }
		if resp.StatusCode != http.StatusNotFound || json.Unmarshal(body, &p) != nil || p.Error == "" || p.Code == "" {
			t.Errorf("%s: %d %s", path, resp.StatusCode, body)
		}
	}
	resp, _ = get(t, ts.URL+"/healthz")
	if resp.StatusCode != http.StatusOK {
		t.Errorf("healthz: %d", resp.StatusCode)
	}
}

func TestWasmPrecompressed(t *testing.T) {
	fsys := webFS()
	for _, tc := range []struct {
		name, accept, encoding string
		precompressed          bool
		body                   string
	}{
		{"brotli", "gzip, deflate, br, zstd", "br", true, "brotli bytes"},
		{"gzip only", "gzip", "gzip", true, "gzip bytes"},
		{"brotli refused", "br;q=0, gzip", "gzip", true, "gzip bytes"},
		{"wildcard", "*", "br", true, "brotli bytes"},
		{"none", "", "", true, string(fsys["app.wasm"].Data)},
		{"identity", "identity", "", true, string(fsys["app.wasm"].Data)},
		{"stock serving", "gzip, br", "", false, string(fsys["app.wasm"].Data)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ts := newTestServer(t, tc.precompressed)
			resp, body := get(t, ts.URL+"/web/app.wasm", "Accept-Encoding", tc.accept)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d", resp.StatusCode)
			}
			if got := resp.Header.Get("Content-Encoding"); got != tc.encoding {
				t.Errorf("Content-Encoding %q, want %q", got, tc.encoding)
			}
			if string(body) != tc.body {
				t.Errorf("body %q, want %q", body, tc.body)
			}
			if got := resp.Header.Get("Content-Type"); got != "application/wasm" {
				t.Errorf("Content-Type %q", got)
			}
			if tc.precompressed && resp.Header.Get("Vary") != "Accept-Encoding" {
				t.Errorf("Vary %q", resp.Header.Get("Vary"))
			}
			if got := resp.Header.Get("X-Wasm-Content-Length"); got != "25" {
				t.Errorf("X-Wasm-Content-Length %q", got)
			}
		})
	}
	ts := newTestServer(t, true)
	for _, path := range []string{"/web/web.go", "/web/../go.mod", "/web/nothing.css"} {
		if resp, _ := get(t, ts.URL+path); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", path, resp.StatusCode)
		}
	}
}

func TestServiceWorker(t *testing.T) {
	ts := newTestServer(t, true)
	s, _ := New(Config{Articles: lib, Web: webFS(), Precompressed: true})
	resp, body := get(t, ts.URL+"/app-worker.js")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	js := string(body)
	for _, want := range []string{
		`"margin-` + s.Version() + `"`,
		"event.waitUntil(",
		`"/web/app.wasm"`,
		`"/web/icons/icon-192.png"`,
		`request.mode === "navigate"`,
		`url.pathname.startsWith("/api/")`,
	} {
		if !strings.Contains(js, want) {
			t.Errorf("service worker lacks %s", want)
		}
	}
	_, list, ok := strings.Cut(js, "const PRECACHE = ")
	list, _, _ = strings.Cut(list, ";")
	var precache []string
	if err := json.Unmarshal([]byte(list), &precache); !ok || err != nil {
		t.Fatalf("no precache list in the worker: %v", err)
	}
	for _, p := range precache {
		if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/api/") {
			t.Errorf("service worker precaches %q, which is not part of the app shell", p)
		}
	}
	_, manifest := get(t, ts.URL+"/manifest.webmanifest")
	var m struct {
		Icons       []struct{ Src string } `json:"icons"`
		Name        string                 `json:"name"`
		ShareTarget struct {
			Action, Method string
			Params         map[string]string
		} `json:"share_target"`
	}
	if err := json.Unmarshal(manifest, &m); err != nil || len(m.Icons) == 0 || m.Name != "Margin" {
		t.Fatalf("manifest: %v %s", err, manifest)
	}
	// Sharing to the installed app opens the import page.
	if st := m.ShareTarget; st.Action != "/import" || st.Method != "GET" || st.Params["url"] != "url" || st.Params["text"] != "text" || st.Params["title"] != "title" {
		t.Errorf("share target %+v", st)
	}
	for _, ic := range m.Icons {
		if !strings.HasPrefix(ic.Src, "/web/icons/") {
			t.Errorf("manifest icon %q is not Margin's own", ic.Src)
		}
	}
}

func TestVersionFollowsBuild(t *testing.T) {
	a, _ := New(Config{Articles: lib, Web: webFS()})
	b, _ := New(Config{Articles: lib, Web: webFS()})
	if a.Version() != b.Version() {
		t.Error("the same build gave two versions")
	}
	changed := webFS()
	changed["app.wasm"] = &fstest.MapFile{Data: []byte("another build")}
	c, _ := New(Config{Articles: lib, Web: changed})
	if c.Version() == a.Version() {
		t.Error("a changed app.wasm kept the version")
	}
}

func TestSecurityHeaders(t *testing.T) {
	ts := newTestServer(t, true)
	style, err := loadStyle(webFS())
	if err != nil {
		t.Fatal(err)
	}
	// The whole policy, spelled out: a directive added or widened by
	// mistake fails here.
	wantCSP := "default-src 'none'; " +
		"script-src 'self' 'wasm-unsafe-eval'; " +
		"style-src 'self' " + style.hash + "; " +
		"img-src 'self' data:; " +
		"connect-src 'self'; " +
		"font-src 'self'; " +
		"manifest-src 'self'; " +
		"worker-src 'self'; " +
		"object-src 'none'; " +
		"base-uri 'none'; " +
		"form-action 'self'; " +
		"frame-ancestors 'none'"
	want := map[string]string{
		"Content-Security-Policy":    wantCSP,
		"Cross-Origin-Opener-Policy": "same-origin",
		"X-Content-Type-Options":     "nosniff",
		"Referrer-Policy":            "strict-origin-when-cross-origin",
		"X-Frame-Options":            "DENY",
		"Strict-Transport-Security":  "", // plain http: never
	}
	for _, path := range []string{"/", "/a/" + seedID, "/api/articles", "/web/margin.css", "/web/app.wasm", "/app-worker.js", "/nowhere"} {
		resp, _ := get(t, ts.URL+path)
		for name, v := range want {
			if got := resp.Header.Get(name); got != v {
				t.Errorf("%s: %s = %q, want %q", path, name, got, v)
			}
		}
		if n := len(resp.Header.Values("Content-Security-Policy")); n != 1 {
			t.Errorf("%s: %d Content-Security-Policy headers", path, n)
		}
		if resp.Header.Get("Content-Security-Policy-Report-Only") != "" {
			t.Errorf("%s: the policy is only reported, not enforced", path)
		}
	}
}

func TestGracefulShutdown(t *testing.T) {
	s, err := New(Config{Articles: lib, Web: webFS(), Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	if resp, _ := get(t, "http://"+ln.Addr().String()+"/healthz"); resp.StatusCode != http.StatusOK {
		t.Fatalf("healthz %d", resp.StatusCode)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Serve after shutdown: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("server did not stop")
	}
}
