//go:build !(js && wasm)

package ui

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"margin/app/article"
	"margin/app/client"
	"margin/app/library"
)

// fakeSource is a library in memory, failing with err when it is set.
type fakeSource struct {
	articles map[string]*article.Article
	err      error
}

func (f *fakeSource) Summaries(ctx context.Context) ([]library.Summary, error) {
	if f.err != nil {
		return nil, f.err
	}
	var out []library.Summary
	for _, a := range f.articles {
		out = append(out, library.Summarize(a))
	}
	return out, nil
}

func (f *fakeSource) Article(ctx context.Context, id string) (*article.Article, error) {
	if f.err != nil {
		return nil, f.err
	}
	a, ok := f.articles[id]
	if !ok {
		return nil, fmt.Errorf("article %s: %w", id, library.ErrNotFound)
	}
	return a, nil
}

func sample(t *testing.T) *article.Article {
	t.Helper()
	a, err := article.FromMarkdown("---\ntitle: A <Test> & \"Title\"\nsite: Example News\npublished: 2024-03-05\n---\n\nFirst paragraph with *emphasis* and a [link](https://example.com/x).\n\n## A heading\n\nLast paragraph.\n")
	if err != nil {
		t.Fatal(err)
	}
	a.ID = "abc123"
	return a
}

// render loads c in a test engine, which runs it as the server does
// (OnInit, OnPreRender), and returns its HTML.
func render(t *testing.T, c app.Composer) string {
	t.Helper()
	e := app.NewTestEngine()
	if err := e.Load(c); err != nil {
		t.Fatal(err)
	}
	e.ConsumeAll()
	return app.HTMLString(c)
}

func TestLibrary(t *testing.T) {
	a := sample(t)
	for _, tc := range []struct {
		name string
		src  *fakeSource
		want []string
	}{
		{"articles", &fakeSource{articles: map[string]*article.Article{a.ID: a}}, []string{
			`href="/a/abc123"`,
			"A &lt;Test&gt; &amp; &#34;Title&#34;",
			"Example News · 5 March 2024 · 1 min read",
			"First paragraph with emphasis and a link.",
			`id="margin-data"`,
		}},
		{"empty", &fakeSource{articles: map[string]*article.Article{}}, []string{"Your library is empty."}},
		{"failing", &fakeSource{err: errors.New("disk on fire")}, []string{"The library could not be loaded."}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := render(t, &Library{src: tc.src})
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("library lacks %q in:\n%s", w, got)
				}
			}
			if strings.Contains(got, "disk on fire") {
				t.Error("the library shows an internal error to the reader")
			}
		})
	}
}

func TestReader(t *testing.T) {
	a := sample(t)
	src := &fakeSource{articles: map[string]*article.Article{a.ID: a}}
	got := render(t, &Reader{src: src, at: "/a/" + a.ID})
	for _, w := range []string{
		`<article class="reader-article"`,
		`<h1 class="article-title">A &lt;Test&gt; &amp; &#34;Title&#34;</h1>`,
		`<p class="article-kicker"><span>Example News</span> · <span>5 March 2024</span> · <span>1 min read</span></p>`,
		a.BlockHTML(0),
		a.BlockHTML(len(a.Blocks) - 1),
		`<article class="reader-article" data-id="abc123">`,
	} {
		if !strings.Contains(got, w) {
			t.Errorf("reader lacks %q in:\n%s", w, got)
		}
	}
	// Every block is rendered, from the model, with its index.
	if n := strings.Count(got, `data-b="`); n != len(a.Blocks) {
		t.Errorf("%d blocks rendered, want %d", n, len(a.Blocks))
	}
}

func TestReaderProblems(t *testing.T) {
	for _, tc := range []struct {
		name string
		src  *fakeSource
		path string
		want string
	}{
		{"unknown article", &fakeSource{articles: map[string]*article.Article{}}, "/a/nope", "This article is not in your library."},
		{"offline", &fakeSource{err: fmt.Errorf("get: %w", client.ErrUnreachable)}, "/a/x", "You are offline, and this article is not saved on this device yet."},
		{"server failure", &fakeSource{err: errors.New("boom")}, "/a/x", "This article could not be loaded."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := render(t, &Reader{src: tc.src, at: tc.path})
			if !strings.Contains(got, tc.want) {
				t.Errorf("reader lacks %q in:\n%s", tc.want, got)
			}
			if strings.Contains(got, "boom") || strings.Contains(got, `id="margin-data"`) {
				t.Error("reader shows internals or embeds data for a failed load")
			}
		})
	}
}

func TestMissing(t *testing.T) {
	got := render(t, &Missing{})
	if !strings.Contains(got, "There is no page at this address.") || !strings.Contains(got, `href="/"`) {
		t.Errorf("not-found page:\n%s", got)
	}
}

func TestRoutes(t *testing.T) {
	pattern := regexp.MustCompile(articlePattern)
	for _, tc := range []struct {
		path  string
		id    string
		known bool
	}{
		{"/", "", true},
		{"/a/abc-123_x", "abc-123_x", true},
		{"/a/", "", false},
		{"/a/abc/", "", false},
		{"/a/abc/def", "", false},
		{"/a/<script>", "", false},
		{"/a/" + strings.Repeat("x", 65), "", false},
		{"/a/" + strings.Repeat("x", 64), strings.Repeat("x", 64), true},
		{"/a/é", "", false},
		{"/a/a b", "", false},
		{"/a/a.b", "", false},
		{"/a/ab\n", "", false},
		{"/b/abc", "", false},
		{"a/abc", "", false},
		{"/settings", "", false},
		{"/account", "", true},
		{"/account/", "", false},
	} {
		id, ok := ArticleID(tc.path)
		if id != tc.id || ok != (tc.id != "") {
			t.Errorf("ArticleID(%q) = %q, %v", tc.path, id, ok)
		}
		// go-app's router picks the reader by the pattern.
		if m := pattern.MatchString(tc.path); m != ok {
			t.Errorf("%q: the router's pattern matches: %v; ArticleID: %v", tc.path, m, ok)
		}
		if got := Known(tc.path); got != tc.known {
			t.Errorf("Known(%q) = %v", tc.path, got)
		}
	}
}

func TestRootAttributes(t *testing.T) {
	for _, tc := range []struct{ cookie, want string }{
		{"", ""},
		{"theme=dark", ` data-theme="dark"`},
		{"font=serif&size=0&theme=light", ` data-theme="light" data-font="serif" data-size="0"`},
		{"size=2&font=sans", ""}, // the defaults need no attribute
		{`theme="><script>alert(1)</script>&size=7&font=x`, ""},
		{"size=-1&size=3", ""},
		{"%zz", ""},
	} {
		if got := RootAttributes(tc.cookie); got != tc.want {
			t.Errorf("RootAttributes(%q) = %q, want %q", tc.cookie, got, tc.want)
		}
		// What the server writes is what the app would write back.
		if p := parsePrefs(tc.cookie); RootAttributes(p.cookie()) != tc.want {
			t.Errorf("%q does not survive a round trip through the cookie", tc.cookie)
		}
	}
}
