package article

import (
	"strings"
	"unicode"
)

// foldRuns folds the white space of a leaf's runs (outside code blocks):
// every run of Unicode white space becomes one " ", even across run
// boundaries; white space at the start and end of the leaf and next to a
// line break goes; line breaks at the start and end go; empty runs go; and
// neighbouring runs with the same style and link merge. The stored text is
// then exactly what the canonical text holds, so rendering it shows the
// same characters that offsets count.
func foldRuns(in []Run) []Run {
	var out []Run
	var cur strings.Builder // text of a run being merged, not yet in out
	merging := false
	settle := func() {
		if merging {
			out[len(out)-1].Text = cur.String()
			cur.Reset()
			merging = false
		}
	}
	space := true // the last character kept was white space or a break
	for _, r := range in {
		if r.Break {
			settle()
			out = trimTrailingSpace(out)
			if len(out) > 0 {
				out = append(out, Run{Style: r.Style, Href: r.Href, Break: true})
			}
			space = true
			continue
		}
		t := foldText(r.Text, &space)
		if t == "" {
			continue
		}
		if n := len(out); n > 0 && !out[n-1].Break && out[n-1].Style == r.Style && out[n-1].Href == r.Href {
			// Merging many small runs one by one would copy the text over
			// and over; a builder keeps it linear.
			if !merging {
				cur.WriteString(out[n-1].Text)
				merging = true
			}
			cur.WriteString(t)
			continue
		}
		settle()
		out = append(out, Run{Text: t, Style: r.Style, Href: r.Href})
	}
	settle()
	for {
		out = trimTrailingSpace(out)
		if n := len(out); n > 0 && out[n-1].Break {
			out = out[:n-1]
			continue
		}
		break
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// foldText folds white space in s; space carries whether the text before s
// ended in white space, so folding works across runs.
func foldText(s string, space *bool) string {
	clean := true
	prev := *space
	for _, r := range s {
		if unicode.IsSpace(r) {
			if prev || r != ' ' {
				clean = false
				break
			}
			prev = true
		} else {
			prev = false
		}
	}
	if clean {
		*space = prev
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if unicode.IsSpace(r) {
			if !*space {
				b.WriteByte(' ')
				*space = true
			}
			continue
		}
		b.WriteRune(r)
		*space = false
	}
	return b.String()
}

// trimTrailingSpace removes the white space that ends the last text run,
// and the run itself when nothing else is left of it.
func trimTrailingSpace(runs []Run) []Run {
	n := len(runs)
	if n == 0 || runs[n-1].Break {
		return runs
	}
	t := strings.TrimRightFunc(runs[n-1].Text, unicode.IsSpace)
	if t == "" {
		return runs[:n-1]
	}
	runs[n-1].Text = t
	return runs
}

// foldString folds white space in a plain string (titles, alt texts, …).
func foldString(s string) string {
	s = clean(s)
	space := true
	return strings.TrimRightFunc(foldText(s, &space), unicode.IsSpace)
}

// normalizeCode normalizes a code block's text: white space is kept, line ends
// are "\n", control characters go, and trailing newlines are dropped. Dropping all of them rather
// than one keeps the text the same when the block is converted again from
// its own HTML.
func normalizeCode(s string) string {
	s = clean(s)
	return strings.TrimRight(s, "\n")
}

// runsText is the text of runs as the canonical text holds it.
func runsText(runs []Run) string {
	var b strings.Builder
	for _, r := range runs {
		if r.Break {
			b.WriteByte('\n')
		} else {
			b.WriteString(r.Text)
		}
	}
	return b.String()
}
