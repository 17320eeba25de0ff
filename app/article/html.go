//go:build !(js && wasm) || convert

package article

import (
	"net/url"
	"regexp"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// FromHTML converts an HTML document or fragment into an article. base is
// the URL of the page the HTML came from (it may be ""); relative links and
// image sources are resolved against it, and those that cannot be made
// absolute are dropped.
//
// The conversion is an allow-list: each element the model can hold maps to
// a block or a style, a few (script, style, iframe, form, nav, …) are
// dropped with all their content, and every other element is transparent.
// No attribute is copied except a link's target, an image's source and alt
// text, a list's start and a code block's language.
//
// For a whole document (one with <html>, <head>, <body> or <title>), the
// title, language and a few <meta> tags fill Meta, and a first <h1> that
// repeats the title (or stands in for a missing one) becomes the title.
func FromHTML(src, base string) (*Article, error) {
	if err := checkSize(src); err != nil {
		return nil, err
	}
	src = clean(src)
	a := convertHTML(src, base, isDocument(src))
	a.Index()
	return a, nil
}

// FromNode converts the content of n, an element of a page already
// parsed by x/net/html (such as the container an article extractor
// chose), as FromHTML converts a fragment: n's children become the
// blocks. Elements are told apart by their DataAtom, which must match
// their tag name. It saves extractors writing out and parsing again what
// they have parsed once.
func FromNode(n *html.Node, base string) *Article {
	c := &converter{base: parseBase(base)}
	a := &Article{}
	if c.base != nil {
		a.Meta.URL = c.base.String()
	}
	s := &sink{c: c}
	s.walk(n, inline{})
	s.flush()
	a.Blocks = s.all()
	a.Index()
	return a
}

var documentTag = regexp.MustCompile(`(?i)<(html|head|body|title)[\s/>]`)

// isDocument reports whether src is a whole document rather than a
// fragment. Only a document's leading h1 may become the title: a fragment,
// such as an article's own HTML, keeps all its blocks.
func isDocument(src string) bool { return documentTag.MatchString(src) }

// convertHTML converts cleaned HTML. It never fails: markup too deep for
// the parser is flattened, and as a last resort only the text is kept.
func convertHTML(src, base string, document bool) *Article {
	c := &converter{base: parseBase(base)}
	a := &Article{}
	root, err := html.Parse(strings.NewReader(src))
	if err != nil {
		// x/net/html refuses more than 512 open elements; flatten the
		// nesting and try again.
		root, err = html.Parse(strings.NewReader(flatten(src)))
	}
	if err != nil {
		a.Blocks = textOnly(src)
		return a
	}
	if document {
		c.meta(root, &a.Meta)
	}
	// Meta.URL is the canonical address if the page names one, else the
	// page's own.
	if a.Meta.URL == "" && c.base != nil {
		a.Meta.URL = c.base.String()
	}
	if document {
		// Links resolve against <base href> where the page has one.
		if b := c.docBase(root); b != nil {
			c.base = b
		}
	}
	s := &sink{c: c}
	s.walk(root, inline{})
	s.flush()
	a.Blocks = s.all()
	if document && len(a.Blocks) > 0 && a.Blocks[0].Kind == Heading && a.Blocks[0].Level == 1 {
		h := foldString(runsText(a.Blocks[0].Runs))
		if a.Meta.Title == "" || h == a.Meta.Title {
			a.Meta.Title = h
			a.Blocks = a.Blocks[1:]
		}
	}
	return a
}

// converter holds what the whole conversion shares.
type converter struct {
	base *url.URL
}

func (c *converter) link(raw string) (string, bool) { return safeURL(raw, c.base, true) }

func (c *converter) image(n *html.Node) (Image, bool) {
	for _, key := range []string{"src", "data-src", "srcset", "data-srcset"} {
		v, ok := attr(n, key)
		if !ok {
			continue
		}
		if strings.HasSuffix(key, "srcset") {
			// The first candidate of a srcset: its URL ends at white space.
			v = strings.TrimSpace(v)
			if i := strings.IndexAny(v, " \t\n,"); i >= 0 {
				v = v[:i]
			}
		}
		if src, ok := safeURL(v, c.base, false); ok {
			alt, _ := attr(n, "alt")
			return Image{Src: src, Alt: foldString(alt)}, true
		}
	}
	return Image{}, false
}

// inline is the inline context of text: its style and link.
type inline struct {
	style Style
	href  string
}

// sink receives converted content. In block mode it collects blocks, and
// inline content loose between them becomes paragraphs. In leaf mode
// (headings, captions, table cells) everything becomes runs, and block
// boundaries inside become line breaks.
type sink struct {
	c      *converter
	blocks []Block   // the latest blocks
	done   [][]Block // earlier blocks, in full chunks
	runs   []Run
	imgs   []Image
	leaf   bool
	soft   bool       // a block boundary is pending in leaf mode
	nest   int        // how many lists and quotes hold this sink
	skip   *html.Node // the image a figure already took
}

// chunk is how many blocks a sink collects before starting a new slice.
// Growing one slice of millions of blocks (a hostile page of tiny
// paragraphs) spends most of the time copying; chunks are copied once.
const chunk = 4096

func (s *sink) add(b ...Block) {
	for _, x := range b {
		if len(s.blocks) == chunk {
			s.done = append(s.done, s.blocks)
			s.blocks = make([]Block, 0, chunk)
		}
		s.blocks = append(s.blocks, x)
	}
}

// all returns the blocks collected, never nil.
func (s *sink) all() []Block {
	if len(s.done) == 0 {
		if s.blocks == nil {
			return []Block{}
		}
		return s.blocks
	}
	n := len(s.blocks)
	for _, c := range s.done {
		n += len(c)
	}
	out := make([]Block, 0, n)
	for _, c := range s.done {
		out = append(out, c...)
	}
	return append(out, s.blocks...)
}

func (s *sink) text(t string, in inline) {
	if t == "" {
		return
	}
	// Character references can still make control characters.
	t = clean(t)
	if s.soft && strings.TrimSpace(t) != "" {
		s.soft = false
		if n := len(s.runs); n > 0 && !s.runs[n-1].Break {
			s.runs = append(s.runs, Run{Break: true, Style: in.style, Href: in.href})
		}
	}
	s.runs = append(s.runs, Run{Text: t, Style: in.style, Href: in.href})
}

func (s *sink) brk(in inline) {
	s.soft = false
	s.runs = append(s.runs, Run{Break: true, Style: in.style, Href: in.href})
}

// boundary marks the edge of a block-level element.
func (s *sink) boundary() {
	if s.leaf {
		s.soft = true
		return
	}
	s.flush()
}

// flush turns the pending inline content into a paragraph; when it has no
// text but images, each image becomes a figure.
func (s *sink) flush() {
	runs := foldRuns(s.runs)
	if runs != nil {
		s.add(Block{Kind: Paragraph, Runs: runs})
	} else {
		for i := range s.imgs {
			img := s.imgs[i]
			s.add(Block{Kind: Figure, Image: &img})
		}
	}
	s.runs, s.imgs = s.runs[:0], s.imgs[:0]
}

func (s *sink) walk(n *html.Node, in inline) {
	for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
		s.node(ch, in)
	}
}

func (s *sink) node(n *html.Node, in inline) {
	switch n.Type {
	case html.TextNode:
		s.text(n.Data, in)
	case html.DocumentNode:
		s.walk(n, in)
	case html.ElementNode:
		if n.Namespace == "" {
			s.element(n, in)
		}
	}
}

func (s *sink) element(n *html.Node, in inline) {
	switch n.DataAtom {
	case atom.Br:
		s.brk(in)
	case atom.Img:
		if !s.leaf && n != s.skip {
			if img, ok := s.c.image(n); ok {
				s.imgs = append(s.imgs, img)
			}
		}
	case atom.Em, atom.I:
		in.style |= Emphasis
		s.walk(n, in)
	case atom.Strong, atom.B:
		in.style |= Strong
		s.walk(n, in)
	case atom.Code, atom.Kbd, atom.Samp, atom.Tt:
		in.style |= CodeSpan
		s.walk(n, in)
	case atom.Sub:
		in.style |= Sub
		s.walk(n, in)
	case atom.Sup:
		in.style |= Sup
		s.walk(n, in)
	case atom.A:
		if v, ok := attr(n, "href"); ok {
			// An unsafe link keeps its text, without the link.
			in.href, _ = s.c.link(v)
		}
		s.walk(n, in)
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		if s.leaf {
			s.container(n, in)
			return
		}
		s.flush()
		h := &sink{c: s.c, leaf: true}
		h.walk(n, in)
		if runs := foldRuns(h.runs); runs != nil {
			s.add(Block{Kind: Heading, Level: int(n.Data[1] - '0'), Runs: runs})
		}
	case atom.Ul, atom.Ol, atom.Dir, atom.Menu:
		s.list(n, in)
	case atom.Blockquote:
		if s.leaf || s.nest >= MaxNesting {
			s.container(n, in)
			return
		}
		s.flush()
		q := &sink{c: s.c, nest: s.nest + 1, skip: s.skip}
		q.walk(n, in)
		q.flush()
		if blocks := q.all(); len(blocks) > 0 {
			s.add(Block{Kind: Quote, Blocks: blocks})
		}
	case atom.Pre, atom.Listing, atom.Xmp, atom.Plaintext:
		s.code(n, in)
	case atom.Figure:
		s.figure(n, in)
	case atom.Table:
		s.table(n, in)
	case atom.Hr:
		s.boundary()
		if !s.leaf {
			s.add(Block{Kind: Rule})
		}
	case atom.Wbr:
	default:
		switch {
		case dropped[n.DataAtom]:
		case blockish[n.DataAtom]:
			s.container(n, in)
		default:
			// Unknown and purely presentational elements are transparent.
			s.walk(n, in)
		}
	}
}

// container walks a block-level element that adds no block of its own.
func (s *sink) container(n *html.Node, in inline) {
	s.boundary()
	s.walk(n, in)
	s.boundary()
}

// dropped elements go with all their content: they are scripts, embedded
// content, forms, page chrome, or metadata.
var dropped = atomSet(atom.Script, atom.Style, atom.Noscript, atom.Template, atom.Iframe,
	atom.Frame, atom.Frameset, atom.Object, atom.Embed, atom.Applet, atom.Form, atom.Input,
	atom.Button, atom.Select, atom.Option, atom.Optgroup, atom.Datalist, atom.Textarea,
	atom.Output, atom.Progress, atom.Meter, atom.Svg, atom.Math, atom.Canvas, atom.Video,
	atom.Audio, atom.Source, atom.Track, atom.Map, atom.Area, atom.Nav, atom.Aside,
	atom.Footer, atom.Head, atom.Title, atom.Link, atom.Meta, atom.Base, atom.Param,
	atom.Dialog, atom.Noembed, atom.Noframes, atom.Slot, atom.Keygen, atom.Style)

// blockish elements are block-level containers that are themselves
// transparent: their edges end a paragraph.
var blockish = atomSet(atom.Body, atom.Address, atom.Article, atom.Section, atom.Main,
	atom.Header, atom.Hgroup, atom.Div, atom.Center, atom.Details, atom.Summary, atom.P,
	atom.Dl, atom.Dt, atom.Dd, atom.Li, atom.Figcaption, atom.Caption, atom.Td, atom.Th,
	atom.Tr, atom.Thead, atom.Tbody, atom.Tfoot, atom.Fieldset, atom.Legend, atom.Search)

func atomSet(as ...atom.Atom) map[atom.Atom]bool {
	m := make(map[atom.Atom]bool, len(as))
	for _, a := range as {
		m[a] = true
	}
	return m
}

func attr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}
