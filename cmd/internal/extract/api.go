package extract

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"time"

	"margin/app/article"
)

// Config bounds what an Extractor may fetch. Zero fields take the
// defaults given beside them.
type Config struct {
	// AllowPrivate lets the guard dial loopback, private and other
	// special-purpose addresses (margin serve --allow-private-network).
	AllowPrivate bool
	// AllowHosts are "host:port" pairs the guard lets through even when
	// they resolve to a private address or use a port other than 80/443
	// (margin serve --allow-host, repeatable).
	AllowHosts    []string
	MaxBytes      int64         // one page or image after decompression (10 MB)
	Timeout       time.Duration // one whole import, images included (15 s)
	MaxRedirects  int           // per fetch (5)
	MaxImages     int           // images fetched per article (50)
	MaxImageBytes int64         // all images of one article together (25 MB)
	// Resolver looks names up; nil is net.DefaultResolver. Tests give a
	// resolver of their own to point a name at 127.0.0.1.
	Resolver *net.Resolver
	Log      *slog.Logger
}

// Image is one image of an imported article, named by the hex SHA-256
// of its bytes. The article's image sources point at "/media/{Hash}".
type Image struct {
	Hash string
	Type string // image/png, image/jpeg, image/gif, image/webp, image/avif or image/svg+xml
	Data []byte
}

// Result is an imported article and the images it shows.
type Result struct {
	Article *article.Article
	Images  []Image
	// URL is the page's canonical address (see CanonicalURL), by which a
	// second import of the same page is recognised.
	URL string
}

// Kind says why an import failed.
type Kind int

// The kinds of failure.
const (
	KindBadURL    Kind = iota + 1 // not an http(s) URL, credentials in it, a refused port
	KindPrivate                   // the address is on a private network
	KindStatus                    // the site answered with an error status
	KindNotHTML                   // the content is not a web page
	KindTooLarge                  // the page is larger than the limit
	KindTimeout                   // the site took too long
	KindRedirects                 // too many redirects
	KindNoArticle                 // the page has no article text
	KindNetwork                   // the site could not be reached
)

// Error is a failed import: Message is a sentence for the person who
// asked ("That address is on a private network."), Err the detail for logs.
type Error struct {
	Kind    Kind
	Message string
	Err     error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return "extract: " + e.Message + ": " + e.Err.Error()
	}
	return "extract: " + e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// AsError returns the *Error in err's chain, if any.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// Importer is what the server needs of this package; *Extractor is one.
type Importer interface {
	// Import fetches the page at rawURL and its images.
	Import(ctx context.Context, rawURL string) (*Result, error)
	// FromHTML extracts the article from html, the page at pageURL as a
	// browser showed it (the bookmarklet), and fetches its images.
	FromHTML(ctx context.Context, html []byte, pageURL string) (*Result, error)
}
