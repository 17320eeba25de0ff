package note

import (
	"html"
	"strconv"
	"strings"
)

// HTML returns the note md, written in Margin's Markdown subset, as HTML
// to show: only the elements p, br, em, strong, code, a, ul, ol, li and
// blockquote, all text escaped, links only to http, https and mailto URLs
// (see the package documentation). An empty note gives "".
func HTML(md string) string {
	var b strings.Builder
	writeBlocks(&b, parse(md))
	return b.String()
}

// Plain returns the text of the note md without its markup, on one line:
// white space folded to single spaces and trimmed, blocks and line breaks
// become spaces, links their text. It is for previews and search.
func Plain(md string) string {
	var b strings.Builder
	plainNodes(&b, parse(md))
	return strings.Join(strings.Fields(b.String()), " ")
}

// writeBlocks writes blocks as HTML, one element a line.
func writeBlocks(b *strings.Builder, nodes []node) {
	for _, n := range nodes {
		switch n.kind {
		case paraNode:
			b.WriteString("<p>")
			writeInlines(b, n.kids)
			b.WriteString("</p>\n")
		case listNode:
			tag := "ul"
			if n.ordered {
				tag = "ol"
			}
			b.WriteString("<" + tag)
			if n.ordered && n.start != 1 {
				b.WriteString(` start="` + strconv.Itoa(n.start) + `"`)
			}
			b.WriteString(">\n")
			for _, item := range n.kids {
				b.WriteString("<li>")
				writeInlines(b, item.kids)
				b.WriteString("</li>\n")
			}
			b.WriteString("</" + tag + ">\n")
		case quoteNode:
			b.WriteString("<blockquote>\n")
			writeBlocks(b, n.kids)
			b.WriteString("</blockquote>\n")
		}
	}
}

// writeInlines writes inline nodes as HTML.
func writeInlines(b *strings.Builder, nodes []node) {
	for _, n := range nodes {
		switch n.kind {
		case textNode:
			b.WriteString(html.EscapeString(n.text))
		case breakNode:
			b.WriteString("<br>\n")
		case codeNode:
			b.WriteString("<code>" + html.EscapeString(n.text) + "</code>")
		case emNode:
			b.WriteString("<em>")
			writeInlines(b, n.kids)
			b.WriteString("</em>")
		case strongNode:
			b.WriteString("<strong>")
			writeInlines(b, n.kids)
			b.WriteString("</strong>")
		case linkNode:
			b.WriteString(`<a href="` + html.EscapeString(n.href) + `" rel="noopener noreferrer nofollow" target="_blank">`)
			writeInlines(b, n.kids)
			b.WriteString("</a>")
		}
	}
}

// plainNodes writes the text of nodes, with a space for each line break
// and between blocks.
func plainNodes(b *strings.Builder, nodes []node) {
	for _, n := range nodes {
		switch n.kind {
		case textNode, codeNode:
			b.WriteString(n.text)
		case breakNode:
			b.WriteByte(' ')
		default:
			plainNodes(b, n.kids)
			if n.kind >= paraNode {
				b.WriteByte(' ')
			}
		}
	}
}
