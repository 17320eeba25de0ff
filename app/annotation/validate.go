package annotation

import (
	"net/url"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"margin/app/anchor"
)

// The limits Validate holds an annotation to. Lengths are in Unicode code
// points, as the reader counts them.
const (
	MaxNote  = 10000 // the longest note
	MaxTags  = 32    // the most tags on one annotation
	MaxTag   = 64    // the longest tag
	MaxExact = 20000 // the longest quoted passage
)

// Limits on identifiers, in bytes: no real one comes near them.
const (
	maxArticle = 256  // an article id
	maxSource  = 4096 // a source URL
)

// Validate reports whether a is well formed, and if not, why, in an error
// that matches ErrInvalid:
//
//   - ID is a canonical UUID (ValidID); Article is not empty;
//   - Color is one of Colors;
//   - Source is empty or an absolute IRI;
//   - the selector is sane: 0 ≤ Start < End; Exact is not empty, has
//     End−Start code points and at most MaxExact; Prefix and Suffix have at
//     most anchor.ContextLen; Hash is empty or 64 lower-case hex digits;
//   - Note has at most MaxNote code points;
//   - there are at most MaxTags tags, each of 1 to MaxTag code points, with
//     no control characters, in the form NormalizeTags gives (white space
//     trimmed and folded, no two equal but for case);
//   - all text is valid UTF-8, and none but Exact, Prefix, Suffix and Note
//     (which may hold tabs and line ends) has control characters;
//   - Created and Modified are set, in the years 1 to 9999, and Modified
//     is not before Created.
func Validate(a *Annotation) error {
	if a == nil {
		return errorf(ErrInvalid, "there is no annotation")
	}
	if !ValidID(a.ID) {
		return errorf(ErrInvalid, "id %q is not a UUID in canonical form", clip(a.ID))
	}
	if err := checkArticle(a.Article); err != nil {
		return err
	}
	if a.Created.IsZero() || a.Modified.IsZero() {
		return errorf(ErrInvalid, "the creation and modification times must be set")
	}
	if y1, y2 := a.Created.UTC().Year(), a.Modified.UTC().Year(); y1 < 1 || y1 > 9999 || y2 < 1 || y2 > 9999 {
		return errorf(ErrInvalid, "the creation and modification times must fall in the years 1 to 9999")
	}
	if a.Modified.Before(a.Created) {
		return errorf(ErrInvalid, "modified (%s) is before created (%s)", formatTime(a.Modified), formatTime(a.Created))
	}
	return checkContent(a)
}

// checkArticle checks an article id.
func checkArticle(id string) error {
	switch {
	case id == "":
		return errorf(ErrInvalid, "the article id is missing")
	case len(id) > maxArticle:
		return errorf(ErrInvalid, "the article id is %d bytes long; the most is %d", len(id), maxArticle)
	case !plainText(id):
		return errorf(ErrInvalid, "the article id %q is not valid UTF-8 without control characters", clip(id))
	}
	return nil
}

// checkContent checks what Validate checks besides the id, the article id
// and the times: what a Web Annotation from elsewhere must get right.
func checkContent(a *Annotation) error {
	if !slices.Contains(Colors, a.Color) {
		return errorf(ErrInvalid, "colour %q is not one of yellow, green, blue, pink and purple", clip(string(a.Color)))
	}
	if a.Source != "" && !absoluteIRI(a.Source) {
		return errorf(ErrInvalid, "source %q is not an absolute URL", clip(a.Source))
	}
	if err := checkSelector(&a.Target); err != nil {
		return err
	}
	if !utf8.ValidString(a.Note) || !textOK(a.Note) {
		return errorf(ErrInvalid, "the note is not valid UTF-8 without control characters")
	}
	if n := utf8.RuneCountInString(a.Note); n > MaxNote {
		return errorf(ErrInvalid, "the note is %d characters long; the most is %d", n, MaxNote)
	}
	return checkTags(a.Tags)
}

// checkSelector checks the parts of a selector.
func checkSelector(s *anchor.Selector) error {
	for _, f := range []struct{ name, s string }{{"quote", s.Exact}, {"prefix", s.Prefix}, {"suffix", s.Suffix}} {
		if !utf8.ValidString(f.s) || !textOK(f.s) {
			return errorf(ErrInvalid, "the %s is not valid UTF-8 without control characters", f.name)
		}
	}
	n := utf8.RuneCountInString(s.Exact)
	switch {
	case n == 0:
		return errorf(ErrInvalid, "the quote is empty")
	case n > MaxExact:
		return errorf(ErrInvalid, "the quote is %d characters long; the most is %d", n, MaxExact)
	case s.Start < 0 || s.End <= s.Start:
		return errorf(ErrInvalid, "the range %d to %d is not a range of the text", s.Start, s.End)
	case s.End-s.Start != n:
		return errorf(ErrInvalid, "the range %d to %d spans %d characters but the quote has %d", s.Start, s.End, s.End-s.Start, n)
	}
	if n := utf8.RuneCountInString(s.Prefix); n > anchor.ContextLen {
		return errorf(ErrInvalid, "the prefix is %d characters long; the most is %d", n, anchor.ContextLen)
	}
	if n := utf8.RuneCountInString(s.Suffix); n > anchor.ContextLen {
		return errorf(ErrInvalid, "the suffix is %d characters long; the most is %d", n, anchor.ContextLen)
	}
	if s.Hash != "" && !isHash(s.Hash) {
		return errorf(ErrInvalid, "hash %q is not 64 lower-case hex digits", clip(s.Hash))
	}
	return nil
}

// checkTags checks a list of tags.
func checkTags(tags []string) error {
	if len(tags) > MaxTags {
		return errorf(ErrInvalid, "there are %d tags; the most is %d", len(tags), MaxTags)
	}
	seen := make(map[string]bool, len(tags))
	for _, t := range tags {
		switch n := utf8.RuneCountInString(t); {
		case t == "":
			return errorf(ErrInvalid, "a tag is empty")
		case !plainText(t):
			return errorf(ErrInvalid, "tag %q is not valid UTF-8 without control characters", clip(t))
		case n > MaxTag:
			return errorf(ErrInvalid, "tag %q is %d characters long; the most is %d", clip(t), n, MaxTag)
		case normalizeTag(t) != t:
			return errorf(ErrInvalid, "tag %q has white space at an end or more than one space in a row", clip(t))
		}
		k := foldTag(t)
		if seen[k] {
			return errorf(ErrInvalid, "tag %q is there twice", clip(t))
		}
		seen[k] = true
	}
	return nil
}

// NormalizeTags returns tags as Margin stores them: each trimmed, its
// runs of white space folded to one space, empty ones dropped, and of tags
// equal but for case only the first kept, as it was spelled. The order is
// kept. It returns nil when no tag is left.
func NormalizeTags(tags []string) []string {
	var out []string
	seen := make(map[string]bool, len(tags))
	for _, t := range tags {
		t = normalizeTag(t)
		if t == "" || seen[foldTag(t)] {
			continue
		}
		seen[foldTag(t)] = true
		out = append(out, t)
	}
	return out
}

// normalizeTag trims t and folds its runs of white space to one space.
func normalizeTag(t string) string {
	return strings.Join(strings.Fields(t), " ")
}

// foldTag is the key under which tags equal but for case are the same.
func foldTag(t string) string {
	return strings.ToLower(strings.ToUpper(t))
}

// plainText reports whether s is valid UTF-8 with no control characters.
func plainText(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsFunc(s, unicode.IsControl)
}

// textOK reports whether s has no control characters but tab, line feed
// and carriage return.
func textOK(s string) bool {
	return !strings.ContainsFunc(s, func(r rune) bool {
		return unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r'
	})
}

// absoluteIRI reports whether s is an absolute IRI: it has a scheme, no
// white space or control characters, and is not too long.
func absoluteIRI(s string) bool {
	if len(s) > maxSource || !plainText(s) || strings.ContainsFunc(s, unicode.IsSpace) {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && u.Scheme != "" && (u.Opaque != "" || u.Host != "" || u.Path != "")
}

// isHash reports whether s is a hex SHA-256 in lower case.
func isHash(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// clip shortens s for quoting in an error message.
func clip(s string) string {
	const most = 40
	if utf8.RuneCountInString(s) <= most {
		return s
	}
	return string([]rune(s)[:most]) + "…"
}
