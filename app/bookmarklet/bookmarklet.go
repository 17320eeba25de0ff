// Package bookmarklet makes the "Save to Margin" bookmarklet: a
// javascript: address that, run on any page, sends the page's address
// and the HTML its reader sees to Margin's POST /api/import with a
// personal API token, and says in the page how it went. Where the page's
// own Content-Security-Policy (or the network) stops the request, it
// opens Margin's import page with the address instead.
package bookmarklet

import (
	"encoding/json"
	"strings"
)

// ImportPath is Margin's page for importing an address, which the
// bookmarklet opens when it cannot send the page itself.
const ImportPath = "/import"

// script is the bookmarklet's code. ORIGIN and TOKEN stand for string
// literals, written by Code. Lines are trimmed and comment lines (only
// whole ones) dropped, so every statement ends with a semicolon and no
// line ends in a comment. The page is not Margin's: the code adds one
// element and touches nothing else, writes only text (never HTML), and
// sends no cookies.
const script = `
(function () {
	var origin = ORIGIN, token = TOKEN;
	var box = document.createElement("div");
	box.setAttribute("role", "status");
	box.setAttribute("data-margin-bookmarklet", "");
	Object.assign(box.style, {position: "fixed", zIndex: "2147483647", top: "16px", right: "16px",
		maxWidth: "min(360px, calc(100vw - 32px))", boxSizing: "border-box", padding: "12px 16px",
		borderRadius: "8px", background: "#22201c", color: "#f7f3ec", textAlign: "left",
		font: "15px/1.45 system-ui, sans-serif", boxShadow: "0 6px 24px rgba(0,0,0,.35)"});
	// A click anywhere on it puts it away.
	box.addEventListener("click", function () { box.remove(); });
	function say(text, link, href) {
		box.textContent = text;
		if (link) {
			var a = document.createElement("a");
			a.href = href;
			a.target = "_blank";
			a.rel = "noopener";
			a.textContent = link;
			Object.assign(a.style, {color: "inherit", textDecoration: "underline", marginLeft: "6px"});
			box.appendChild(a);
		}
		(document.body || document.documentElement).appendChild(box);
	}
	// The request never left, or no answer came: open Margin's import
	// page with the address, and offer the link should a pop-up blocker
	// have stopped that.
	function fallback() {
		var url = origin + IMPORT + "?url=" + encodeURIComponent(location.href);
		say("This page does not let Margin save it from here.", "Save it in Margin", url);
		window.open(url, "_blank", "noopener");
	}
	say("Saving to Margin…");
	var req = {method: "POST", mode: "cors", credentials: "omit",
		headers: {"Authorization": "Bearer " + token, "Content-Type": "application/json"},
		body: JSON.stringify({url: location.href, html: document.documentElement.outerHTML})};
	fetch(origin + "/api/import", req).then(function (r) {
		return r.json().then(function (b) { return [r, b || {}]; }, function () { return [r, {}]; });
	}, function () { return null; }).then(function (x) {
		if (!x) { fallback(); return; }
		var r = x[0], b = x[1], art = b.article || {};
		var title = (art.meta && art.meta.title) || "this page";
		if (r.ok) {
			say((b.existing ? "Already in your Margin library: " : "Saved to Margin: ") + title + ".", "Read it", origin + "/a/" + encodeURIComponent(art.id || ""));
			setTimeout(function () { box.remove(); }, 8000);
		} else if (r.status === 401) {
			say("Margin no longer takes this bookmarklet's token. Make a new bookmarklet on your account page.", "Open it", origin + "/account");
		} else {
			say(b.error || "Margin could not save this page.");
		}
	});
})();
`

// Code returns the bookmarklet's JavaScript for the Margin at origin
// ("https://margin.example") with the API token secret. Both go in as
// JSON string literals, which are JavaScript string literals too (JSON
// escapes quotes, backslashes, line breaks and U+2028/U+2029), so no
// value can end its literal and add code.
func Code(origin, secret string) string {
	var lines []string
	for _, l := range strings.Split(script, "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "//") {
			continue
		}
		lines = append(lines, l)
	}
	return strings.NewReplacer("ORIGIN", literal(strings.TrimRight(origin, "/")), "TOKEN", literal(secret),
		"IMPORT", literal(ImportPath)).Replace(strings.Join(lines, "\n"))
}

// URL returns the bookmarklet as the javascript: address a bookmark
// holds: Code, percent-encoded but for characters that are safe
// anywhere (in an attribute, pasted in a bookmark's address field).
// Browsers percent-decode the address before they run it.
func URL(origin, secret string) string {
	return "javascript:" + escape(Code(origin, secret))
}

func literal(s string) string {
	b, _ := json.Marshal(s) // a string always encodes
	return string(b)
}

// escape percent-encodes every byte of s but ASCII letters, digits and
// punctuation that no URL or HTML parser gives a meaning to here.
func escape(s string) string {
	const safe = "-_.~!*()+,;:=/?@$&|[]{}"
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte(safe, c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}
