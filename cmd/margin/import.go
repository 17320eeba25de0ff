//go:build !(js && wasm)

package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"

	"margin/app/article"
	"margin/cmd/internal/extract"
	"margin/cmd/internal/keep"
	"margin/cmd/internal/store"
)

// hostList is a repeatable flag of host:port pairs.
type hostList []string

func (h *hostList) String() string { return strings.Join(*h, ",") }

func (h *hostList) Set(v string) error {
	host, port, err := net.SplitHostPort(v)
	if err != nil || host == "" || port == "" {
		return fmt.Errorf("%q is not host:port", v)
	}
	*h = append(*h, v)
	return nil
}

// guardFlags are the flags that loosen the import's network guard, on
// serve and import alike.
type guardFlags struct {
	private *bool
	hosts   *hostList
}

func addGuardFlags(fl *flag.FlagSet) guardFlags {
	g := guardFlags{hosts: &hostList{}}
	g.private = fl.Bool("allow-private-network", false, "let imports fetch from loopback, private and other special-purpose addresses (for tests and closed networks)")
	fl.Var(g.hosts, "allow-host", "let imports fetch from this `host:port` even when it is on a private network or uses another port than 80 or 443 (repeatable)")
	return g
}

// extractor returns the importer the flags describe.
func (g guardFlags) extractor(log *slog.Logger) *extract.Extractor {
	return extract.New(extract.Config{AllowPrivate: *g.private, AllowHosts: *g.hosts, Log: log})
}

// importCmd imports pages and files into the shared library (the data
// folder's articles/, which the server reads when it starts) or, with
// --user, into that reader's own library. It goes on past a failure and
// fails at the end if any item did.
func importCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("import", flag.ContinueOnError)
	fl.SetOutput(stderr)
	where := addDBFlags(fl)
	guard := addGuardFlags(fl)
	userName := fl.String("user", "", "import into this reader's library instead of the shared one")
	fresh := fl.Bool("fresh", false, "import a page again even when the library has it")
	fl.Usage = func() {
		fmt.Fprintln(stderr, "Usage: margin import [flags] URL|FILE…\n\nURLs are fetched and their article extracted; .html, .md and .txt files are converted.")
		fl.PrintDefaults()
	}
	// Flags may come between the items too.
	var items []string
	for rest := args; ; {
		if err := fl.Parse(rest); err != nil {
			return err
		}
		if fl.NArg() == 0 {
			break
		}
		items = append(items, fl.Arg(0))
		rest = fl.Args()[1:]
	}
	if len(items) == 0 {
		fl.Usage()
		return errors.New("import: name at least one URL or file")
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	st, err := where.open(ctx, log, store.Hooks{})
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	defer st.Close()
	to := shelf{st: st, folder: filepath.Join(*where.data, "articles"), fresh: *fresh}
	if *userName != "" {
		u, err := st.UserByName(ctx, *userName)
		if errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("import: there is no account %q", *userName)
		}
		if err != nil {
			return fmt.Errorf("import: %w", err)
		}
		to.userID = u.ID
	}
	ex := guard.extractor(log)
	failed := 0
	for _, item := range items {
		if ctx.Err() != nil {
			return fmt.Errorf("import: stopped: %w", ctx.Err())
		}
		line, err := importOne(ctx, ex, to, item)
		if err != nil {
			failed++
			fmt.Fprintf(stdout, "failed %s: %s\n", item, sentence(err))
			log.Debug("import failed", "item", item, "err", err)
			continue
		}
		fmt.Fprintln(stdout, line)
	}
	if failed > 0 {
		return fmt.Errorf("import: %d of %d failed", failed, len(items))
	}
	return nil
}

// shelf is where imported articles go: a reader's library (userID) or
// the shared folder.
type shelf struct {
	st     store.Store
	userID string
	folder string
	fresh  bool
}

// importOne imports one URL or file and returns the line that says what
// became of it.
func importOne(ctx context.Context, ex extract.Importer, to shelf, item string) (string, error) {
	var res *extract.Result
	var file []byte
	if strings.HasPrefix(item, "http://") || strings.HasPrefix(item, "https://") {
		var err error
		if res, err = ex.Import(ctx, item); err != nil {
			return "", err
		}
	} else {
		a, b, err := readArticleFile(item)
		if err != nil {
			return "", err
		}
		res, file = &extract.Result{Article: a}, b
	}
	if to.userID != "" {
		kept, err := keep.Import(ctx, to.st, to.userID, res, to.fresh)
		if err != nil {
			return "", err
		}
		verb := "imported"
		if kept.Existing {
			verb = "existing" // the reader had it; nothing was written
		}
		return fmt.Sprintf("%s %s → /a/%s %q", verb, item, kept.Summary.ID, kept.Summary.Meta.Title), nil
	}
	name, err := to.shareFile(ctx, res, file, filepath.Ext(item))
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("shared %s → %s %q", item, name, res.Article.Meta.Title), nil
}

// readArticleFile converts an .html, .md or .txt file, and returns the
// article and the file's bytes.
func readArticleFile(path string) (*article.Article, []byte, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, nil, err
	}
	if info.Size() > article.MaxInput {
		return nil, nil, fmt.Errorf("%s: %w", path, article.ErrTooLarge)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	var a *article.Article
	switch strings.ToLower(filepath.Ext(path)) {
	case ".html", ".htm":
		a, err = article.FromHTML(string(b), "")
	case ".md":
		a, err = article.FromMarkdown(string(b))
	case ".txt":
		a, err = article.FromText(string(b))
	default:
		return nil, nil, fmt.Errorf("%s: not a URL, nor an .html, .md or .txt file", path)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	if a.Meta.Title == "" {
		a.Meta.Title = strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	}
	return a, b, nil
}

// shareFile puts an article in the shared folder, under a name made from
// its title: a file as it was read, or an imported page as its model
// (.json), with its images in the store.
func (to shelf) shareFile(ctx context.Context, res *extract.Result, file []byte, ext string) (string, error) {
	a := res.Article
	if err := os.MkdirAll(to.folder, 0o755); err != nil {
		return "", err
	}
	data := file
	if file == nil {
		ext = ".json"
		for _, img := range res.Images {
			if !keep.MediaTypes[img.Type] {
				continue
			}
			if err := to.st.PutMedia(ctx, store.Media{Hash: img.Hash, Type: img.Type, Data: img.Data}); err != nil {
				return "", err
			}
		}
		if res.URL != "" {
			a.Meta.URL = res.URL
		}
		a.ID = keep.ID(res.URL, to.fresh)
		var err error
		if data, err = json.MarshalIndent(a, "", "\t"); err != nil {
			return "", err
		}
	}
	base := slug(a.Meta.Title)
	for n := 1; ; n++ {
		name := base + ext
		if n > 1 {
			name = fmt.Sprintf("%s-%d%s", base, n, ext)
		}
		path := filepath.Join(to.folder, name)
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(err, os.ErrExist) {
			continue
		}
		if err != nil {
			return "", err
		}
		if _, err := f.Write(data); err != nil {
			f.Close()
			os.Remove(path)
			return "", err
		}
		if err := f.Close(); err != nil {
			os.Remove(path)
			return "", err
		}
		return path, nil
	}
}

// slug makes a file name of a title: lower-case letters and digits
// joined by hyphens, at most 60 bytes.
func slug(title string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(title) {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
			dash = b.Len() > 0
			continue
		}
		if dash {
			b.WriteByte('-')
			dash = false
		}
		if b.Len()+len(string(r)) > 60 {
			break
		}
		b.WriteRune(r)
	}
	if b.Len() == 0 {
		return "article"
	}
	return b.String()
}

// sentence is what a person is told of a failed item: the extractor's
// sentence when there is one.
func sentence(err error) string {
	if e, ok := extract.AsError(err); ok && e.Message != "" {
		return e.Message
	}
	if errors.Is(err, keep.ErrTooLarge) {
		return "The article is too long for Margin to keep: its text is more than 1 MB."
	}
	return err.Error()
}
