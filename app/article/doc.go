// Package article is the document model of Margin's reader: an Article is
// metadata and a list of blocks (headings, paragraphs, lists, quotes,
// figures, code, rules and tables) whose text is held in styled runs.
//
// # Building
//
// FromHTML, FromMarkdown and FromText build articles. Each is an allow-list
// conversion: the model is the sanitizer. Whatever the model cannot hold is
// dropped, links keep only http, https and mailto URLs, images only http
// and https ones (see SafeURL), and no attribute of the source survives
// except those the model has a field for. Markdown is rendered to HTML and
// then goes through the same conversion. Inputs over MaxInput bytes are
// refused with ErrTooLarge; invalid UTF-8 is repaired and control
// characters are removed; markup nested too deeply for an HTML parser is
// flattened, never refused.
//
// The constructors are built for the server only: the browser receives
// articles already built, and leaving golang.org/x/net/html and goldmark
// out of the WASM spares every start of the app their initialization.
//
// Markdown front matter, if any, is a "---" line at the very start, lines
// of "key: value" (title, byline, site, url, published, lang, image), and
// a closing "---" line.
//
// # Canonical text and offsets
//
// Leaves are the blocks that hold text: headings, paragraphs, figures
// (their caption), code blocks and table cells. The canonical text, which
// Text returns, is the text of every non-empty leaf in document order,
// joined by "\n\n". A leaf's text is its runs' text, a line break counting
// as "\n". Outside code blocks, white space is folded when the article is
// built (runs of white space become one space; none at the ends of a leaf),
// so the stored runs already hold exactly the canonical text.
//
// Offsets count Unicode code points (not bytes, not UTF-16 units) into the
// canonical text: Run.Offset is where a run starts, and Block.Offset/End and
// Cell.Offset/End delimit a leaf (an empty leaf has Offset == End, at the
// end of the text before it). Index computes them together with
// Meta.Words, Minutes, Hash (SHA-256 of the canonical text) and Excerpt.
// Offsets are not serialized; decoding JSON indexes again.
//
// # Rendering
//
// BlockHTML and HTML are the only way article content reaches a page. Each
// top-level block renders as one element with data-b set to its index, and
// each leaf element carries data-o, its offset, so that a position in the
// page maps to a position in the canonical text. The text content of a
// leaf element is the leaf's text (with <br> for "\n"). Converting an
// article's own HTML with FromHTML gives the same blocks back.
package article
