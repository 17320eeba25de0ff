//go:build !(js && wasm) || convert

package article

import (
	"strings"
)

// goldmark takes time quadratic in some shapes of input: block containers
// nested deeply on one line ("> > > …", "- - - …"), lists nested deeply by
// indentation, many unclosed "](" on one line, and paragraphs of very many
// lines (link reference definitions are read line by line from the whole
// paragraph). A 10 MB source of such shapes would keep a browser tab busy
// for minutes. guardMarkdown escapes the excess of each shape; no sensible
// document comes near these limits.
const (
	mdMaxMarkers = 32  // container markers at the start of one line
	mdMaxIndent  = 128 // columns of indentation after them
	mdMaxLinks   = 64  // "](" on one line
	mdMaxLines   = 256 // lines in one paragraph
)

// guardMarkdown returns src with the excess of pathological shapes escaped
// (a backslash before the extra markers and "("), cut (indentation) or
// split (a blank line into an over-long paragraph, keeping its block
// quote markers). Lines inside fenced code are left alone.
func guardMarkdown(src string) string {
	var b strings.Builder
	changed := false
	fence := ""
	done := 0 // src[:done] is in b or unchanged
	pos := 0
	lines := 0 // non-blank lines in a row
	table := false
	for line := range strings.Lines(src) {
		start := pos
		pos += len(line)
		i, more := containerPrefix(line)
		rest := line[i:]
		if fence != "" {
			if closesFence(rest, fence) {
				fence = ""
			}
			continue
		}
		if f := opensFence(rest); f != "" {
			fence, lines = f, 0
			continue
		}
		sep := ""
		if strings.TrimSpace(rest) == "" {
			lines, table = 0, false
		} else {
			lines++
			table = table || isDelimiterRow(rest)
			if lines > mdMaxLines && !table && splittable(line[:i], rest) {
				sep = quoteMarkers(line[:i]) + "\n"
				lines = 1
			}
		}
		fixed := rest
		if more {
			fixed = escapeMarker(fixed)
		}
		fixed = capIndent(fixed)
		if strings.Count(fixed, "](") > mdMaxLinks {
			fixed = escapeLinks(fixed)
		}
		if fixed == rest && sep == "" {
			continue
		}
		if !changed {
			b.Grow(len(src) + 64)
			changed = true
		}
		b.WriteString(src[done:start])
		b.WriteString(sep)
		b.WriteString(line[:i])
		b.WriteString(fixed)
		done = pos
	}
	if !changed {
		return src
	}
	b.WriteString(src[done:])
	return b.String()
}

// containerPrefix returns how many bytes of line are block quote and list
// markers, up to mdMaxMarkers of them, and whether another marker follows.
func containerPrefix(line string) (int, bool) {
	i := 0
	for n := 0; ; n++ {
		j := i
		for k := 0; k < 3 && j < len(line) && line[j] == ' '; k++ {
			j++
		}
		m := marker(line[j:])
		if m == 0 {
			return i, false
		}
		if n == mdMaxMarkers {
			return i, true
		}
		i = j + m
	}
}

// marker returns the length of a container marker at the start of s, with
// one following space, or 0.
func marker(s string) int {
	if s == "" {
		return 0
	}
	space := func(k int) int {
		if k == len(s) || s[k] == '\n' {
			return k
		}
		if s[k] == ' ' || s[k] == '\t' {
			return k + 1
		}
		return 0
	}
	switch c := s[0]; {
	case c == '>':
		if len(s) > 1 && (s[1] == ' ' || s[1] == '\t') {
			return 2
		}
		return 1
	case c == '-' || c == '+' || c == '*':
		return space(1)
	case c >= '0' && c <= '9':
		k := 1
		for k < len(s) && k < 9 && s[k] >= '0' && s[k] <= '9' {
			k++
		}
		if k < len(s) && (s[k] == '.' || s[k] == ')') {
			return space(k + 1)
		}
	}
	return 0
}

// escapeMarker puts a backslash before the marker that starts s (after at
// most three spaces), so that Markdown reads it as text.
func escapeMarker(s string) string {
	j := len(s) - len(strings.TrimLeft(s, " "))
	if j < len(s) && s[j] >= '0' && s[j] <= '9' {
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
	}
	return s[:j] + `\` + s[j:]
}

// capIndent cuts leading indentation wider than mdMaxIndent columns.
func capIndent(s string) string {
	width, j := 0, 0
	for j < len(s) && (s[j] == ' ' || s[j] == '\t') {
		if s[j] == '\t' {
			width += 4 - width%4
		} else {
			width++
		}
		j++
	}
	if width <= mdMaxIndent {
		return s
	}
	return strings.Repeat(" ", mdMaxIndent) + s[j:]
}

// escapeLinks escapes the "(" of every "](" past the first mdMaxLinks.
func escapeLinks(s string) string {
	var b strings.Builder
	n := 0
	for {
		i := strings.Index(s, "](")
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		n++
		b.WriteString(s[:i+1])
		if n > mdMaxLinks {
			b.WriteByte('\\')
		}
		s = s[i+1:]
	}
}

// opensFence returns the fence ("```" or "~~~", as long as written) that s
// opens, or "".
func opensFence(s string) string {
	t := strings.TrimLeft(s, " ")
	if len(s)-len(t) > 3 || len(t) < 3 || (t[0] != '`' && t[0] != '~') {
		return ""
	}
	k := 0
	for k < len(t) && t[k] == t[0] {
		k++
	}
	if k < 3 || (t[0] == '`' && strings.Contains(t[k:], "`")) {
		return ""
	}
	return t[:k]
}

func closesFence(s, fence string) bool {
	t := strings.TrimLeft(s, " ")
	if len(s)-len(t) > 3 || !strings.HasPrefix(t, fence) {
		return false
	}
	return strings.Trim(t, string(fence[0])+" \t\n") == ""
}

// splittable reports whether a blank line may go before this line: its
// container prefix holds only block quote markers (a blank line after list
// markers would make an empty item), and the line is not indented code or
// raw HTML.
func splittable(prefix, rest string) bool {
	if strings.Trim(prefix, "> \t") != "" {
		return false
	}
	t := strings.TrimLeft(rest, " ")
	return len(rest)-len(t) < 4 && !strings.HasPrefix(t, "\t") && !strings.HasPrefix(t, "<")
}

// quoteMarkers is the block quote markers of a prefix, which make a blank
// line inside the same quotes.
func quoteMarkers(prefix string) string {
	return strings.Repeat(">", strings.Count(prefix, ">"))
}

// isDelimiterRow reports whether a line is a GitHub table's delimiter row,
// such as "| --- | :-: |"; the rows of a table must not be split.
func isDelimiterRow(s string) bool {
	s = strings.TrimSpace(s)
	if !strings.Contains(s, "|") || !strings.Contains(s, "-") {
		return false
	}
	return strings.Trim(s, "|:- \t") == ""
}
