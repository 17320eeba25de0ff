package serverproc

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"margin/cmd/internal/apitest"
)

// cliSentence is a sentence of the page the import command fetches.
const cliSentence = "The ferry to the island ran twice a day all through the summer"

// cliPNG is a 1×1 PNG, the page's picture.
var cliPNG = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa75\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82")

func cliSite(t *testing.T, hits *atomic.Int64) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /ferry", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		para := "<p>Islanders came over for the market on Thursdays, and visitors filled the upper deck on fine days, pointing out the seals on the rocks by the harbour mouth.</p>"
		fmt.Fprintf(w, `<!doctype html><html lang="en"><head><title>Island Ferry</title></head><body><nav>Home · Travel</nav>
<article><h1>Island Ferry</h1><p>%s, and the timetable hardly changed in forty years.</p>
<figure><img src="/deck.png" alt="The upper deck"></figure>%s%s%s</article></body></html>`, cliSentence, para, para, para)
	})
	mux.HandleFunc("GET /deck.png", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		w.Write(cliPNG)
	})
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	return ts
}

// "margin import" puts pages and files into a reader's library (--user)
// or the shared one, goes on past items that fail and fails at the end,
// and fetches private addresses only when allowed.
func TestImportCommand(t *testing.T) {
	binary(t)
	ctx := context.Background()
	data := t.TempDir()
	var hits atomic.Int64
	site := cliSite(t, &hits)
	su, _ := url.Parse(site.URL)
	if out, err := margin(t, "ada's password\n", "user", "add", "ada", "--data", data); err != nil {
		t.Fatalf("user add: %v\n%s", err, out)
	}
	files := t.TempDir()
	md := filepath.Join(files, "notes.md")
	txt := filepath.Join(files, "plain.txt")
	html := filepath.Join(files, "saved.html")
	os.WriteFile(md, []byte("# Field Notes\n\nA markdown file, imported from the command line.\n"), 0o644)
	os.WriteFile(txt, []byte("A plain text file.\n\nWith two paragraphs.\n"), 0o644)
	os.WriteFile(html, []byte(`<html><head><title>Saved Page</title></head><body><p>A page saved from a browser.</p><script>alert(1)</script></body></html>`), 0o644)

	// Not allowed to fetch from loopback: refused, and never reached.
	out, err := margin(t, "", "import", "--data", data, "--user", "ada", site.URL+"/ferry")
	if err == nil || !strings.Contains(out, "failed "+site.URL+"/ferry: That address is on a private network.") || hits.Load() != 0 {
		t.Fatalf("import without --allow-host: %v, %d hits\n%s", err, hits.Load(), out)
	}

	// Into ada's library: a page, two files; a missing file and a 404
	// fail on their own lines, the others are kept, the exit is non-zero.
	out, err = margin(t, "", "import", "--data", data, "--user", "ada", "--allow-host", su.Host,
		site.URL+"/ferry", md, filepath.Join(files, "missing.md"), txt, site.URL+"/gone")
	if err == nil {
		t.Fatalf("an import with failures exited 0:\n%s", out)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	var kept, failed int
	for _, l := range lines {
		switch {
		case strings.HasPrefix(l, "imported "):
			kept++
		case strings.HasPrefix(l, "failed "):
			failed++
		}
	}
	if kept != 3 || failed != 2 || !strings.Contains(out, "failed "+site.URL+"/gone: ") || !strings.Contains(out, `"Island Ferry"`) {
		t.Fatalf("import into ada's library:\n%s", out)
	}
	// Again: the page is there already.
	if out, err := margin(t, "", "import", "--data", data, "--user", "ada", "--allow-host", su.Host, site.URL+"/ferry"); err != nil || !strings.HasPrefix(out, "existing ") {
		t.Errorf("second import: %v\n%s", err, out)
	}
	if out, err := margin(t, "", "import", "--data", data, "--user", "nobody", md); err == nil || !strings.Contains(out, `no account "nobody"`) {
		t.Errorf("import for an unknown user: %v\n%s", err, out)
	}
	if out, err := margin(t, "", "import", "--data", data, "--allow-host", "no-port", md); err == nil || !strings.Contains(out, "host:port") {
		t.Errorf("--allow-host without a port: %v\n%s", err, out)
	}

	// Into the shared library: files in the data folder's articles/.
	out, err = margin(t, "", "import", "--data", data, "--allow-private-network", site.URL+"/ferry", html)
	if err != nil || strings.Count(out, "shared ") != 2 {
		t.Fatalf("import into the shared library: %v\n%s", err, out)
	}
	entries, _ := os.ReadDir(filepath.Join(data, "articles"))
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if strings.Join(names, ",") != "island-ferry.json,saved-page.html" {
		t.Errorf("shared folder holds %v", names)
	}

	// The server shows the shared ones to everyone, ada's to her alone.
	p := start(t, data, nil)
	anon := apitest.New(p.URL)
	r, err := anon.Do(ctx, http.MethodGet, "/api/articles", nil)
	if err != nil {
		t.Fatal(err)
	}
	var list struct {
		Articles []struct {
			ID   string
			Meta struct{ Title string }
		}
	}
	json.Unmarshal(r.Body, &list)
	titles := map[string]string{}
	for _, a := range list.Articles {
		titles[a.Meta.Title] = a.ID
	}
	if titles["Island Ferry"] == "" || titles["Saved Page"] == "" || titles["Field Notes"] != "" {
		t.Fatalf("the shared library: %s", r)
	}
	page, err := anon.Do(ctx, http.MethodGet, "/a/"+titles["Island Ferry"], nil)
	if err != nil || page.Status != http.StatusOK || !strings.Contains(string(page.Body), cliSentence) {
		t.Fatalf("the shared imported page: %v %v", page, err)
	}
	// Its picture is served from the store.
	art, _ := anon.Do(ctx, http.MethodGet, "/api/articles/"+titles["Island Ferry"], nil)
	i := strings.Index(string(art.Body), `"/media/`)
	if i < 0 {
		t.Fatalf("the shared article has no kept image: %s", art)
	}
	img, _ := anon.Do(ctx, http.MethodGet, string(art.Body[i+1:i+1+len("/media/")+64]), nil)
	if img == nil || img.Status != http.StatusOK || string(img.Body) != string(cliPNG) {
		t.Errorf("the shared article's image: %v", img)
	}

	ada := apitest.New(p.URL)
	if r, err := ada.SignIn(ctx, "ada", "ada's password"); err != nil || r.Status != http.StatusOK {
		t.Fatalf("sign in: %v %v", r, err)
	}
	r, _ = ada.Do(ctx, http.MethodGet, "/api/articles", nil)
	for _, want := range []string{"Island Ferry", "Field Notes", "plain"} {
		if !strings.Contains(string(r.Body), want) {
			t.Errorf("ada's library lacks %q: %s", want, r)
		}
	}
}
