package annotation

import (
	"encoding/base64"
	"encoding/hex"
	"html"
	"net/url"
	"strings"
	"time"
)

// This file reads the values of a Web Annotation in JSON-LD, each in the
// forms the model allows.

// stateHash returns the hex SHA-256 named by an ni: URI among the states,
// or "".
func stateHash(v any) string {
	for _, s := range list(v) {
		iri, _ := iriOf(s)
		if h := niHash(iri); h != "" {
			return h
		}
	}
	return ""
}

// niHash returns the hex SHA-256 that an RFC 6920 URI
// "ni://{authority}/sha-256;{base64url}" names, or "".
func niHash(iri string) string {
	if len(iri) < 5 || !strings.EqualFold(iri[:5], "ni://") {
		return ""
	}
	_, rest, ok := strings.Cut(iri[5:], "/")
	if !ok {
		return ""
	}
	rest, _, _ = strings.Cut(rest, "?")
	alg, val, ok := strings.Cut(rest, ";")
	if !ok || !strings.EqualFold(alg, "sha-256") {
		return ""
	}
	b, err := base64.RawURLEncoding.DecodeString(val)
	if err != nil || len(b) != 32 {
		return ""
	}
	return hex.EncodeToString(b)
}

// annotationID returns the UUID in an annotation IRI "urn:uuid:{uuid}" or
// ".../annotations/{uuid}", or "".
func annotationID(iri string) string {
	var id string
	if len(iri) > 9 && strings.EqualFold(iri[:9], "urn:uuid:") {
		id = iri[9:]
	} else if u, err := url.Parse(iri); err == nil && u.RawQuery == "" && u.Fragment == "" {
		dir, last, _ := cutLast(u.EscapedPath(), "/")
		if strings.HasSuffix(dir, "/annotations") || dir == "annotations" {
			id = last
		}
	}
	id = strings.ToLower(id)
	if !ValidID(id) {
		return ""
	}
	return id
}

// articleID returns the article id in an IRI of its page in Margin,
// "{origin}/a/{id}" or "/a/{id}".
func articleID(iri string) (string, bool) {
	u, err := url.Parse(iri)
	if err != nil || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" {
		return "", false
	}
	seg, ok := strings.CutPrefix(u.EscapedPath(), "/a/")
	if !ok || seg == "" || strings.Contains(seg, "/") {
		return "", false
	}
	id, err := url.PathUnescape(seg)
	return id, err == nil && id != ""
}

// cutLast splits s around the last sep.
func cutLast(s, sep string) (before, after string, found bool) {
	if i := strings.LastIndex(s, sep); i >= 0 {
		return s[:i], s[i+len(sep):], true
	}
	return "", s, false
}

// styled reports whether the stylesheet v defines class: an embedded
// stylesheet must have a rule for it; one given by its IRI is taken on
// trust, since it is not fetched.
func styled(v any, class string) bool {
	for _, s := range list(v) {
		switch s := s.(type) {
		case string:
			return true
		case map[string]any:
			css, ok := s["value"].(string)
			if !ok {
				return true
			}
			if definesClass(css, class) {
				return true
			}
		}
	}
	return false
}

// definesClass reports whether css has a selector ".class".
func definesClass(css, class string) bool {
	for i := 0; ; {
		j := strings.Index(css[i:], "."+class)
		if j < 0 {
			return false
		}
		end := i + j + 1 + len(class)
		if end == len(css) || !nameChar(css[end]) {
			return true
		}
		i = end
	}
}

// nameChar reports whether c may continue an ASCII CSS class name.
func nameChar(c byte) bool {
	return c == '-' || c == '_' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c >= 0x80
}

// readTime reads an optional time property: xsd:dateTime, in UTC to the
// millisecond, as ToW3C writes it.
func readTime(obj map[string]any, key string) (time.Time, error) {
	v, ok := obj[key]
	if !ok || v == nil {
		return time.Time{}, nil
	}
	s, ok := v.(string)
	if !ok {
		return time.Time{}, errorf(ErrInvalid, "%s is not a string", key)
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		// xsd:dateTime allows a time without a zone; take it as UTC.
		t, err = time.Parse("2006-01-02T15:04:05.999999999", s)
	}
	if y := t.UTC().Year(); err != nil || y < 1 || y > 9999 {
		return time.Time{}, errorf(ErrInvalid, "%s, %q, is not a date and time such as 2025-01-31T12:00:00Z", key, clip(s))
	}
	return t.UTC().Truncate(time.Millisecond), nil
}

// htmlText reduces an HTML body to its text: tags go, entities are
// decoded, white space at the ends is trimmed.
func htmlText(s string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			b.WriteString(s)
			break
		}
		b.WriteString(s[:i])
		j := strings.IndexByte(s[i:], '>')
		if j < 0 {
			break
		}
		s = s[i+j+1:]
	}
	return strings.TrimSpace(html.UnescapeString(b.String()))
}

// strs reads a property that may be one string or an array of them (in
// which other values, such as the objects of a JSON-LD context, are
// skipped). what names it in an error.
func strs(v any, what string) ([]string, error) {
	switch v := v.(type) {
	case nil:
		return nil, nil
	case string:
		return []string{v}, nil
	case []any:
		var out []string
		for _, e := range v {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out, nil
	case map[string]any:
		if what == "@context" {
			return nil, nil
		}
	}
	return nil, errorf(ErrInvalid, "%s is neither a string nor an array", what)
}

// list reads a property that may be one value or an array of values.
func list(v any) []any {
	switch v := v.(type) {
	case nil:
		return nil
	case []any:
		return v
	}
	return []any{v}
}

// iriOf returns the IRI of a resource given as a string or as an object
// with an id.
func iriOf(v any) (string, bool) {
	switch v := v.(type) {
	case string:
		return v, v != ""
	case map[string]any:
		id, ok := v["id"].(string)
		return id, ok && id != ""
	}
	return "", false
}

// depth returns how deeply the objects and arrays of a JSON document nest,
// without decoding it.
func depth(data []byte) int {
	d, most := 0, 0
	in, esc := false, false
	for _, c := range data {
		switch {
		case esc:
			esc = false
		case in:
			switch c {
			case '\\':
				esc = true
			case '"':
				in = false
			}
		case c == '"':
			in = true
		case c == '{' || c == '[':
			d++
			most = max(most, d)
		case c == '}' || c == ']':
			d--
		}
	}
	return most
}
