package server

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"margin/app/library"
	msync "margin/app/sync"
	"margin/cmd/internal/extract"
	"margin/cmd/internal/keep"
	"margin/cmd/internal/respond"
)

// maxImportHTML is the largest page a browser may send to import (the
// bookmarklet's "html"), the same bound the extractor puts on a page it
// fetches.
const maxImportHTML = 10 << 20

// importBodyLimit leaves room around the page for JSON's escapes and the
// other members.
const importBodyLimit = maxImportHTML + maxImportHTML/4

// importRequest is the body of POST /api/import.
type importRequest struct {
	URL string `json:"url"`
	// HTML is the page as the reader's browser showed it (the
	// bookmarklet), imported instead of fetching URL.
	HTML *string `json:"html"`
	// Fresh asks for a new copy even when the page is in the library.
	Fresh bool `json:"fresh"`
}

// importResponse answers an import: the article's summary, and whether it
// was in the library already.
type importResponse struct {
	Article  library.Summary `json:"article"`
	Existing bool            `json:"existing,omitempty"`
}

// principal is who asks for an import: the user whose library receives
// the article, and the key the rate limit counts their imports under.
type principal struct {
	UserID   string
	LimitKey string
}

// importPrincipal authenticates an import: an API token with the import
// scope (withTokens has checked it), or else the session cookie. It is the
// one place that says who imports; when it returns false it has answered.
func (s *Server) importPrincipal(w http.ResponseWriter, r *http.Request) (principal, bool) {
	if p, ok := tokenPrincipal(r.Context()); ok {
		return p, true
	}
	sess, ok := s.session(w, r)
	if !ok {
		return principal{}, false
	}
	return principal{UserID: sess.UserID, LimitKey: "user:" + sess.UserID}, true
}

// importArticle imports a page into the reader's library: it fetches the
// page (or takes the HTML the browser sent), extracts the article, keeps
// its images, and writes the article into the reader's synced objects.
// The import runs under the request's context, so a client that goes
// away stops the fetch.
func (s *Server) importArticle(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Importer == nil {
		respond.Error(w, r, respond.Problem{Status: http.StatusServiceUnavailable, Code: "import_off",
			Message: "This server does not import articles. Ask its operator to turn import on."}, nil)
		return
	}
	who, ok := s.importPrincipal(w, r)
	if !ok {
		return
	}
	if wait, first := s.importLimits.Take(who.LimitKey, time.Now()); wait > 0 {
		if first {
			s.log.Warn("import: rate limited", "key", who.LimitKey)
		}
		secs := int((wait + time.Second - 1) / time.Second)
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		respond.Error(w, r, respond.Problem{Status: http.StatusTooManyRequests, Code: "rate_limited",
			Message: fmt.Sprintf("You have imported many articles in a short time. Try again in %d seconds.", secs)}, nil)
		return
	}
	// A slot is taken before the body is read: a body may be megabytes.
	select {
	case s.importSlots <- struct{}{}:
		defer func() { <-s.importSlots }()
	default:
		w.Header().Set("Retry-After", "2")
		respond.Error(w, r, respond.Problem{Status: http.StatusServiceUnavailable, Code: "busy",
			Message: "The server is busy with other imports. Try again in a moment."}, nil)
		return
	}
	var req importRequest
	if !respond.DecodeJSON(w, r, importBodyLimit, &req) {
		return
	}
	req.URL = strings.TrimSpace(req.URL)
	switch {
	case req.URL == "":
		// Posted HTML needs its address too: its links and images are
		// relative to it, and it is what a second import is known by.
		respond.Error(w, r, respond.Problem{Status: http.StatusBadRequest, Code: "bad_request",
			Message: "Give the address of the page to import."}, nil)
		return
	case len(req.URL) > 8192:
		respond.Error(w, r, respond.Problem{Status: http.StatusUnprocessableEntity, Code: "bad_url",
			Message: "That address is too long to be a web page's."}, nil)
		return
	case req.HTML != nil && len(*req.HTML) > maxImportHTML:
		respond.Error(w, r, respond.Problem{Status: http.StatusRequestEntityTooLarge, Code: "too_large",
			Message: "The page is larger than 10 MB."}, nil)
		return
	}

	ctx := r.Context()
	if !req.Fresh && req.HTML == nil {
		// A page already in the library is answered without fetching it
		// again, when its address says so; a page whose canonical address
		// only the page itself gives is found after the fetch.
		if canon, err := extract.CanonicalURL(req.URL); err == nil {
			sum, ok, err := keep.Existing(ctx, s.cfg.Store, who.UserID, canon)
			if err != nil {
				s.storeError(w, r, err)
				return
			}
			if ok {
				respond.JSON(w, http.StatusOK, importResponse{Article: sum, Existing: true})
				return
			}
		}
	}
	var res *extract.Result
	var err error
	if req.HTML != nil {
		res, err = s.cfg.Importer.FromHTML(ctx, []byte(*req.HTML), req.URL)
	} else {
		res, err = s.cfg.Importer.Import(ctx, req.URL)
	}
	if ctx.Err() != nil {
		// The client has gone; no one reads an answer.
		s.log.Info("import: the client went away", "user", who.UserID, "err", err)
		return
	}
	if err != nil {
		s.importFailed(w, r, req.URL, err)
		return
	}
	kept, err := keep.Import(ctx, s.cfg.Store, who.UserID, res, req.Fresh)
	if err != nil {
		s.importFailed(w, r, req.URL, err)
		return
	}
	if kept.NotifyErr != nil {
		s.log.Warn("import: notify the reader's devices", "user", who.UserID, "err", kept.NotifyErr)
	}
	status := http.StatusCreated
	if kept.Existing {
		status = http.StatusOK
	}
	respond.JSON(w, status, importResponse{Article: kept.Summary, Existing: kept.Existing})
}

// importCodes are the answers' codes for the extractor's kinds of failure.
var importCodes = map[extract.Kind]string{
	extract.KindBadURL:    "bad_url",
	extract.KindPrivate:   "private_address",
	extract.KindStatus:    "site_status",
	extract.KindNotHTML:   "not_html",
	extract.KindTooLarge:  "too_large",
	extract.KindTimeout:   "timeout",
	extract.KindRedirects: "too_many_redirects",
	extract.KindNoArticle: "no_article",
	extract.KindNetwork:   "unreachable",
}

// importFailed answers a failed import with one sentence saying why. The
// page's failures are 422: the request was understood, the page could not
// be imported (a 502 or 504 from here would read as this server's fault,
// and proxies replace such answers with pages of their own).
func (s *Server) importFailed(w http.ResponseWriter, r *http.Request, url string, err error) {
	err = fmt.Errorf("import %s: %w", url, err)
	if e, ok := extract.AsError(err); ok {
		code := importCodes[e.Kind]
		msg := e.Message
		if code == "" || msg == "" {
			code, msg = "unreachable", "The page could not be imported. Check the address and try again."
		}
		respond.Error(w, r, respond.Problem{Status: http.StatusUnprocessableEntity, Code: code, Message: msg}, err)
		return
	}
	switch {
	case errors.Is(err, keep.ErrTooLarge):
		respond.Error(w, r, respond.Problem{Status: http.StatusRequestEntityTooLarge, Code: "too_large",
			Message: "The article is too long for Margin to keep: its text is more than 1 MB."}, err)
	case errors.Is(err, msync.ErrInvalid):
		respond.Error(w, r, respond.Problem{Status: http.StatusUnprocessableEntity, Code: "no_article",
			Message: "Margin could not make a readable article of that page."}, err)
	default:
		s.storeError(w, r, err)
	}
}
