//go:build !(js && wasm) || convert

package article

import (
	"fmt"
	"strings"
)

// frontMatter splits optional front matter off a Markdown source. It starts
// with a "---" line at the very start and ends with the next "---" line;
// in between, "key: value" lines set title, byline, site, url, published
// (YYYY-MM-DD or RFC 3339), lang and image. Unknown keys, blank lines,
// comments and lines that are not "key: value" are ignored. Without a
// closing line there is no front matter: the "---" is Markdown's own.
func frontMatter(src string) (Meta, string, error) {
	var m Meta
	first, rest, ok := strings.Cut(src, "\n")
	if !ok || strings.TrimRight(first, " \t") != "---" {
		return m, src, nil
	}
	var lines []string
	body := ""
	closed := false
	for rest != "" {
		var line string
		line, rest, _ = strings.Cut(rest, "\n")
		if strings.TrimRight(line, " \t") == "---" {
			closed, body = true, rest
			break
		}
		lines = append(lines, line)
	}
	if !closed {
		return m, src, nil
	}
	for i, line := range lines {
		key, value, ok := strings.Cut(line, ":")
		if !ok || strings.HasPrefix(strings.TrimSpace(key), "#") {
			continue
		}
		key = strings.ToLower(strings.TrimSpace(key))
		value = foldString(unquote(strings.TrimSpace(value)))
		n := i + 2 // the opening "---" is line 1
		switch key {
		case "title":
			m.Title = value
		case "byline":
			m.Byline = value
		case "site":
			m.Site = value
		case "lang":
			m.Lang = validLangTag(value)
		case "url", "image":
			if value == "" {
				continue
			}
			u, ok := safeURL(value, nil, false)
			if !ok {
				return m, "", fmt.Errorf("article: front matter line %d: %s %q is not an absolute http or https URL", n, key, value)
			}
			if key == "url" {
				m.URL = u
			} else {
				m.Image = u
			}
		case "published":
			if value == "" {
				continue
			}
			t, err := parseDate(value)
			if err != nil {
				return m, "", fmt.Errorf("article: front matter line %d: published %q is not a date (use YYYY-MM-DD or RFC 3339)", n, value)
			}
			m.Published = t
		}
	}
	return m, body, nil
}

// unquote removes one pair of matching quotes around a value.
func unquote(v string) string {
	if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
		return v[1 : len(v)-1]
	}
	return v
}
