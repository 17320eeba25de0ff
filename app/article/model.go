package article

import "time"

// Article is a document as Margin reads it: metadata and a list of blocks.
// The blocks are the only way article content reaches a page; whatever the
// source held beyond them was dropped when the article was built.
type Article struct {
	ID     string  `json:"id"`
	Meta   Meta    `json:"meta"`
	Blocks []Block `json:"blocks"`

	// text is the canonical text, computed by index.
	text string
}

// Meta describes an article. Words, Minutes, Hash and Excerpt are derived
// from the blocks by index; the rest comes from the source.
type Meta struct {
	Title     string    `json:"title"`
	Byline    string    `json:"byline,omitempty"`
	Site      string    `json:"site,omitempty"`
	URL       string    `json:"url,omitempty"`
	Published time.Time `json:"published,omitzero"`
	Lang      string    `json:"lang,omitempty"`
	// Dir is the writing direction, "ltr" or "rtl", when the page says.
	Dir   string `json:"dir,omitempty"`
	Image string `json:"image,omitempty"`

	Words   int    `json:"words"`
	Minutes int    `json:"minutes"`
	Hash    string `json:"hash"`
	Excerpt string `json:"excerpt,omitempty"`
}

// Kind names what a block is.
type Kind string

// The block kinds.
const (
	Heading   Kind = "heading"   // Level 1–6, Runs
	Paragraph Kind = "paragraph" // Runs
	List      Kind = "list"      // Ordered, Start, Items
	Quote     Kind = "quote"     // Blocks
	Figure    Kind = "figure"    // Image, Runs (the caption, may be empty)
	Code      Kind = "code"      // Lang, Runs (white space kept)
	Rule      Kind = "rule"      // nothing
	Table     Kind = "table"     // Rows
)

// Block is one block of an article. Which fields are used depends on Kind.
// Heading, paragraph, figure caption, code and table cells are the leaves
// that hold text; lists and quotes hold other blocks.
type Block struct {
	Kind    Kind    `json:"kind"`
	Level   int     `json:"level,omitempty"`
	Runs    []Run   `json:"runs,omitempty"`
	Ordered bool    `json:"ordered,omitempty"`
	Start   int     `json:"start,omitempty"`
	Items   []Item  `json:"items,omitempty"`
	Blocks  []Block `json:"blocks,omitempty"`
	Image   *Image  `json:"image,omitempty"`
	Lang    string  `json:"lang,omitempty"`
	Rows    []Row   `json:"rows,omitempty"`

	// Offset is where the block's text starts in the canonical text, in
	// code points, and End where it ends; Index sets both. A container
	// (list, quote, table) spans its first to its last non-empty leaf; a
	// block without text has an empty range where it stands.
	Offset int `json:"-"`
	End    int `json:"-"`
}

// Item is one list item: its blocks, usually a paragraph and maybe a nested list.
type Item struct {
	Blocks []Block `json:"blocks"`
}

// Row is one table row.
type Row struct {
	Cells []Cell `json:"cells"`
}

// Cell is one table cell, a leaf.
type Cell struct {
	Header bool  `json:"header,omitempty"`
	Runs   []Run `json:"runs,omitempty"`

	Offset int `json:"-"`
	End    int `json:"-"`
}

// Image is a figure's picture. Src is an absolute http or https URL, or
// an image Margin keeps itself, "/media/" and the hex SHA-256 of its bytes
// (see IsMediaSrc).
type Image struct {
	Src string `json:"src"`
	Alt string `json:"alt,omitempty"`
}

// Style is a set of inline styles.
type Style uint8

// The inline styles a run may carry.
const (
	Emphasis Style = 1 << iota
	Strong
	CodeSpan
	Sub
	Sup
)

// Run is a piece of inline text with one style and at most one link. A
// line break is a run with Break set and no text; it counts as "\n" in the
// canonical text.
type Run struct {
	Text  string `json:"text,omitempty"`
	Style Style  `json:"style,omitempty"`
	Href  string `json:"href,omitempty"`
	Break bool   `json:"break,omitempty"`

	// Offset is where Text starts in the canonical text, in code points.
	Offset int `json:"-"`
}
