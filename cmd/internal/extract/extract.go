package extract

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/net/html/charset"
)

// The defaults of Config's zero fields.
const (
	DefaultMaxBytes      = 10 << 20
	DefaultTimeout       = 15 * time.Second
	DefaultMaxRedirects  = 5
	DefaultMaxImages     = 50
	DefaultMaxImageBytes = 25 << 20
)

// Extractor imports articles; it is safe for concurrent use.
type Extractor struct {
	cfg   Config
	guard *guard
	log   *slog.Logger
}

var _ Importer = (*Extractor)(nil)

// New returns an Extractor bounded by cfg.
func New(cfg Config) *Extractor {
	if cfg.MaxBytes <= 0 {
		cfg.MaxBytes = DefaultMaxBytes
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.MaxRedirects <= 0 {
		cfg.MaxRedirects = DefaultMaxRedirects
	}
	if cfg.MaxImages <= 0 {
		cfg.MaxImages = DefaultMaxImages
	}
	if cfg.MaxImageBytes <= 0 {
		cfg.MaxImageBytes = DefaultMaxImageBytes
	}
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Extractor{cfg: cfg, guard: newGuard(cfg), log: log}
}

// pageAccept is the Accept header of a page request.
const pageAccept = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"

// Import fetches the page at rawURL, extracts its article and fetches its
// images, all within Config.Timeout.
func (e *Extractor) Import(ctx context.Context, rawURL string) (*Result, error) {
	ctx, cancel := context.WithTimeout(ctx, e.cfg.Timeout)
	defer cancel()
	u, err := parseURL(rawURL)
	if err != nil {
		return nil, err
	}
	resp, err := e.guard.fetch(ctx, u, pageAccept, e.cfg.MaxBytes, checkHTML)
	if err != nil {
		return nil, fmt.Errorf("import %s: %w", u.Redacted(), err)
	}
	page := resp.body
	if resp.ctype == "" && http.DetectContentType(page) != "text/html; charset=utf-8" {
		return nil, fmt.Errorf("import %s: %w", u, notHTML("no content type, and not HTML by its bytes"))
	}
	page, err = toUTF8(page, resp.ctype, e.cfg.MaxBytes)
	if err != nil {
		return nil, fmt.Errorf("import %s: %w", u, err)
	}
	r, err := e.extract(ctx, page, resp.url)
	if err != nil {
		return nil, fmt.Errorf("import %s: %w", u, err)
	}
	return r, nil
}

// FromHTML extracts the article from page, the page at pageURL as a
// browser showed it, and fetches its images within Config.Timeout.
func (e *Extractor) FromHTML(ctx context.Context, page []byte, pageURL string) (*Result, error) {
	ctx, cancel := context.WithTimeout(ctx, e.cfg.Timeout)
	defer cancel()
	u, err := parseURL(pageURL)
	if err != nil {
		return nil, err
	}
	if int64(len(page)) > e.cfg.MaxBytes {
		return nil, fmt.Errorf("import %s: %w", u, tooLarge(e.cfg.MaxBytes, fmt.Errorf("%d bytes of HTML", len(page))))
	}
	r, err := e.extract(ctx, page, u)
	if err != nil {
		return nil, fmt.Errorf("import %s: %w", u, err)
	}
	return r, nil
}

func (e *Extractor) extract(ctx context.Context, page []byte, u *url.URL) (*Result, error) {
	r, err := Parse(page, u.String())
	if err != nil {
		return nil, err
	}
	r.Images = e.images(ctx, r.Article)
	return r, nil
}

// parseURL reads an address given by a person, which must be an absolute
// http(s) URL with a host and without user name or password; for a page
// to fetch, the guard checks the rest.
func parseURL(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err == nil && (!u.IsAbs() || (u.Scheme == "http" || u.Scheme == "https") && (u.Host == "" || u.Opaque != "")) {
		err = errors.New("not an absolute http(s) URL")
	}
	if err != nil {
		return nil, &Error{Kind: KindBadURL, Message: "That is not a web address Margin can fetch.",
			Err: fmt.Errorf("import %.200q: %w", raw, err)}
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, &Error{Kind: KindBadURL, Message: "Margin fetches only http and https addresses.",
			Err: fmt.Errorf("import %.200q: scheme %q", raw, u.Scheme)}
	}
	if u.User != nil {
		return nil, &Error{Kind: KindBadURL, Message: "Addresses with a user name or password are not fetched.",
			Err: fmt.Errorf("import %s: credentials in the URL", u.Redacted())}
	}
	return u, nil
}

// checkHTML refuses a response whose Content-Type is not a web page's.
// A missing type is judged by the body's first bytes afterwards.
func checkHTML(resp *http.Response) error {
	ct := resp.Header.Get("Content-Type")
	if ct == "" {
		return nil
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err == nil && (mt == "text/html" || mt == "application/xhtml+xml") {
		return nil
	}
	return notHTML("content type " + ct)
}

func notHTML(detail string) *Error {
	return &Error{Kind: KindNotHTML, Message: "That address is not a web page.", Err: errors.New(detail)}
}

// toUTF8 decodes page from the character set its Content-Type or its
// <meta charset> names (UTF-8 when neither does).
func toUTF8(page []byte, ctype string, limit int64) ([]byte, error) {
	enc, name, _ := charset.DetermineEncoding(page, ctype)
	if name == "utf-8" || enc == nil {
		return page, nil
	}
	out, err := io.ReadAll(io.LimitReader(enc.NewDecoder().Reader(bytes.NewReader(page)), limit+1))
	if err != nil {
		return nil, &Error{Kind: KindNotHTML, Message: "That page's text could not be read.", Err: err}
	}
	if int64(len(out)) > limit {
		return nil, tooLarge(limit, errors.New("over the limit once decoded to UTF-8"))
	}
	return out, nil
}
