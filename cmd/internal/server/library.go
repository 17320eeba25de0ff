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
	"time"

	"margin/app/article"
	"margin/app/library"
	"margin/cmd/internal/respond"
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
	if sc, ok := pageScopes.get(library.Scope(ctx)); ok && sc.summaries != nil {
		return sc.summaries, nil
	}
	return p.shared.Summaries(ctx)
}

func (p pageSource) Article(ctx context.Context, id string) (*article.Article, error) {
	if sc, ok := pageScopes.get(library.Scope(ctx)); ok && sc.article != nil && sc.article.ID == id {
		return sc.article, nil
	}
	return p.shared.Article(ctx, id)
}

// pageScopes holds what the pages being rendered at this moment show of
// their readers' own libraries, each under a one-time random name that
// only the page handler knows and that ends with the request.
var pageScopes = &scopes{m: map[string]scope{}}

// scope is what one page may show of its reader's library.
type scope struct {
	article   *article.Article  // the reader's own article the page shows
	summaries []library.Summary // the reader's whole library, for its page
}

type scopes struct {
	mu sync.Mutex // guards m
	m  map[string]scope
}

// add keeps sc for one page and returns the name to pass the prerender;
// done forgets it.
func (ss *scopes) add(sc scope) (name string, done func()) {
	b := make([]byte, 16)
	rand.Read(b)
	name = hex.EncodeToString(b)
	ss.mu.Lock()
	ss.m[name] = sc
	ss.mu.Unlock()
	return name, func() {
		ss.mu.Lock()
		delete(ss.m, name)
		ss.mu.Unlock()
	}
}

// get returns the scope kept under name.
func (ss *scopes) get(name string) (scope, bool) {
	if name == "" {
		return scope{}, false
	}
	ss.mu.Lock()
	defer ss.mu.Unlock()
	sc, ok := ss.m[name]
	return sc, ok
}

// withScope returns a copy of r whose address names the scope name, or
// none when name is "" (a scope a client put in the address is dropped).
func withScope(r *http.Request, name string) *http.Request {
	q := r.URL.Query()
	if name == "" && !q.Has(library.ScopeParam) {
		return r
	}
	q.Del(library.ScopeParam)
	if name != "" {
		q.Set(library.ScopeParam, name)
	}
	out := r.Clone(r.Context())
	out.URL.RawQuery = q.Encode()
	return out
}

// scopedPage returns the request to hand go-app for the page r asks
// for, and whether the page is the signed-in reader's own (then done,
// called after the render, forgets what it may show): for their own
// article id, a scope holding it; for the library ("/"), one holding
// their library. Otherwise it is r without any scope a client put in its
// address. A store failure is an error.
func (s *Server) scopedPage(r *http.Request, id string) (out *http.Request, own bool, done func(), err error) {
	done = func() {}
	home := r.URL.Path == "/"
	// The library is drawn for its reader only when they navigate to it:
	// the service worker's copy of it, the offline shell, stays the
	// shared one, so no later reader on the device is shown it.
	if home && r.Header.Get("Sec-Fetch-Mode") != "" && r.Header.Get("Sec-Fetch-Mode") != "navigate" {
		home = false
	}
	if (id == "" && !home) || s.cfg.Store == nil {
		return withScope(r, ""), false, done, nil
	}
	userID, ok, err := s.viewer(r)
	if err != nil || !ok {
		return withScope(r, ""), false, done, err
	}
	var sc scope
	if home {
		sc.summaries, err = s.librarySummaries(r.Context(), userID)
	} else {
		sc.article, err = s.ownArticle(r.Context(), userID, id)
	}
	if errors.Is(err, library.ErrNotFound) {
		return withScope(r, ""), false, done, nil
	}
	if err != nil {
		return withScope(r, ""), false, done, err
	}
	name, done := pageScopes.add(sc)
	return withScope(r, name), true, done, nil
}

// deleteArticle deletes one of the signed-in reader's own articles, for
// good, and tells their devices. A shared article is the operator's
// (403); anyone else's, like an unknown one, is not found.
func (s *Server) deleteArticle(w http.ResponseWriter, r *http.Request, sess store.Session) {
	id := r.PathValue("id")
	if s.cfg.Articles.Has(id) {
		respond.Error(w, r, respond.Problem{Status: http.StatusForbidden, Code: "shared",
			Message: "This article is in the shared library; only the server's operator can remove it."}, nil)
		return
	}
	err := s.cfg.Store.DeleteArticle(r.Context(), sess.UserID, id, time.Now())
	if errors.Is(err, store.ErrNotFound) {
		respond.Error(w, r, respond.NotFound("article"), err)
		return
	}
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), notifyTimeout)
	if err := s.cfg.Store.Notify(ctx, sess.UserID); err != nil {
		s.log.Warn("articles: notify the reader's devices", "user", sess.UserID, "err", err)
	}
	cancel()
	w.WriteHeader(http.StatusNoContent)
}
