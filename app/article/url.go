package article

import (
	"net/url"
	"strings"
)

// maxURL is the longest URL kept. Real links and image addresses are far
// shorter; anything longer is most likely an inlined payload.
const maxURL = 8 << 10

// SafeURL resolves raw against base and returns it if it is an absolute
// http or https URL, or a mailto URL when allowMailto is set. base may be
// "" (then raw must be absolute); a base that is not an absolute http(s)
// URL is ignored. It is the single gate for every URL that an article
// keeps: link targets and image sources.
//
// It refuses rather than repairs: a URL holding control characters, a
// backslash, user info (https://good@evil), an empty host, or any scheme
// but the allowed ones (javascript:, data:, vbscript:, …) is refused. The
// result is the URL as net/url writes it, so SafeURL(result, "", m) gives
// the result back unchanged.
func SafeURL(raw, base string, allowMailto bool) (string, bool) {
	var b *url.URL
	if base != "" {
		b = parseBase(base)
	}
	return safeURL(raw, b, allowMailto)
}

// parseBase parses a base URL, or returns nil when it is not an absolute
// http(s) URL that SafeURL itself would keep.
func parseBase(base string) *url.URL {
	s, ok := safeURL(base, nil, false)
	if !ok {
		return nil
	}
	u, err := url.Parse(s)
	if err != nil {
		return nil
	}
	return u
}

func safeURL(raw string, base *url.URL, allowMailto bool) (string, bool) {
	// Browsers strip leading and trailing ASCII white space from URL
	// attributes; everything else suspicious is refused outright.
	s := strings.Trim(raw, " \t\n\r\f")
	if s == "" || len(s) > maxURL {
		return "", false
	}
	for _, r := range s {
		// Browsers drop tab and newline inside URLs ("java\tscript:") and
		// read "\" as "/"; refusing both closes those tricks.
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) || r == '\\' || r == '\uFFFD' {
			return "", false
		}
	}
	u, err := url.Parse(s)
	if err != nil {
		return "", false
	}
	if !u.IsAbs() {
		if base == nil {
			return "", false
		}
		u = base.ResolveReference(u)
	}
	var prefix string
	switch u.Scheme {
	case "http", "https":
		if u.Host == "" || u.Opaque != "" || u.User != nil {
			return "", false
		}
		prefix = u.Scheme + "://"
	case "mailto":
		if !allowMailto || u.Opaque == "" || u.Host != "" || u.User != nil {
			return "", false
		}
		prefix = "mailto:"
	default:
		return "", false
	}
	out := u.String()
	// The result must read back as itself, so that an article converted
	// from its own HTML keeps the same links.
	if !strings.HasPrefix(out, prefix) || len(out) > maxURL {
		return "", false
	}
	v, err := url.Parse(out)
	if err != nil || v.String() != out {
		return "", false
	}
	return out, true
}

// renderableURL is the renderer's own check on a URL it is about to write:
// an absolute http(s) or mailto URL without control characters or quotes.
// It is cheaper than SafeURL and guards articles not built here (decoded
// from JSON, or made by hand).
func renderableURL(s string, allowMailto bool) bool {
	if !(strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://") ||
		(allowMailto && strings.HasPrefix(s, "mailto:"))) {
		return false
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) || r == '\\' {
			return false
		}
	}
	return true
}

// MediaPrefix starts the source of an image that Margin keeps itself.
const MediaPrefix = "/media/"

// IsMediaSrc reports whether s names an image Margin keeps itself:
// MediaPrefix followed by exactly 64 lower-case hex digits (the SHA-256 of
// the image's bytes). It is the one relative form an image source may take.
func IsMediaSrc(s string) bool {
	if len(s) != len(MediaPrefix)+64 || !strings.HasPrefix(s, MediaPrefix) {
		return false
	}
	for _, c := range []byte(s[len(MediaPrefix):]) {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// imageSrcOK is the check on an image source kept in the model: an
// address SafeURL keeps as it is, or one of Margin's own images.
func imageSrcOK(s string) bool {
	if IsMediaSrc(s) {
		return true
	}
	got, ok := SafeURL(s, "", false)
	return ok && got == s
}
