package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"

	"margin/app/article"
	"margin/app/library"
	"margin/cmd/internal/store"
)

// A reader's library is the shared articles (the Collection: samples and
// the data folder's files) and their own article objects, whose ids are
// not in the shared set. Only their owner ever reads the latter: every
// lookup below takes the signed-in user's id, and another user's article
// is answered exactly like an unknown one.

// ownArticle returns the signed-in user's own article id, or an error
// wrapping library.ErrNotFound.
func (s *Server) ownArticle(ctx context.Context, userID, id string) (*article.Article, error) {
	doc, err := s.cfg.Store.ArticleDoc(ctx, userID, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("article %q: %w", id, library.ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	var a article.Article
	if err := json.Unmarshal(doc, &a); err != nil {
		return nil, fmt.Errorf("article %q: stored model: %w", id, err)
	}
	a.ID = id
	return &a, nil
}

// librarySummaries returns what a reader's library lists: their own
// articles, the latest stored first, then the shared ones. userID "" is
// a guest, who sees the shared ones only.
func (s *Server) librarySummaries(ctx context.Context, userID string) ([]library.Summary, error) {
	shared, err := s.cfg.Articles.Summaries(ctx)
	if err != nil {
		return nil, err
	}
	if userID == "" {
		return shared, nil
	}
	own, err := s.cfg.Store.OwnArticles(ctx, userID)
	if err != nil {
		return nil, err
	}
	out := make([]library.Summary, 0, len(own)+len(shared))
	for _, a := range own {
		// A copy the reader's device kept of a shared article is theirs
		// too, but listed once, as the shared one.
		if !s.cfg.Articles.Has(a.Summary.ID) {
			out = append(out, a.Summary)
		}
	}
	return append(out, shared...), nil
}

// PageSource is the source the server's pages are prerendered from
// (ui.Register's): the shared library, and, for a page the server draws
// for a signed-in reader (see library.ScopeParam), that reader's own
// article. ui.Register is global to the process, so the source is too,
// and each page's scope says which reader's article it may show.
func PageSource(shared library.Source) library.Source { return pageSource{shared} }

type pageSource struct{ shared library.Source }

func (p pageSource) Summaries(ctx context.Context) ([]library.Summary, error) {
	return p.shared.Summaries(ctx)
}

func (p pageSource) Article(ctx context.Context, id string) (*article.Article, error) {
	if a, ok := pageScopes.article(library.Scope(ctx), id); ok {
		return a, nil
	}
	return p.shared.Article(ctx, id)
}

// pageScopes holds the readers' own articles that pages being rendered at
// this moment show, each under a one-time random name that only the page
// handler knows and that ends with the request.
var pageScopes = &scopes{m: map[string]*article.Article{}}

type scopes struct {
	mu sync.Mutex // guards m
	m  map[string]*article.Article
}

// add keeps a for one page and returns the name to pass the prerender;
// done forgets it.
func (sc *scopes) add(a *article.Article) (name string, done func()) {
	b := make([]byte, 16)
	rand.Read(b)
	name = hex.EncodeToString(b)
	sc.mu.Lock()
	sc.m[name] = a
	sc.mu.Unlock()
	return name, func() {
		sc.mu.Lock()
		delete(sc.m, name)
		sc.mu.Unlock()
	}
}

// article returns the article kept under name, if it is id.
func (sc *scopes) article(name, id string) (*article.Article, bool) {
	if name == "" {
		return nil, false
	}
	sc.mu.Lock()
	defer sc.mu.Unlock()
	a := sc.m[name]
	return a, a != nil && a.ID == id
}

// scopedPage returns the request to hand go-app for a page of r's path:
// for the signed-in reader's own article id, one whose address names a
// scope holding it (found true, with done to call after the render);
// otherwise r without any scope a client put in its address (found
// false). A store failure is an error.
func (s *Server) scopedPage(r *http.Request, id string) (out *http.Request, found bool, done func(), err error) {
	out = r
	done = func() {}
	if q := r.URL.Query(); q.Has(library.ScopeParam) {
		q.Del(library.ScopeParam)
		out = r.Clone(r.Context())
		out.URL.RawQuery = q.Encode()
	}
	if id == "" || s.cfg.Store == nil {
		return out, false, done, nil
	}
	userID, ok, err := s.viewer(r)
	if err != nil || !ok {
		return out, false, done, err
	}
	a, err := s.ownArticle(r.Context(), userID, id)
	if errors.Is(err, library.ErrNotFound) {
		return out, false, done, nil
	}
	if err != nil {
		return out, false, done, err
	}
	name, done := pageScopes.add(a)
	out = out.Clone(r.Context())
	q := out.URL.Query()
	q.Set(library.ScopeParam, name)
	out.URL.RawQuery = q.Encode()
	return out, true, done, nil
}
