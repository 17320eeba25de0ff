// Package articles holds the server's articles in memory: the sample
// articles built into the binary and any article files found in the data
// folder. It is the library the pages are prerendered from.
package articles

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"

	"margin/app/article"
	"margin/app/library"
)

// Collection is a set of articles by id. It is safe for concurrent use.
type Collection struct {
	mu    sync.RWMutex // mu guards byID and order
	byID  map[string]*article.Article
	order []library.Summary // newest first
}

// New returns an empty collection.
func New() *Collection {
	return &Collection{byID: map[string]*article.Article{}}
}

// Load returns a collection of the article files in seed (a file system
// whose articles/ folder holds the samples) and in dir/articles, if that
// folder exists. A broken sample is an error; a broken file in the data
// folder is logged and skipped, so one bad file does not keep the server
// from starting.
func Load(seed fs.FS, dir string, log *slog.Logger) (*Collection, error) {
	c := New()
	if err := c.loadFS(seed, "articles", nil); err != nil {
		return nil, fmt.Errorf("articles: samples: %w", err)
	}
	if dir == "" {
		return c, nil
	}
	folder := filepath.Join(dir, "articles")
	if _, err := os.Stat(folder); errors.Is(err, fs.ErrNotExist) {
		return c, nil
	}
	if err := c.loadFS(os.DirFS(folder), ".", log); err != nil {
		return nil, fmt.Errorf("articles: %s: %w", folder, err)
	}
	return c, nil
}

// loadFS adds every .md, .txt, .html and .json (model) file of fsys's folder dir. With a
// logger, a file that fails is logged and skipped; without, it is an error.
func (c *Collection) loadFS(fsys fs.FS, dir string, log *slog.Logger) error {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		name := path.Join(dir, e.Name())
		a, err := parseFile(fsys, name)
		if errors.Is(err, errUnknownKind) {
			continue
		}
		if err != nil {
			if log == nil {
				return err
			}
			log.Warn("article file skipped", "file", name, "err", err)
			continue
		}
		c.Add(a)
	}
	return nil
}

var errUnknownKind = errors.New("not an article file")

func parseFile(fsys fs.FS, name string) (*article.Article, error) {
	ext := strings.ToLower(path.Ext(name))
	if ext != ".md" && ext != ".txt" && ext != ".html" && ext != ".htm" && ext != ".json" {
		return nil, errUnknownKind
	}
	info, err := fs.Stat(fsys, name)
	if err != nil {
		return nil, err
	}
	// Checked before reading, so a huge file is never loaded into memory.
	if info.Size() > article.MaxInput {
		return nil, fmt.Errorf("%s: %w", name, article.ErrTooLarge)
	}
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, err
	}
	var a *article.Article
	switch ext {
	case ".md":
		a, err = article.FromMarkdown(string(b))
	case ".txt":
		a, err = article.FromText(string(b))
	case ".json":
		a, err = fromModel(b)
	default:
		a, err = article.FromHTML(string(b), "")
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if a.Meta.Title == "" {
		a.Meta.Title = strings.TrimSuffix(path.Base(name), path.Ext(name))
	}
	return a, nil
}

// fromModel reads an article model as JSON, the form "margin import"
// writes an imported page in: it keeps the page's id and its images'
// addresses exactly.
func fromModel(b []byte) (*article.Article, error) {
	var a article.Article
	if err := json.Unmarshal(b, &a); err != nil {
		return nil, fmt.Errorf("%w: %v", article.ErrMalformed, err)
	}
	if err := article.Check(&a); err != nil {
		return nil, err
	}
	if !validID(a.ID) {
		a.ID = "" // named from its content instead
	}
	return &a, nil
}

// validID reports whether id may name an article in a reader address.
func validID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, c := range []byte(id) {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// Add puts a in the collection under an id made from its content, so the
// same article keeps its address across restarts, and returns the id.
func (c *Collection) Add(a *article.Article) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	id := a.ID
	if id == "" {
		base := a.Meta.Hash
		if len(base) > 12 {
			base = base[:12]
		}
		id = base
		for n := 2; c.byID[id] != nil; n++ {
			id = fmt.Sprintf("%s-%d", base, n)
		}
		a.ID = id
	}
	if c.byID[id] != nil {
		c.order = slices.DeleteFunc(c.order, func(s library.Summary) bool { return s.ID == id })
	}
	c.byID[id] = a
	// Insert in place rather than sort again: loading a folder adds many.
	s := library.Summarize(a)
	i := sort.Search(len(c.order), func(i int) bool { return before(s.Meta, c.order[i].Meta) })
	c.order = slices.Insert(c.order, i, s)
	return id
}

// before reports whether an article with metadata a is listed before one
// with b: newest first, then by title.
func before(a, b article.Meta) bool {
	if !a.Published.Equal(b.Published) {
		return a.Published.After(b.Published)
	}
	return a.Title < b.Title
}

// Has reports whether the collection holds an article with the given id.
func (c *Collection) Has(id string) bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.byID[id] != nil
}

// Summaries returns the articles' summaries, newest first.
func (c *Collection) Summaries(ctx context.Context) ([]library.Summary, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return append([]library.Summary(nil), c.order...), nil
}

// Article returns the article with the given id; it must not be modified.
func (c *Collection) Article(ctx context.Context, id string) (*article.Article, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	a := c.byID[id]
	if a == nil {
		return nil, fmt.Errorf("article %q: %w", id, library.ErrNotFound)
	}
	return a, nil
}

var _ library.Source = (*Collection)(nil)
