//go:build !(js && wasm)

package article

import "testing"

func TestSafeURL(t *testing.T) {
	const base = "https://example.com/dir/page.html?x=1"
	cases := []struct {
		name, raw, base string
		mailto          bool
		want            string // "" means refused
	}{
		{"absolute https", "https://x.example/a?b=c#d", "", false, "https://x.example/a?b=c#d"},
		{"absolute http", "http://x.example", "", false, "http://x.example"},
		{"scheme case", "HTTPS://X.example/A", "", false, "https://X.example/A"},
		{"relative", "b/c", base, false, "https://example.com/dir/b/c"},
		{"root relative", "/b", base, false, "https://example.com/b"},
		{"dot segments", "../../b", base, false, "https://example.com/b"},
		{"fragment only", "#sec", base, false, "https://example.com/dir/page.html?x=1#sec"},
		{"query only", "?y=2", base, false, "https://example.com/dir/page.html?y=2"},
		{"protocol relative", "//cdn.example/x", base, false, "https://cdn.example/x"},
		{"protocol relative without base", "//evil.example", "", false, ""},
		{"relative without base", "b/c", "", false, ""},
		{"surrounding white space", " \t\nhttps://x.example/ \n", "", false, "https://x.example/"},
		{"space inside path", "https://x.example/a b", "", false, "https://x.example/a%20b"},
		{"mailto allowed", "mailto:me@example.com", "", true, "mailto:me@example.com"},
		{"mailto case", "MaIlTo:me@example.com", "", true, "mailto:me@example.com"},
		{"mailto not allowed", "mailto:me@example.com", "", false, ""},
		{"mailto empty", "mailto:", "", true, ""},
		{"javascript", "javascript:alert(1)", base, true, ""},
		{"javascript mixed case", "JaVaScRiPt:alert(1)", base, true, ""},
		{"javascript tab", "java\tscript:alert(1)", base, true, ""},
		{"javascript newline", "java\nscript:alert(1)", base, true, ""},
		{"javascript leading space", "  javascript:alert(1)", base, true, ""},
		{"javascript leading control", "\x01javascript:alert(1)", base, true, ""},
		{"javascript leading NUL", "\x00javascript:alert(1)", base, true, ""},
		{"javascript C1 control", "\u0085javascript:alert(1)", base, true, ""},
		{"entity encoded is a harmless path", "&#106;avascript:alert(1)", base, true, "https://example.com/dir/&#106;avascript:alert(1)"},
		{"entity encoded without base", "&#106;avascript:alert(1)", "", true, ""},
		{"percent encoded scheme is a path", "javascript%3Aalert(1)", base, true, "https://example.com/dir/javascript%3Aalert(1)"},
		{"data", "data:text/html;base64,PHNjcmlwdD4=", base, true, ""},
		{"data image", "data:image/png;base64,AAAA", base, false, ""},
		{"vbscript", "vbscript:msgbox(1)", base, true, ""},
		{"file", "file:///etc/passwd", base, true, ""},
		{"ftp", "ftp://x.example/", base, true, ""},
		{"backslash", "/\\evil.example", base, false, ""},
		{"backslashes", "\\\\evil.example", base, false, ""},
		{"userinfo", "https://good.example@evil.example/", "", false, ""},
		{"empty host", "https:///path", "", false, ""},
		{"opaque https", "https:evil.example", "", false, ""},
		{"empty", "", base, false, ""},
		{"white space only", "  ", base, false, ""},
		{"bad base ignored", "/x", "javascript:alert(1)", false, ""},
		{"relative base ignored", "/x", "/dir/", false, ""},
		{"replacement character", "https://x.example/\uFFFD", "", false, ""},
		{"invalid host", "https://x exa mple/", "", false, ""},
		{"bad escape", "https://x.example/%zz", "", false, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, ok := SafeURL(c.raw, c.base, c.mailto)
			if ok != (c.want != "") || got != c.want {
				t.Fatalf("SafeURL(%q, %q) = %q, %v; want %q", c.raw, c.base, got, ok, c.want)
			}
			if ok {
				// The result reads back as itself.
				again, ok2 := SafeURL(got, "", c.mailto)
				if !ok2 || again != got {
					t.Fatalf("not idempotent: %q -> %q", got, again)
				}
			}
		})
	}
}

func TestSafeURLLength(t *testing.T) {
	long := "https://x.example/" + string(make([]byte, 0))
	for len(long) <= maxURL {
		long += "aaaaaaaaaa"
	}
	if _, ok := SafeURL(long, "", false); ok {
		t.Fatal("over-long URL kept")
	}
}
