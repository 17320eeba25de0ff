package server

import (
	"bytes"
	"compress/gzip"
	"html"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"margin/app/ui"
	"margin/cmd/internal/static"
)

// page answers a page address with go-app's prerendered HTML, corrected
// where go-app's stock handler would mislead browsers:
//
//   - go-app answers 304 to any request whose If-None-Match is the build
//     version, whatever the page; a page's content changes without a new
//     build, so pages carry no ETag and their validators are ignored;
//   - unknown addresses and unknown articles get status 404 (the page is
//     Margin's own not-found page);
//   - the <head>'s attributes are re-escaped and made absolute, and it ends
//     with the inline stylesheet (see fixHead);
//   - <html> carries the reader's display preferences from their cookie, so
//     the page paints in the right theme without waiting for a script.
func (s *Server) page(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "Pages can only be read.", http.StatusMethodNotAllowed)
		return
	}
	status := http.StatusOK
	own := false // the page shows the signed-in reader's own article or library
	render := r
	if !ui.Known(r.URL.Path) {
		status = http.StatusNotFound
	} else if id, ok := ui.ArticleID(r.URL.Path); ok && !s.cfg.Articles.Has(id) {
		var done func()
		var err error
		render, own, done, err = s.scopedPage(r, id)
		if err != nil {
			s.log.Error("page: the reader's own article", "path", r.URL.Path, "err", err)
			http.Error(w, "Something went wrong on the server. Try again in a moment.", http.StatusInternalServerError)
			return
		}
		defer done()
		if !own {
			status = http.StatusNotFound
		}
	} else {
		var done func()
		var err error
		if render, own, done, err = s.scopedPage(r, ""); err != nil {
			// The page still shows: the shared library, and the app
			// asks for the reader's own once it runs.
			s.log.Warn("page: the reader's library", "path", r.URL.Path, "err", err)
		}
		defer done()
	}
	render.Header.Del("If-None-Match")
	render.Header.Del("If-Modified-Since")

	rec := &recorder{header: http.Header{}}
	s.app.ServeHTTP(rec, render)
	if rec.status != 0 && rec.status != http.StatusOK {
		// go-app failed to render; pass its answer on as it is.
		copyHeader(w.Header(), rec.header)
		w.WriteHeader(rec.status)
		w.Write(rec.body.Bytes())
		return
	}
	ogType := "website"
	if _, ok := ui.ArticleID(r.URL.Path); ok && status == http.StatusOK {
		ogType = "article"
	}
	body := fixHead(rec.body.Bytes(), s.origin(r), ogType, s.style.element)
	if c, err := r.Cookie(ui.PrefsCookie); err == nil {
		body = withRootAttributes(body, ui.RootAttributes(c.Value))
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	if own {
		// One reader's page: no shared cache may keep it for another.
		h.Set("Cache-Control", "private, no-cache")
		h.Add("Vary", "Cookie")
	}
	h.Add("Vary", "Accept-Encoding")
	if static.Accepts(r.Header.Get("Accept-Encoding"), "gzip") {
		if z, err := gzipped(body); err != nil {
			s.log.Warn("compress page", "path", r.URL.Path, "err", err)
		} else {
			body = z
			h.Set("Content-Encoding", "gzip")
		}
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	w.Write(body)
}

// gzippers are reused: a gzip.Writer allocates most of a megabyte.
var gzippers = sync.Pool{New: func() any {
	z, _ := gzip.NewWriterLevel(nil, gzip.DefaultCompression)
	return z
}}

// gzipped compresses a page. Pages carry the stylesheet: the sample
// article's page goes from 35 kB to 9 kB.
func gzipped(b []byte) ([]byte, error) {
	var out bytes.Buffer
	out.Grow(len(b) / 3)
	z := gzippers.Get().(*gzip.Writer)
	defer gzippers.Put(z)
	z.Reset(&out)
	if _, err := z.Write(b); err != nil {
		return nil, err
	}
	if err := z.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// origin is the scheme and host the server is reached at.
func (s *Server) origin(r *http.Request) string {
	if s.cfg.PublicURL != "" {
		return s.cfg.PublicURL
	}
	scheme := "http"
	if s.isHTTPS(r) {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// headAttr matches an attribute as go-app writes it: its value through
// strconv.Quote, so a quote inside comes out as \" and ends the attribute
// early for an HTML parser.
var headAttr = regexp.MustCompile(`(\s[a-zA-Z][a-zA-Z0-9:_-]*)="((?:[^"\\]|\\.)*)"`)

// ogTypeTag matches the Open Graph type, which go-app always calls website.
var ogTypeTag = regexp.MustCompile(`<meta[^>]*property="og:type"[^>]*>`)

// fixHead rewrites the attributes in the document's <head> with HTML
// escaping instead of Go quoting, so titles and descriptions holding ", <,
// & or \ still make valid meta tags, makes the host-less URLs go-app
// writes for link previews ("https:///a/x") absolute on origin, and puts
// style at the end of the head: the document is rebuilt here anyway, so
// the style costs no second copy of it.
func fixHead(doc []byte, origin, ogType string, style []byte) []byte {
	start := bytes.Index(doc, []byte("<head>"))
	end := bytes.Index(doc, []byte("</head>"))
	if start < 0 || end < start {
		return doc
	}
	head := headAttr.ReplaceAllFunc(doc[start:end], func(m []byte) []byte {
		sub := headAttr.FindSubmatch(m)
		v, err := strconv.Unquote(`"` + string(sub[2]) + `"`)
		if err != nil {
			return m
		}
		if rest, ok := strings.CutPrefix(v, "https:///"); ok {
			v = origin + "/" + rest
		} else if v == "https://" {
			v = origin + "/"
		}
		return []byte(string(sub[1]) + `="` + html.EscapeString(v) + `"`)
	})
	if ogType != "website" {
		head = ogTypeTag.ReplaceAllFunc(head, func(m []byte) []byte {
			return bytes.Replace(m, []byte(`content="website"`), []byte(`content="`+ogType+`"`), 1)
		})
	}
	// go-app's stylesheet only styles its loader, which margin.css styles
	// alone: one stylesheet fewer to wait for before the first paint.
	head = goappCSS.ReplaceAll(head, nil)
	out := make([]byte, 0, len(doc)+len(head)-(end-start)+len(style))
	out = append(out, doc[:start]...)
	out = append(out, head...)
	out = append(out, style...)
	return append(out, doc[end:]...)
}

// goappCSS is the link to go-app's stylesheet, its attributes in any order.
var goappCSS = regexp.MustCompile(`\s*<link [^>]*href="/app\.css"[^>]*>`)

// withRootAttributes adds attrs to the document's <html> element.
func withRootAttributes(doc []byte, attrs string) []byte {
	i := bytes.Index(doc, []byte("<html"))
	if attrs == "" || i < 0 {
		return doc
	}
	i += len("<html")
	out := make([]byte, 0, len(doc)+len(attrs))
	out = append(out, doc[:i]...)
	out = append(out, attrs...)
	return append(out, doc[i:]...)
}

// recorder keeps an answer in memory so it can be corrected before it
// is sent.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.header }

func (r *recorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.body.Write(b)
}

func copyHeader(dst, src http.Header) {
	for k, v := range src {
		dst[k] = v
	}
}
