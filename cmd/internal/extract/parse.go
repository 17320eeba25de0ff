package extract

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"unicode/utf8"

	readability "codeberg.org/readeck/go-readability/v2"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"margin/app/article"
)

// Too little text to be an article: fewer code points than minText, unless
// the page is mostly pictures (at least minFigures of them) with some text.
const (
	minText    = 250
	minFigures = 3
	minCaption = 40
)

// maxElements is the most elements a page may have for go-readability to
// look at it; past it, the whole page is converted as it is. Readability
// scores every element and some of its passes cost more than linear time
// on hostile markup; no real article page comes near this many.
const maxElements = 60000

// Parse extracts the article from page, the HTML of the page at pageURL,
// without fetching anything: image sources stay the page's addresses.
// It is Import's and FromHTML's work short of the network.
func Parse(page []byte, pageURL string) (r *Result, err error) {
	// go-readability and its date parser run on whatever a site sends; a
	// panic in them fails this import, not the process.
	defer func() {
		if p := recover(); p != nil {
			r, err = nil, noArticle(fmt.Errorf("panic while extracting: %v", p))
		}
	}()
	if len(page) > article.MaxInput {
		return nil, tooLarge(article.MaxInput, fmt.Errorf("%d bytes of HTML", len(page)))
	}
	u, err := parseURL(pageURL)
	if err != nil {
		return nil, err
	}
	if !utf8.Valid(page) {
		page = bytes.ToValidUTF8(page, []byte("\uFFFD"))
	}
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		// Nesting too deep for the parser: app/article flattens it.
		return wholePage(page, u)
	}
	head := readHead(doc)
	if head.elements > maxElements {
		return wholePage(page, u)
	}
	notes := removeFurniture(doc)
	prepareImages(doc)
	lead := findLead(doc)
	p := readability.NewParser()
	ra, err := p.ParseAndMutate(doc, u)
	if err != nil || ra.Node == nil {
		return nil, noArticle(err)
	}
	notes.appendTo(ra.Node)
	lead.prependTo(ra.Node)
	fixAtoms(ra.Node)
	a := article.FromNode(ra.Node, u.String())
	m := &a.Meta
	m.Title = short(ra.Title())
	if m.Title == "" {
		m.Title = short(head.title)
	}
	m.Byline = short(ra.Byline())
	m.Site = short(ra.SiteName())
	// JSON has no room for years past 9999, and no article is older than
	// printing.
	if t, err := ra.PublishedTime(); err == nil && t.Year() >= 1450 && t.Year() <= 9999 {
		m.Published = t.UTC()
	}
	m.Lang = langTag(ra.Language())
	if m.Lang == "" {
		m.Lang = head.lang
	}
	m.Dir = head.dir
	m.Image = ""
	if img, ok := article.SafeURL(ra.ImageURL(), u.String(), false); ok {
		m.Image = img
	}
	dropTitle(a)
	return finish(a, u, head.canonical)
}

// wholePage converts a page go-readability cannot be given (too deep or
// too many elements) as it is, with app/article alone.
func wholePage(page []byte, u *url.URL) (*Result, error) {
	a, err := article.FromHTML(string(page), u.String())
	if err != nil {
		return nil, noArticle(err)
	}
	return finish(a, u, "")
}

// finish checks that a has an article's worth of text and sets its
// canonical address.
func finish(a *article.Article, u *url.URL, declared string) (*Result, error) {
	a.Index()
	if !enoughText(a) {
		return nil, noArticle(fmt.Errorf("%d words", a.Meta.Words))
	}
	canonical := pageCanonical(u, declared)
	if s, ok := article.SafeURL(canonical, "", false); ok {
		a.Meta.URL = s
	} else {
		a.Meta.URL = ""
	}
	return &Result{Article: a, URL: canonical}, nil
}

func noArticle(err error) *Error {
	if err == nil {
		err = errors.New("readability found no content")
	}
	return &Error{Kind: KindNoArticle, Message: "That page has no article text.", Err: err}
}

// enoughText reports whether a reads as an article rather than a page of
// links, a login wall or an error page.
func enoughText(a *article.Article) bool {
	n := utf8.RuneCountInString(a.Text())
	if n >= minText {
		return true
	}
	figures := 0
	eachImage(a.Blocks, func(*article.Image) { figures++ })
	return figures >= minFigures && n >= minCaption
}

// dropTitle removes a first heading that repeats the title, which the
// reader shows above the article already.
func dropTitle(a *article.Article) {
	if len(a.Blocks) == 0 || a.Blocks[0].Kind != article.Heading {
		return
	}
	var b strings.Builder
	for _, r := range a.Blocks[0].Runs {
		b.WriteString(r.Text)
	}
	if fold(b.String()) == a.Meta.Title {
		a.Blocks = a.Blocks[1:]
	}
}

// fixAtoms sets each element's DataAtom from its tag name again:
// go-readability renames elements (a div becomes a p) and creates some by
// name only, and app/article tells elements apart by their atoms.
func fixAtoms(root *html.Node) {
	visit(root, func(n *html.Node) bool {
		if n.Type == html.ElementNode && n.Namespace == "" {
			n.DataAtom = atom.Lookup([]byte(n.Data))
		}
		return true
	})
}

// head is what the page says of itself before go-readability changes it.
type head struct {
	title, lang, dir, canonical string
	elements                    int // how many elements the page has
}

// readHead reads the title, language, writing direction and declared
// canonical address (<link rel=canonical>, else og:url) of doc.
func readHead(doc *html.Node) head {
	var h head
	var ogURL string
	visit(doc, func(n *html.Node) bool {
		if n.Type != html.ElementNode && n.Type != html.DocumentNode {
			return false
		}
		if n.Type == html.ElementNode {
			h.elements++
		}
		if n.Namespace != "" {
			return true
		}
		switch n.DataAtom {
		case atom.Html, atom.Body:
			if h.lang == "" {
				h.lang = langTag(attrOf(n, "lang"))
			}
			if d := strings.ToLower(strings.TrimSpace(attrOf(n, "dir"))); h.dir == "" && (d == "rtl" || d == "ltr") {
				h.dir = d
			}
		case atom.Title:
			if h.title == "" {
				h.title = fold(textOf(n))
			}
		case atom.Link:
			if h.canonical == "" && hasToken(attrOf(n, "rel"), "canonical") {
				h.canonical = strings.TrimSpace(attrOf(n, "href"))
			}
		case atom.Meta:
			if ogURL == "" && strings.EqualFold(attrOf(n, "property"), "og:url") {
				ogURL = strings.TrimSpace(attrOf(n, "content"))
			}
		case atom.Head, atom.Article, atom.Main, atom.Div, atom.Section:
			// The dir of the content's container counts too, when the
			// page as a whole has none.
			if d := strings.ToLower(strings.TrimSpace(attrOf(n, "dir"))); h.dir == "" && (d == "rtl" || d == "ltr") && n.DataAtom != atom.Head {
				h.dir = d
			}
		}
		return true
	})
	if h.canonical == "" {
		h.canonical = ogURL
	}
	return h
}

func hasToken(list, tok string) bool {
	for _, f := range strings.Fields(list) {
		if strings.EqualFold(f, tok) {
			return true
		}
	}
	return false
}

func textOf(n *html.Node) string {
	var b strings.Builder
	visit(n, func(n *html.Node) bool {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		return true
	})
	return b.String()
}

func fold(s string) string { return strings.Join(strings.Fields(s), " ") }

// maxMeta is the most code points a title, byline or site name keeps.
const maxMeta = 300

// short folds s and cuts it to maxMeta code points, with "…" when cut.
func short(s string) string {
	s = fold(s)
	if utf8.RuneCountInString(s) <= maxMeta {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:maxMeta-1])) + "…"
}

var langPattern = regexp.MustCompile(`^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$`)

// langTag returns v when it looks like a BCP 47 language tag, else "".
func langTag(v string) string {
	v = strings.TrimSpace(v)
	if langPattern.MatchString(v) {
		return v
	}
	return ""
}
