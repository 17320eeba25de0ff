package server

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"margin/app/library"
	"margin/cmd/internal/apitest"
)

// X7 for articles: alice's imported article is hers alone. Bob, and a
// reader who is not signed in, get the same 404 as for an article that
// does not exist, by every route that takes an article id, and it is in
// no library but hers. Its page is prerendered, with its text, for her.
func TestX7OwnArticles(t *testing.T) {
	for _, b := range storeBackends {
		t.Run(b.name, func(t *testing.T) {
			ps := newPageServer(t)
			srv := importServer(t, b.open(t), ps)
			ctx := context.Background()
			alice, bob, anon := srv.user(t, "alice"), srv.user(t, "bob"), apitest.New(srv.URL)
			r := postImport(t, alice, map[string]any{"url": ps.URL + "/story"})
			if r.Status != http.StatusCreated {
				t.Fatalf("import: %s", r)
			}
			id := importAnswer(t, r).Article.ID
			unknown := "u00000000000000000000"

			// Her own article opens for her, prerendered with its text, and
			// for no one else.
			page := must(t)(alice.Do(ctx, http.MethodGet, "/a/"+id, nil))
			if page.Status != http.StatusOK {
				t.Fatalf("alice's page: %d", page.Status)
			}
			metas, title, text := parsePage(t, page.Body)
			if !strings.Contains(text, storyText) || !strings.Contains(title, "Harbour Days") || metas["og:type"] != "article" {
				t.Fatalf("alice's page: title %q, og:type %q, text %.200q", title, metas["og:type"], text)
			}
			if cc := page.Header.Get("Cache-Control"); !strings.Contains(cc, "private") {
				t.Errorf("alice's page is cacheable by others: %q", cc)
			}
			if strings.Contains(string(page.Body), library.ScopeParam) {
				t.Error("the page shows the prerender's scope")
			}

			// Her library page, prerendered, lists it; the service worker's
			// copy of the page (not a navigation) is the shared library.
			home := must(t)(alice.Do(ctx, http.MethodGet, "/", nil, "Sec-Fetch-Mode", "navigate"))
			if home.Status != http.StatusOK || !strings.Contains(string(home.Body), id) || !strings.Contains(home.Header.Get("Cache-Control"), "private") {
				t.Errorf("alice's library page: %d, lists hers: %v", home.Status, strings.Contains(string(home.Body), id))
			}
			if strings.Contains(string(home.Body), library.ScopeParam) {
				t.Error("the library page shows the prerender's scope")
			}
			shell := must(t)(alice.Do(ctx, http.MethodGet, "/", nil, "Sec-Fetch-Mode", "cors"))
			if shell.Status != http.StatusOK || strings.Contains(string(shell.Body), id) {
				t.Errorf("the shell the service worker keeps lists alice's article")
			}

			for _, who := range []struct {
				name string
				c    *apitest.Client
			}{{"bob", bob}, {"anonymous", anon}} {
				for _, path := range []string{"/api/articles/" + id, "/api/articles/" + id + "/html"} {
					got := must(t)(who.c.Do(ctx, http.MethodGet, path, nil))
					want := must(t)(who.c.Do(ctx, http.MethodGet, strings.Replace(path, id, unknown, 1), nil))
					wantStatus(t, who.name+" "+path, got, http.StatusNotFound, "not_found")
					if string(got.Body) != string(want.Body) {
						t.Errorf("%s %s: %s, unlike an unknown article's %s", who.name, path, got, want)
					}
					if strings.Contains(string(got.Body), "Harbour") {
						t.Errorf("%s %s shows alice's article", who.name, path)
					}
				}
				p := must(t)(who.c.Do(ctx, http.MethodGet, "/a/"+id, nil))
				if p.Status != http.StatusNotFound || strings.Contains(string(p.Body), storyText) || strings.Contains(string(p.Body), "Harbour") {
					t.Errorf("%s's page of alice's article: %d, holds her text: %v", who.name, p.Status, strings.Contains(string(p.Body), storyText))
				}
				// A scope put in the address by hand opens nothing.
				p = must(t)(who.c.Do(ctx, http.MethodGet, "/a/"+id+"?"+library.ScopeParam+"=0123456789abcdef0123456789abcdef", nil))
				if p.Status != http.StatusNotFound || strings.Contains(string(p.Body), storyText) {
					t.Errorf("%s with a forged scope: %d", who.name, p.Status)
				}
				if home := must(t)(who.c.Do(ctx, http.MethodGet, "/", nil, "Sec-Fetch-Mode", "navigate")); home.Status != http.StatusOK ||
					strings.Contains(string(home.Body), id) || strings.Contains(string(home.Body), "Harbour") {
					t.Errorf("%s's library page: %d, lists alice's article", who.name, home.Status)
				}
				l := must(t)(who.c.Do(ctx, http.MethodGet, "/api/articles", nil))
				var list struct{ Articles []library.Summary }
				if err := json.Unmarshal(l.Body, &list); err != nil || l.Status != http.StatusOK || len(list.Articles) == 0 {
					t.Fatalf("%s's library: %s", who.name, l)
				}
				for _, a := range list.Articles {
					if a.ID == id || strings.Contains(a.Meta.Title, "Harbour") {
						t.Errorf("%s's library lists alice's article", who.name)
					}
				}
				// A fresh import by bob of the same page is his own copy,
				// not hers.
				if who.c == bob {
					r := postImport(t, bob, map[string]any{"url": ps.URL + "/story"})
					if got := importAnswer(t, r); r.Status != http.StatusCreated || got.Existing {
						t.Errorf("bob's import of the same page: %s", r)
					}
				}
			}
			// Alice's library still has hers, once.
			l := must(t)(alice.Do(ctx, http.MethodGet, "/api/articles", nil))
			if n := strings.Count(string(l.Body), `"id":"`+id+`"`); n != 1 {
				t.Errorf("alice's library lists her article %d times", n)
			}

			// Only she may delete it; a shared article is no one's to delete.
			wantStatus(t, "anonymous delete", must(t)(anon.Do(ctx, http.MethodDelete, "/api/articles/"+id, nil)), http.StatusUnauthorized, "signed_out")
			// (Bob has a copy of that page of his own, under the same id;
			// a fresh copy of hers is hers alone.)
			fr := postImport(t, alice, map[string]any{"url": ps.URL + "/story", "fresh": true})
			hers := importAnswer(t, fr).Article.ID
			wantStatus(t, "bob's delete of hers", must(t)(bob.Do(ctx, http.MethodDelete, "/api/articles/"+hers, nil)), http.StatusNotFound, "not_found")
			wantStatus(t, "bob's delete of an unknown one", must(t)(bob.Do(ctx, http.MethodDelete, "/api/articles/"+unknown, nil)), http.StatusNotFound, "not_found")
			if r := must(t)(alice.Do(ctx, http.MethodGet, "/api/articles/"+hers, nil)); r.Status != http.StatusOK {
				t.Fatalf("alice's fresh copy after bob's delete: %s", r)
			}
			wantStatus(t, "delete of a shared article", must(t)(alice.Do(ctx, http.MethodDelete, "/api/articles/"+seedID, nil)), http.StatusForbidden, "shared")
			if r := must(t)(alice.Do(ctx, http.MethodGet, "/api/articles/"+id, nil)); r.Status != http.StatusOK {
				t.Fatalf("alice's article after the refused deletes: %s", r)
			}
			if r := must(t)(alice.Do(ctx, http.MethodDelete, "/api/articles/"+id, nil)); r.Status != http.StatusNoContent {
				t.Fatalf("alice deletes hers: %s", r)
			}
			wantStatus(t, "deleted article", must(t)(alice.Do(ctx, http.MethodGet, "/api/articles/"+id, nil)), http.StatusNotFound, "not_found")
			if p := must(t)(alice.Do(ctx, http.MethodGet, "/a/"+id, nil)); p.Status != http.StatusNotFound {
				t.Errorf("the deleted article's page: %d", p.Status)
			}
			wantStatus(t, "second delete", must(t)(alice.Do(ctx, http.MethodDelete, "/api/articles/"+id, nil)), http.StatusNotFound, "not_found")
		})
	}
}
