// Package paste turns what a reader brings in by hand, pasted text or a
// picked file, into an article: it tells HTML from Markdown from plain
// text, converts with app/article, and names the new article. It needs no
// network. In the browser the conversion (Convert) runs in a WebAssembly
// module of its own, built with the tag "convert" and loaded on first
// use (cmd/convert): app/article's converters would make the app's own
// module a fifth larger; the rest of the package is in the app's.
package paste

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"path"
	"regexp"
	"strings"
)

// Format is what a piece of text is written in.
type Format int

// The formats Margin converts.
const (
	Text Format = iota
	Markdown
	HTML
)

func (f Format) String() string {
	switch f {
	case HTML:
		return "HTML"
	case Markdown:
		return "Markdown"
	}
	return "plain text"
}

// Error is a conversion refused, with the sentence to show the reader.
type Error struct {
	Message string
	Err     error // the cause, if any
}

func (e *Error) Error() string {
	if e.Err != nil {
		return "paste: " + e.Message + ": " + e.Err.Error()
	}
	return "paste: " + e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// Message returns the sentence for the reader inside err, or a general
// one when err is not an *Error.
func Message(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "That could not be turned into an article."
}

// Extensions are the file name endings FormatOfName knows, for a file
// picker's accept list.
var Extensions = []string{".html", ".htm", ".md", ".markdown", ".txt"}

// FormatOfName returns the format a file's name says it holds.
func FormatOfName(name string) (Format, bool) {
	switch strings.ToLower(path.Ext(name)) {
	case ".html", ".htm":
		return HTML, true
	case ".md", ".markdown":
		return Markdown, true
	case ".txt", ".text":
		return Text, true
	}
	return Text, false
}

// htmlTag matches an opening or closing tag of an element articles are
// made of, or a doctype.
var htmlTag = regexp.MustCompile(`(?i)<(!doctype\s+html|/?(html|head|body|article|main|section|div|p|h[1-6]|ul|ol|li|blockquote|pre|table|figure|img|a|br|em|strong|b|i|span|code)[\s/>])`)

// markdownLine matches a line that only Markdown writes: a heading, a
// fence, a list item, a quote or a setext underline.
var markdownLine = regexp.MustCompile("(?m)^(#{1,6}[ \\t]+\\S|```|~~~|[-*+][ \\t]+\\S|\\d{1,9}[.)][ \\t]+\\S|>[ \\t]?\\S|=+[ \\t]*$|-{3,}[ \\t]*$)")

// markdownInline matches inline Markdown: a link, an image, bold text or
// inline code.
var markdownInline = regexp.MustCompile("\\[[^\\]\\n]+\\]\\([^)\\s]+\\)|\\*\\*[^*\\n]+\\*\\*|__[^_\\n]+__|`[^`\\n]+`")

// Detect tells what pasted text is written in. HTML is text that starts
// with a tag and holds tags of an article's elements (a clipboard's HTML
// always does); Markdown is text with at least two of Markdown's marks,
// or one heading or fence, so a plain sentence with a stray "*" stays
// plain text.
func Detect(src string) Format {
	s := strings.TrimSpace(src)
	if strings.HasPrefix(s, "<") && htmlTag.MatchString(s) {
		return HTML
	}
	head := s
	if len(head) > 64<<10 {
		head = head[:64<<10] // the marks show early, and the rest may be megabytes
	}
	lines := markdownLine.FindAllString(head, 3)
	for _, l := range lines {
		if strings.HasPrefix(l, "#") || strings.HasPrefix(l, "```") || strings.HasPrefix(l, "~~~") {
			return Markdown
		}
	}
	if len(lines)+len(markdownInline.FindAllStringIndex(head, 2)) >= 2 {
		return Markdown
	}
	return Text
}

// NewID returns a fresh id for a pasted article: "p" and 20 random hex
// digits.
func NewID() string {
	var b [10]byte
	rand.Read(b[:]) // never fails (crypto/rand)
	return "p" + hex.EncodeToString(b[:])
}
