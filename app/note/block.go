package note

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// kind says what a node is.
type kind uint8

const (
	textNode   kind = iota // text
	breakNode              // a line break
	emNode                 // kids
	strongNode             // kids
	codeNode               // text
	linkNode               // href, kids
	paraNode               // kids: inlines
	listNode               // ordered, start, kids: items
	itemNode               // kids: inlines
	quoteNode              // kids: blocks
)

// node is a piece of a parsed note.
type node struct {
	kind    kind
	text    string
	href    string
	ordered bool
	start   int
	kids    []node
}

// maxQuote is how deeply quotes nest; a deeper ">" is text.
const maxQuote = 8

// parse parses a note into blocks.
func parse(md string) []node {
	return blocks(strings.Split(clean(md), "\n"), 0)
}

// clean makes md valid UTF-8 with "\n" line ends and no control
// characters but tab and line feed.
func clean(md string) string {
	md = strings.ToValidUTF8(md, "\uFFFD")
	md = strings.ReplaceAll(md, "\r\n", "\n")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\r':
			return '\n'
		case r == '\t' || r == '\n':
			return r
		case unicode.IsControl(r):
			return -1
		}
		return r
	}, md)
}

// blocks parses lines into paragraphs, lists and quotes; depth is how
// many quotes they are in.
func blocks(lines []string, depth int) []node {
	var out []node
	for i := 0; i < len(lines); {
		line := lines[i]
		if blank(line) {
			i++
			continue
		}
		if depth < maxQuote && isQuote(line) {
			var inner []string
			for ; i < len(lines) && isQuote(lines[i]); i++ {
				inner = append(inner, unquote(lines[i]))
			}
			out = append(out, node{kind: quoteNode, kids: blocks(inner, depth+1)})
			continue
		}
		if m, ok := marker(line); ok {
			var n node
			n, i = list(lines, i, m, depth)
			out = append(out, n)
			continue
		}
		var para []string
		for ; i < len(lines) && !blank(lines[i]); i++ {
			if len(para) > 0 && interrupts(lines[i], depth) {
				break
			}
			para = append(para, strings.TrimSpace(lines[i]))
		}
		out = append(out, node{kind: paraNode, kids: inlines(strings.Join(para, "\n"))})
	}
	return out
}

// list parses the list whose first item, m, is on lines[i], and returns
// it and the index of the line after it. Items may be separated by blank
// lines; lines that are not items continue the item before them.
func list(lines []string, i int, m listMarker, depth int) (node, int) {
	n := node{kind: listNode, ordered: m.ordered, start: m.number}
	for {
		item := []string{m.content}
		for i++; i < len(lines) && !blank(lines[i]); i++ {
			// An item of this list starts here, or something that would
			// interrupt a paragraph.
			if next, ok := marker(lines[i]); ok && n.ordered && next.ordered || interrupts(lines[i], depth) {
				break
			}
			item = append(item, strings.TrimSpace(lines[i]))
		}
		n.kids = append(n.kids, node{kind: itemNode, kids: inlines(strings.Join(item, "\n"))})

		j := i
		for j < len(lines) && blank(lines[j]) {
			j++
		}
		next, ok := listMarker{}, false
		if j < len(lines) {
			next, ok = marker(lines[j])
		}
		if !ok || next.ordered != m.ordered || next.bullet != m.bullet {
			return n, i
		}
		i, m = j, next
	}
}

// listMarker is the start of a list item.
type listMarker struct {
	ordered bool
	bullet  byte // '-', '*' or '+'; '.' or ')' after a number
	number  int  // of an ordered item
	content string
}

// marker reports whether line starts a list item, and how.
func marker(line string) (listMarker, bool) {
	s := strings.TrimLeft(line, " \t")
	if len(s) >= 2 && (s[0] == '-' || s[0] == '*' || s[0] == '+') && (s[1] == ' ' || s[1] == '\t') {
		return listMarker{bullet: s[0], content: strings.TrimSpace(s[2:])}, true
	}
	d := 0
	for d < len(s) && d < 9 && '0' <= s[d] && s[d] <= '9' {
		d++
	}
	if d == 0 || d+1 >= len(s) || (s[d] != '.' && s[d] != ')') || (s[d+1] != ' ' && s[d+1] != '\t') {
		return listMarker{}, false
	}
	num := 0
	for _, c := range s[:d] {
		num = num*10 + int(c-'0')
	}
	return listMarker{ordered: true, bullet: s[d], number: num, content: strings.TrimSpace(s[d+2:])}, true
}

// interrupts reports whether line ends the paragraph before it: a quote, a
// bullet item or an item numbered 1 does.
func interrupts(line string, depth int) bool {
	if depth < maxQuote && isQuote(line) {
		return true
	}
	m, ok := marker(line)
	return ok && (!m.ordered || m.number == 1)
}

// isQuote reports whether line is part of a quote.
func isQuote(line string) bool {
	return strings.HasPrefix(strings.TrimLeft(line, " \t"), ">")
}

// unquote removes a line's quote marker and the space after it.
func unquote(line string) string {
	s := strings.TrimLeft(line, " \t")[1:]
	if strings.HasPrefix(s, " ") {
		s = s[1:]
	}
	return s
}

// blank reports whether line has only white space.
func blank(line string) bool {
	return strings.TrimSpace(line) == ""
}

// isSpace reports whether the rune at the start of s, or the end of s if
// last, is white space; the edge of s counts as white space.
func isSpace(s string, last bool) bool {
	r := edge(s, last)
	return r == utf8.RuneError && s == "" || unicode.IsSpace(r)
}

// isWordChar reports whether the rune at the start of s, or the end of s
// if last, is a letter or digit.
func isWordChar(s string, last bool) bool {
	r := edge(s, last)
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// edge returns the first rune of s, or the last if last.
func edge(s string, last bool) rune {
	if s == "" {
		return utf8.RuneError
	}
	if last {
		r, _ := utf8.DecodeLastRuneInString(s)
		return r
	}
	r, _ := utf8.DecodeRuneInString(s)
	return r
}
