package extract

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"sort"
	"strings"
)

// tracking are query parameters that say how a reader came to a page,
// not which page it is; utm_* parameters are dropped too.
var tracking = map[string]bool{
	"fbclid": true, "gclid": true, "dclid": true, "gbraid": true, "wbraid": true,
	"msclkid": true, "yclid": true, "twclid": true, "igshid": true,
	"mc_cid": true, "mc_eid": true, "ref_src": true, "ref_url": true,
	"_ga": true, "_gl": true, "mkt_tok": true, "oly_anon_id": true, "oly_enc_id": true,
	"vero_id": true, "_hsenc": true, "_hsmi": true, "wt_mc": true,
}

// CanonicalURL returns the address by which the page at raw is known, so
// that two imports of one page are recognised as one: the scheme and host
// in lower case, no default port, no fragment, no tracking parameters
// (utm_*, fbclid, gclid, mc_cid, …) and the remaining query sorted. raw
// must be an absolute http or https URL without user name or password.
func CanonicalURL(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return "", fmt.Errorf("canonical URL of %.200q: %w", raw, err)
	}
	if err := canonicalize(u); err != nil {
		return "", fmt.Errorf("canonical URL of %.200q: %w", raw, err)
	}
	return u.String(), nil
}

// canonicalize rewrites u in place as CanonicalURL describes.
func canonicalize(u *url.URL) error {
	u.Scheme = strings.ToLower(u.Scheme)
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("scheme %q is not http or https", u.Scheme)
	}
	if u.User != nil || u.Opaque != "" {
		return errors.New("not a plain http(s) address")
	}
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	if host == "" {
		return errors.New("no host")
	}
	port := u.Port()
	if (u.Scheme == "http" && port == "80") || (u.Scheme == "https" && port == "443") {
		port = ""
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if port != "" {
		host = net.JoinHostPort(strings.Trim(host, "[]"), port)
	}
	u.Host = host
	u.Fragment, u.RawFragment = "", ""
	if u.Path == "" {
		u.Path, u.RawPath = "/", ""
	}
	u.RawQuery = cleanQuery(u.RawQuery)
	u.ForceQuery = false
	return nil
}

// cleanQuery drops tracking parameters and sorts the rest by name, keeping
// the order of values under one name (it may matter to the site).
func cleanQuery(raw string) string {
	if raw == "" {
		return ""
	}
	type param struct{ key, pair string }
	var kept []param
	for _, pair := range strings.Split(raw, "&") {
		if pair == "" {
			continue
		}
		k, _, _ := strings.Cut(pair, "=")
		name, err := url.QueryUnescape(k)
		if err != nil {
			name = k
		}
		name = strings.ToLower(name)
		if strings.HasPrefix(name, "utm_") || tracking[name] {
			continue
		}
		kept = append(kept, param{name, pair})
	}
	sort.SliceStable(kept, func(i, j int) bool { return kept[i].key < kept[j].key })
	parts := make([]string, len(kept))
	for i, p := range kept {
		parts[i] = p.pair
	}
	return strings.Join(parts, "&")
}

// pageCanonical is the canonical address of a page fetched from page
// that declares declared (its <link rel=canonical>, else its og:url; ""
// when none): the declared address when it is an http(s) URL on the same
// site, else the page's own, both through CanonicalURL.
func pageCanonical(page *url.URL, declared string) string {
	own := *page
	if err := canonicalize(&own); err != nil {
		return page.String()
	}
	if declared == "" {
		return own.String()
	}
	d, err := page.Parse(strings.TrimSpace(declared))
	if err != nil || canonicalize(d) != nil || !sameSite(d.Hostname(), own.Hostname()) {
		return own.String()
	}
	return d.String()
}

// sameSite reports whether hosts a and b are one site: equal once a
// leading www., m., mobile. or amp. is set aside, or one a subdomain of
// the other.
func sameSite(a, b string) bool {
	a, b = siteHost(a), siteHost(b)
	if len(a) > len(b) {
		a, b = b, a
	}
	// A bare top-level name ("com") is no site.
	return a == b || strings.Contains(a, ".") && strings.HasSuffix(b, "."+a)
}

func siteHost(h string) string {
	for _, p := range []string{"www.", "m.", "mobile.", "amp."} {
		if rest, ok := strings.CutPrefix(h, p); ok && strings.Contains(rest, ".") {
			return rest
		}
	}
	return h
}
