package note

import (
	"net/url"
	"strings"
)

// maxNesting is how deeply emphasis, strong and links nest; deeper
// delimiters are text.
const maxNesting = 8

// maxCodeRun is the longest run of backticks that opens a code span.
const maxCodeRun = 32

// maxURL is the longest URL written as a link, in bytes.
const maxURL = 2048

// inlines parses the text of a paragraph or list item, whose lines are
// joined by "\n".
func inlines(s string) []node {
	p := newInlineParser(s, 0, false)
	return p.parse()
}

// inlineParser parses one span of text. Each search it makes for a
// closing delimiter remembers where it failed, so that no later search
// from further on looks again: the parse takes time linear in the span at
// each level of nesting.
type inlineParser struct {
	s      string
	depth  int
	inLink bool // in a link's text, where there are no links

	out []node
	buf strings.Builder

	failCode   [maxCodeRun + 1]int    // a code span closing n backticks is not found from here on
	failBoth   [2]int                 // *** and ___
	failStrong [2]int                 // ** and __
	failEm     [2]int                 // * and _
	next       struct{ from, at int } // the last ']' found, and from where
	parens     []int32                // the index of the ')' matching each '(', or -1
}

func newInlineParser(s string, depth int, inLink bool) *inlineParser {
	p := &inlineParser{s: s, depth: depth, inLink: inLink}
	for i := range p.failCode {
		p.failCode[i] = len(s) + 1
	}
	p.failStrong = [2]int{len(s) + 1, len(s) + 1}
	p.failEm = p.failStrong
	p.failBoth = p.failStrong
	p.next.from = -1
	return p
}

func (p *inlineParser) parse() []node {
	s := p.s
	for i := 0; i < len(s); {
		c := s[i]
		n := 1
		switch {
		case c == '\\' && i+1 < len(s) && isPunct(s[i+1]):
			p.buf.WriteByte(s[i+1])
			n = 2
		case c == '\n':
			p.emit(node{kind: breakNode})
		case c == '`':
			n = p.code(i)
		case c == '*' || c == '_':
			n = p.emphasis(i)
		case c == '[' && !p.inLink && p.depth < maxNesting:
			n = p.link(i)
		case (c == 'h' || c == 'H') && !p.inLink:
			n = p.autolink(i)
		default:
			p.buf.WriteByte(c)
		}
		i += n
	}
	p.flush()
	return p.out
}

// emit adds n after the text gathered so far.
func (p *inlineParser) emit(n node) {
	p.flush()
	p.out = append(p.out, n)
}

// flush adds the text gathered so far as a text node.
func (p *inlineParser) flush() {
	if p.buf.Len() > 0 {
		p.out = append(p.out, node{kind: textNode, text: p.buf.String()})
		p.buf.Reset()
	}
}

// sub parses s[from:to] one level deeper.
func (p *inlineParser) sub(from, to int, inLink bool) []node {
	return newInlineParser(p.s[from:to], p.depth+1, inLink).parse()
}

// code reads a code span opening at i, or the run of backticks there as
// text, and returns how many bytes it read.
func (p *inlineParser) code(i int) int {
	s := p.s
	n := 0
	for i+n < len(s) && s[i+n] == '`' {
		n++
	}
	from := i + n
	if n > maxCodeRun || from >= p.failCode[n] {
		p.buf.WriteString(s[i:from])
		return n
	}
	// Look at each later run of backticks for one just as long.
	for j := from; j < len(s); {
		k := strings.IndexByte(s[j:], '`')
		if k < 0 {
			break
		}
		k += j
		m := 0
		for k+m < len(s) && s[k+m] == '`' {
			m++
		}
		if m == n {
			text := strings.ReplaceAll(s[from:k], "\n", " ")
			if len(text) >= 2 && text[0] == ' ' && text[len(text)-1] == ' ' && strings.Trim(text, " ") != "" {
				text = text[1 : len(text)-1]
			}
			p.emit(node{kind: codeNode, text: text})
			return k + m - i
		}
		j = k + m
	}
	p.failCode[n] = from
	p.buf.WriteString(s[i:from])
	return n
}

// emphasis reads strong or emphasised text opening at i, or the delimiter
// there as text, and returns how many bytes it read. A delimiter opens
// when text that is not white space follows it, and closes when such text
// comes before it; an underscore neither opens nor closes inside a word.
func (p *inlineParser) emphasis(i int) int {
	s, c := p.s, p.s[i]
	k := 0 // which of failStrong and failEm
	if c == '_' {
		k = 1
	}
	if p.depth >= maxNesting || c == '_' && isWordChar(s[:i], true) {
		p.buf.WriteByte(c)
		return 1
	}
	if i+3 < len(s) && s[i+1] == c && s[i+2] == c && !isSpace(s[i+3:], false) && i+4 < p.failBoth[k] {
		for j := i + 4; j+2 < len(s); j++ {
			if s[j] == c && s[j+1] == c && s[j+2] == c && s[j-1] != c && s[j-1] != '\\' && (j+3 == len(s) || s[j+3] != c) && !isSpace(s[:j], true) && (c == '*' || !isWordChar(s[j+3:], false)) {
				p.emit(node{kind: emNode, kids: []node{{kind: strongNode, kids: p.sub(i+3, j, p.inLink)}}})
				return j + 3 - i
			}
		}
		p.failBoth[k] = i + 4
	}
	if i+2 < len(s) && s[i+1] == c && !isSpace(s[i+2:], false) && i+3 < p.failStrong[k] {
		for j := i + 3; j+1 < len(s); j++ {
			if s[j] == c && s[j+1] == c && s[j-1] != c && s[j-1] != '\\' && !isSpace(s[:j], true) && (c == '*' || !isWordChar(s[j+2:], false)) {
				p.emit(node{kind: strongNode, kids: p.sub(i+2, j, p.inLink)})
				return j + 2 - i
			}
		}
		p.failStrong[k] = i + 3
	}
	if i+1 < len(s) && !isSpace(s[i+1:], false) && i+2 < p.failEm[k] {
		for j := i + 2; j < len(s); j++ {
			if s[j] == c && s[j-1] != c && s[j-1] != '\\' && (j+1 == len(s) || s[j+1] != c) && !isSpace(s[:j], true) && (c == '*' || !isWordChar(s[j+1:], false)) {
				p.emit(node{kind: emNode, kids: p.sub(i+1, j, p.inLink)})
				return j + 1 - i
			}
		}
		p.failEm[k] = i + 2
	}
	p.buf.WriteByte(c)
	return 1
}

// link reads a link [text](url) opening at i, or the bracket there as
// text, and returns how many bytes it read. A link whose URL is not safe
// is written as the text it was.
func (p *inlineParser) link(i int) int {
	s := p.s
	close := p.findBracket(i + 1)
	if close < 0 || close+1 >= len(s) || s[close+1] != '(' {
		p.buf.WriteByte('[')
		return 1
	}
	end := p.destination(close)
	if end < 0 {
		p.buf.WriteByte('[')
		return 1
	}
	raw := strings.TrimSpace(s[close+2 : end])
	if len(raw) >= 2 && raw[0] == '<' && raw[len(raw)-1] == '>' {
		raw = raw[1 : len(raw)-1]
	}
	href, ok := safeURL(raw)
	if !ok {
		p.buf.WriteString(s[i : end+1])
		return end + 1 - i
	}
	p.emit(node{kind: linkNode, href: href, kids: p.sub(i+1, close, true)})
	return end + 1 - i
}

// destination returns the index of the ')' that ends the link destination
// after the "](" at close, or -1: the parenthesis that matches the one
// opening it, on the same line. The matches of all parentheses are found
// in one pass, the first time a link needs them.
func (p *inlineParser) destination(close int) int {
	if p.parens == nil {
		p.parens = make([]int32, len(p.s))
		var open []int32
		for j := 0; j < len(p.s); j++ {
			p.parens[j] = -1
			switch p.s[j] {
			case '(':
				open = append(open, int32(j))
			case ')':
				if len(open) > 0 {
					p.parens[open[len(open)-1]] = int32(j)
					open = open[:len(open)-1]
				}
			case '\n':
				open = open[:0]
			}
		}
	}
	return int(p.parens[close+1])
}

// findBracket returns the index of the first ']' in p.s from index from
// on, or -1, remembering the answer for later calls.
func (p *inlineParser) findBracket(from int) int {
	n := &p.next
	if n.from >= 0 && n.from <= from && (n.at < 0 || n.at >= from) {
		return n.at
	}
	n.from, n.at = from, strings.IndexByte(p.s[from:], ']')
	if n.at >= 0 {
		n.at += from
	}
	return n.at
}

// autolink reads a bare http or https URL starting at i, or the letter
// there as text, and returns how many bytes it read.
func (p *inlineParser) autolink(i int) int {
	s := p.s
	rest := s[i:]
	if isWordChar(s[:i], true) || !(hasPrefixFold(rest, "http://") || hasPrefixFold(rest, "https://")) {
		p.buf.WriteByte(s[i])
		return 1
	}
	if len(rest) > maxURL+1 {
		rest = rest[:maxURL+1] // a longer URL is no link
	}
	end := strings.IndexAny(rest, " \t\n<>\"`")
	if end < 0 {
		end = len(rest)
	}
	u := rest[:end]
	// Punctuation at the end belongs to the sentence, and so does a
	// closing parenthesis that opens nowhere in the URL.
	for u != "" {
		last := u[len(u)-1]
		if strings.IndexByte(".,:;!?'*_~", last) >= 0 ||
			last == ')' && strings.Count(u, "(") < strings.Count(u, ")") {
			u = u[:len(u)-1]
			continue
		}
		break
	}
	href, ok := safeURL(u)
	if !ok {
		p.buf.WriteByte(s[i])
		return 1
	}
	p.emit(node{kind: linkNode, href: href, kids: []node{{kind: textNode, text: u}}})
	return len(u)
}

// safeURL returns the URL to write for raw, and whether raw may be a link:
// it must parse, with the scheme http or https and a host, or mailto and
// an address.
func safeURL(raw string) (string, bool) {
	if raw == "" || len(raw) > maxURL {
		return "", false
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", false
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		if u.Host == "" {
			return "", false
		}
	case "mailto":
		if u.Opaque == "" {
			return "", false
		}
	default:
		return "", false
	}
	u.Scheme = strings.ToLower(u.Scheme)
	return u.String(), true
}

// hasPrefixFold reports whether s begins with the ASCII prefix, ignoring
// case.
func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// isPunct reports whether c is ASCII punctuation, which a backslash makes
// literal.
func isPunct(c byte) bool {
	return strings.IndexByte("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", c) >= 0
}
