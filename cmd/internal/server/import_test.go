package server

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"margin/app/library"
	msync "margin/app/sync"
	"margin/cmd/internal/apitest"
	"margin/cmd/internal/keep"
	"margin/cmd/internal/pgtest"
	"margin/cmd/internal/store"
)

// storeBackends are the stores the import tests run on: a SQLite file and
// a PostgreSQL database.
var storeBackends = []struct {
	name string
	open func(t *testing.T) store.Store
}{
	{"sqlite", func(t *testing.T) store.Store { st, _ := openStore(t); return st }},
	{"postgres", func(t *testing.T) store.Store {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		st, err := store.Open(ctx, store.Options{DSN: pgtest.DSN(t)})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	}},
}

// importServer is a server with the test importer, on st.
func importServer(t *testing.T, st store.Store, ps *pageServer, edit ...func(*Config)) *apiServer {
	t.Helper()
	return newAPIServerOn(t, st, append([]func(*Config){func(c *Config) { c.Importer = testImporter(t, ps) }}, edit...)...)
}

// importAnswer decodes a successful import.
func importAnswer(t *testing.T, r *apitest.Response) importResponse {
	t.Helper()
	var out importResponse
	if err := json.Unmarshal(r.Body, &out); err != nil {
		t.Fatalf("import answer %s: %v", r, err)
	}
	return out
}

func postImport(t *testing.T, c *apitest.Client, body any) *apitest.Response {
	t.Helper()
	return must(t)(c.JSON(context.Background(), http.MethodPost, "/api/import", body))
}

// Import by URL: the article lands in the reader's library, with its
// image kept on the server, syncs to the reader's devices, opens for its
// owner, and a second import of the same page gives it back unless a
// fresh copy is asked for.
func TestImportByURL(t *testing.T) {
	for _, b := range storeBackends {
		t.Run(b.name, func(t *testing.T) {
			ps := newPageServer(t)
			srv := importServer(t, b.open(t), ps)
			ctx := context.Background()
			alice := srv.user(t, "alice")

			r := postImport(t, alice, map[string]any{"url": ps.URL + "/story"})
			if r.Status != http.StatusCreated {
				t.Fatalf("import: %s", r)
			}
			got := importAnswer(t, r)
			id := got.Article.ID
			if !strings.HasPrefix(id, "u") || len(id) != 21 || got.Existing || got.Article.Meta.Title != "Harbour Days" || got.Article.Meta.Words == 0 {
				t.Fatalf("import answer: %+v", got)
			}
			if keep.ID(ps.URL+"/story", false) != id {
				t.Errorf("id %s is not the hash of the canonical address", id)
			}

			// The library lists it first; the article and its HTML open.
			r = must(t)(alice.Do(ctx, http.MethodGet, "/api/articles", nil))
			var list struct{ Articles []library.Summary }
			json.Unmarshal(r.Body, &list)
			if len(list.Articles) < 2 || list.Articles[0].ID != id {
				t.Fatalf("alice's library: %s", r)
			}
			r = must(t)(alice.Do(ctx, http.MethodGet, "/api/articles/"+id, nil))
			if r.Status != http.StatusOK || !strings.Contains(string(r.Body), storyText) || strings.Contains(string(r.Body), "alert") ||
				strings.Contains(string(r.Body), "steal") || strings.Contains(string(r.Body), "newsletter") {
				t.Fatalf("alice's article: %s", r)
			}
			var doc struct {
				Blocks []struct {
					Image *struct{ Src string }
				}
			}
			json.Unmarshal(r.Body, &doc)
			r = must(t)(alice.Do(ctx, http.MethodGet, "/api/articles/"+id+"/html", nil))
			if r.Status != http.StatusOK || !strings.Contains(string(r.Body), storyText) {
				t.Fatalf("alice's article HTML: %s", r)
			}

			// The image is kept: stored under its hash, served from here.
			var srcs []string
			for _, bl := range doc.Blocks {
				if bl.Image != nil {
					srcs = append(srcs, bl.Image.Src)
				}
			}
			if len(srcs) != 1 || !strings.HasPrefix(srcs[0], "/media/") {
				t.Fatalf("image sources %v, want one /media/ address", srcs)
			}
			r = must(t)(apitest.New(srv.URL).Do(ctx, http.MethodGet, srcs[0], nil))
			if r.Status != http.StatusOK || string(r.Body) != string(pagePNG) || r.Header.Get("Content-Type") != "image/png" {
				t.Fatalf("the article's image: %d %q", r.Status, r.Header.Get("Content-Type"))
			}

			// It syncs to a device of hers, as the server's edit.
			recs, _, err := alice.PullAll(ctx, apitest.ClientID())
			if err != nil {
				t.Fatal(err)
			}
			var synced bool
			for _, rec := range recs {
				if rec.Kind == msync.KindArticle && rec.ID == id && rec.Fields["doc"].By == store.ServerClient {
					synced = true
				}
			}
			if !synced {
				t.Fatalf("alice's devices do not get the article: %+v", recs)
			}

			// The same page again, with tracking parameters: the article
			// she has. A fresh copy is a new article.
			hits := ps.hits.Load()
			r = postImport(t, alice, map[string]any{"url": ps.URL + "/story?utm_source=mail&utm_medium=x#top"})
			if again := importAnswer(t, r); r.Status != http.StatusOK || !again.Existing || again.Article.ID != id {
				t.Fatalf("second import: %s", r)
			}
			if ps.hits.Load() != hits {
				t.Error("a page known by its address was fetched again")
			}
			// Known only by the canonical address the page gives.
			r = postImport(t, alice, map[string]any{"url": ps.URL + "/story-alias"})
			if again := importAnswer(t, r); r.Status != http.StatusOK || !again.Existing || again.Article.ID != id {
				t.Fatalf("import by another address of the page: %s", r)
			}
			r = postImport(t, alice, map[string]any{"url": ps.URL + "/story", "fresh": true})
			fresh := importAnswer(t, r)
			if r.Status != http.StatusCreated || fresh.Existing || !strings.HasPrefix(fresh.Article.ID, id+"-") || len(fresh.Article.ID) != len(id)+7 {
				t.Fatalf("fresh copy: %s", r)
			}

			// The page as the browser saw it (the bookmarklet's way).
			para := "<p>What the reader saw behind the login: a long account of the town's winter, the storms that closed the road, the school that stayed open, and the neighbours who carried bread up the hill every morning until the snow went.</p>"
			r = postImport(t, alice, map[string]any{"url": ps.URL + "/other-page",
				"html": "<html><head><title>Seen</title></head><body><article><h1>Seen</h1>" + strings.Repeat(para, 5) + "</article></body></html>"})
			if seen := importAnswer(t, r); r.Status != http.StatusCreated || seen.Article.ID == id {
				t.Fatalf("import of posted HTML: %s", r)
			}
		})
	}
}

// Bad requests are refused with one sentence, and change nothing.
func TestImportBadRequests(t *testing.T) {
	ps := newPageServer(t)
	srv := importServer(t, openStoreOnly(t), ps)
	ctx := context.Background()
	alice := srv.user(t, "alice")
	anon := apitest.New(srv.URL)
	wantStatus(t, "anonymous", must(t)(anon.JSON(ctx, http.MethodPost, "/api/import", map[string]string{"url": ps.URL + "/story"})), http.StatusUnauthorized, "signed_out")
	for _, tc := range []struct {
		name, body string
		header     []string
		status     int
		code       string
	}{
		{"malformed JSON", `{"url": `, nil, http.StatusBadRequest, ""},
		{"not an object", `["x"]`, nil, http.StatusBadRequest, ""},
		{"unknown member", `{"url": "http://x.example/", "URL": "y"}`, nil, http.StatusBadRequest, ""},
		{"missing url", `{}`, nil, http.StatusBadRequest, "bad_request"},
		{"empty url", `{"url": "  "}`, nil, http.StatusBadRequest, "bad_request"},
		{"html without url", `{"html": "<p>x</p>"}`, nil, http.StatusBadRequest, "bad_request"},
		{"url not a string", `{"url": 12}`, nil, http.StatusBadRequest, ""},
		{"deep nesting", `{"url": ` + strings.Repeat("[", 100000) + `}`, nil, http.StatusBadRequest, ""},
		{"invalid UTF-8", "{\"url\": \"http://x.example/\xff\"}", nil, http.StatusBadRequest, ""},
		{"two values", `{"url": "http://x.example/"} {"url": "http://y.example/"}`, nil, http.StatusBadRequest, ""},
		{"fresh not a bool", `{"url": "http://x.example/", "fresh": "yes"}`, nil, http.StatusBadRequest, ""},
		{"form body", `url=x`, []string{"Content-Type", "application/x-www-form-urlencoded"}, http.StatusUnsupportedMediaType, ""},
		{"long url", `{"url": "http://x.example/` + strings.Repeat("a", 9000) + `"}`, nil, http.StatusUnprocessableEntity, "bad_url"},
		{"page over 10 MB", `{"url": "http://x.example/", "html": "` + strings.Repeat("a", maxImportHTML+1) + `"}`, nil, http.StatusRequestEntityTooLarge, "too_large"},
		{"body over the limit", `{"url": "http://x.example/", "html": "` + strings.Repeat("a", importBodyLimit) + `"}`, nil, http.StatusRequestEntityTooLarge, ""},
	} {
		r := must(t)(alice.Do(ctx, http.MethodPost, "/api/import", []byte(tc.body), tc.header...))
		wantStatus(t, tc.name, r, tc.status, tc.code)
	}
	if ps.hits.Load() != 0 {
		t.Errorf("bad requests fetched %d pages", ps.hits.Load())
	}
	if l, _ := srv.Store.OwnArticles(ctx, mustUserID(t, srv, "alice")); len(l) != 0 {
		t.Errorf("bad requests left articles: %+v", l)
	}

	// An article too large to sync is refused in a sentence.
	r := postImport(t, alice, map[string]any{"url": ps.URL + "/long"})
	wantStatus(t, "article too large", r, http.StatusRequestEntityTooLarge, "too_large")
	if !strings.Contains(r.Problem().Error, "too long") {
		t.Errorf("too large: %q", r.Problem().Error)
	}

	// Without an importer, import says it is off.
	off := newAPIServer(t)
	bob := off.user(t, "bob")
	wantStatus(t, "import off", postImport(t, bob, map[string]any{"url": ps.URL + "/story"}), http.StatusServiceUnavailable, "import_off")
}

// openStoreOnly opens a SQLite store for a test.
func openStoreOnly(t *testing.T) store.Store {
	st, _ := openStore(t)
	return st
}

func mustUserID(t *testing.T, srv *apiServer, name string) string {
	t.Helper()
	u, err := srv.Store.UserByName(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

// Imports are counted per reader: past the limit, 429 with Retry-After,
// and another reader is not held up.
func TestImportRateLimit(t *testing.T) {
	ps := newPageServer(t)
	srv := importServer(t, openStoreOnly(t), ps, func(c *Config) { c.Limits.ImportsPerUser = 3 })
	alice, bob := srv.user(t, "alice"), srv.user(t, "bob")
	for i := range 3 {
		if r := postImport(t, alice, map[string]any{"url": ps.URL + "/story"}); r.Status >= 300 {
			t.Fatalf("import %d: %s", i, r)
		}
	}
	hits := ps.hits.Load()
	r := postImport(t, alice, map[string]any{"url": ps.URL + "/story"})
	wantStatus(t, "fourth import", r, http.StatusTooManyRequests, "rate_limited")
	if r.Header.Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}
	if ps.hits.Load() != hits {
		t.Error("a refused import fetched the page")
	}
	if r := postImport(t, bob, map[string]any{"url": ps.URL + "/story"}); r.Status != http.StatusCreated {
		t.Fatalf("bob's import: %s", r)
	}
}

// A client that goes away cancels the fetch, and nothing is stored.
func TestImportCancelledClient(t *testing.T) {
	ps := newPageServer(t)
	srv := importServer(t, openStoreOnly(t), ps)
	alice := srv.user(t, "alice")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := alice.JSON(ctx, http.MethodPost, "/api/import", map[string]string{"url": ps.URL + "/slow"})
		done <- err
	}()
	select {
	case <-ps.slowStarted:
	case <-time.After(30 * time.Second):
		t.Fatal("the import never fetched the page")
	}
	cancel()
	if err := <-done; err == nil {
		t.Fatal("the cancelled request got an answer")
	}
	select {
	case <-ps.slowCancelled:
	case <-time.After(30 * time.Second):
		t.Fatal("the fetch went on after the client went away")
	}
	if l, _ := srv.Store.OwnArticles(context.Background(), mustUserID(t, srv, "alice")); len(l) != 0 {
		t.Errorf("a cancelled import left articles: %+v", l)
	}
}

// Addresses the guard refuses: other schemes, credentials, private
// addresses (a loopback server not allowed, directly and by a redirect
// from the allowed page server). The refused server is never reached.
func TestImportHostileURLs(t *testing.T) {
	ps := newPageServer(t)
	var targetHits atomic.Int64
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		targetHits.Add(1)
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte("<html><body><article><p>secret internal page</p></article></body></html>"))
	}))
	t.Cleanup(target.Close)
	tu, _ := url.Parse(target.URL)
	ps.redirectTo = target.URL + "/"
	srv := importServer(t, openStoreOnly(t), ps)
	alice := srv.user(t, "alice")
	for _, tc := range []struct{ url, code string }{
		{"file:///etc/passwd", "bad_url"},
		{"javascript:alert(1)", "bad_url"},
		{"gopher://" + tu.Host + "/", "bad_url"},
		{"ftp://" + tu.Host + "/", "bad_url"},
		{"not a url at all", "bad_url"},
		{"http://user:secret@" + tu.Host + "/", "bad_url"},
		{target.URL + "/", "private_address"},
		{"http://[::1]:" + tu.Port() + "/", "private_address"},
		{"http://[::ffff:127.0.0.1]:" + tu.Port() + "/", "private_address"},
		{"http://localhost:" + tu.Port() + "/", "private_address"},
		{ps.URL + "/redirect", "private_address"},
	} {
		r := postImport(t, alice, map[string]any{"url": tc.url})
		wantStatus(t, tc.url, r, http.StatusUnprocessableEntity, tc.code)
		if strings.Contains(string(r.Body), "secret") {
			t.Errorf("%s: the answer shows the target's page", tc.url)
		}
	}
	if n := targetHits.Load(); n != 0 {
		t.Errorf("the private server was reached %d times", n)
	}
	if l, _ := srv.Store.OwnArticles(context.Background(), mustUserID(t, srv, "alice")); len(l) != 0 {
		t.Errorf("refused imports left articles: %+v", l)
	}
}

// An import nudges the reader's open event streams, and a page whose
// article the reader deleted comes back as a copy of its own: deletions
// are for good.
func TestImportNotifiesAndAfterDelete(t *testing.T) {
	for _, b := range storeBackends {
		t.Run(b.name, func(t *testing.T) {
			ps := newPageServer(t)
			srv := importServer(t, b.open(t), ps)
			alice := srv.user(t, "alice")
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			status, events, err := alice.Events(ctx)
			if err != nil || status != http.StatusOK {
				t.Fatalf("events: %d %v", status, err)
			}
			if ev := <-events; ev.Name != "hello" {
				t.Fatalf("first event %+v", ev)
			}
			r := postImport(t, alice, map[string]any{"url": ps.URL + "/story"})
			if r.Status != http.StatusCreated {
				t.Fatalf("import: %s", r)
			}
			id := importAnswer(t, r).Article.ID
			for ev := range events {
				if ev.Name == "change" {
					break
				}
			}
			if ctx.Err() != nil {
				t.Fatal("no change event after the import")
			}

			// A device deletes it.
			client := apitest.ClientID()
			del := &msync.PushRequest{Protocol: msync.Protocol, ClientID: client, Mutations: []msync.Mutation{
				{ID: 1, Op: msync.OpDelete, Kind: msync.KindArticle, Object: id, HLC: msync.At(time.Now().Add(time.Second))}}}
			if r, res, err := alice.Push(ctx, del); err != nil || r.Status != http.StatusOK || res.Results[0].Status != msync.StatusApplied {
				t.Fatalf("delete: %v %+v %v", r, res, err)
			}
			if r := must(t)(alice.Do(ctx, http.MethodGet, "/api/articles/"+id, nil)); r.Status != http.StatusNotFound {
				t.Fatalf("the deleted article: %s", r)
			}
			r = postImport(t, alice, map[string]any{"url": ps.URL + "/story"})
			again := importAnswer(t, r)
			if r.Status != http.StatusCreated || again.Existing || !strings.HasPrefix(again.Article.ID, id+"-") {
				t.Fatalf("import after the delete: %s", r)
			}
			if r := must(t)(alice.Do(ctx, http.MethodGet, "/api/articles/"+again.Article.ID, nil)); r.Status != http.StatusOK {
				t.Fatalf("the new copy: %s", r)
			}
		})
	}
}
