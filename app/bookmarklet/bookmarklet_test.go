package bookmarklet

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
)

const goodToken = "mgn_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"

// literals splits JavaScript code into its string literals and the rest,
// with each literal replaced by "". The bookmarklet has no regular
// expression or template literals, so quotes are all it must follow.
func literals(t *testing.T, code string) (skeleton string, lits []string) {
	t.Helper()
	var b strings.Builder
	for i := 0; i < len(code); i++ {
		c := code[i]
		if c != '"' && c != '\'' {
			b.WriteByte(c)
			continue
		}
		j := i + 1
		for ; j < len(code) && code[j] != c; j++ {
			if code[j] == '\\' {
				j++
			}
			if j < len(code) && code[j] == '\n' {
				t.Fatalf("a line break inside a string literal at byte %d", j)
			}
		}
		if j >= len(code) {
			t.Fatalf("an unterminated string literal at byte %d", i)
		}
		lits = append(lits, code[i:j+1])
		b.WriteString(`""`)
		i = j
	}
	return b.String(), lits
}

func TestURLIsTheCodePercentEncoded(t *testing.T) {
	for _, origin := range []string{"https://margin.example", "http://127.0.0.1:8080", "https://margin.example/"} {
		u := URL(origin, goodToken)
		rest, ok := strings.CutPrefix(u, "javascript:")
		if !ok {
			t.Fatalf("%q does not start with javascript:", u)
		}
		for i := 0; i < len(rest); i++ {
			c := rest[i]
			if c == '%' {
				if i+2 >= len(rest) || !isHex(rest[i+1]) || !isHex(rest[i+2]) {
					t.Fatalf("a bare %% at %d", i)
				}
				continue
			}
			if c <= ' ' || c >= 0x7f || strings.IndexByte("\"'<>#\\`^", c) >= 0 {
				t.Fatalf("unescaped %q at byte %d of the address", c, i)
			}
		}
		code, err := url.PathUnescape(rest)
		if err != nil || code != Code(origin, goodToken) {
			t.Fatalf("the address does not decode to the code: %v", err)
		}
		if !strings.HasPrefix(code, "(function () {\n") || !strings.HasSuffix(code, "\n})();") {
			t.Fatalf("the code is not one function called at once:\n%s", code)
		}
		if !strings.Contains(code, `var origin = "`+strings.TrimSuffix(origin, "/")+`", token = "`+goodToken+`";`) {
			t.Fatalf("the code does not hold the origin and the token:\n%s", code)
		}
	}
}

func isHex(c byte) bool { return '0' <= c && c <= '9' || 'A' <= c && c <= 'F' }

// Each line of the code ends a statement or opens or continues a
// construct, so no line ends in a comment and no statement relies on a
// line break to end.
func TestCodeShape(t *testing.T) {
	code := Code("https://margin.example", goodToken)
	skeleton, _ := literals(t, code)
	if strings.Contains(skeleton, "//") || strings.Contains(skeleton, "/*") {
		t.Fatalf("the code holds a comment:\n%s", skeleton)
	}
	for _, word := range []string{"ORIGIN", "TOKEN", "IMPORT", "innerHTML", "insertAdjacentHTML", "document.write", "alert(", "credentials: \"include\""} {
		if strings.Contains(code, word) {
			t.Errorf("the code holds %q", word)
		}
	}
	for i, l := range strings.Split(skeleton, "\n") {
		if last := l[len(l)-1]; strings.IndexByte(";{},(", last) < 0 {
			t.Errorf("line %d ends in %q: %s", i+1, last, l)
		}
	}
	for _, want := range []string{`credentials: "omit"`, `"Authorization": "Bearer " + token`, `fetch(origin + "/api/import", req)`,
		`encodeURIComponent(location.href)`, `html: document.documentElement.outerHTML`} {
		if !strings.Contains(code, want) {
			t.Errorf("the code lacks %q", want)
		}
	}
}

// An origin or a token holding quotes, backslashes, line breaks, HTML or
// percent signs stays inside its string literal: the code around the
// literals is the same as with plain values, and the literals read back
// as the values given.
func TestNoInjection(t *testing.T) {
	plain, _ := literals(t, Code("https://margin.example", goodToken))
	for _, hostile := range []string{
		`https://m.example/"+alert(1)+"`,
		`https://m.example/'+alert(1)+'`,
		`https://m.example\";alert(1);//`,
		"https://m.example/\nalert(1)",
		"https://m.example/\u2028alert(1)\u2029",
		`https://m.example/</script><script>alert(1)</script>`,
		`https://m.example/%22);alert(1);(%22`,
		`https://m.example/${alert(1)}` + "`",
		`https://m.example/*/alert(1)/*`,
		"https://m.example/\x00\x1b",
		"https://m.example/ORIGIN/TOKEN",
	} {
		for _, tc := range []struct{ origin, token string }{{hostile, goodToken}, {"https://margin.example", hostile}} {
			code := Code(tc.origin, tc.token)
			skeleton, lits := literals(t, code)
			if skeleton != plain {
				t.Fatalf("origin %q, token %q changed the code outside its literals:\n%s", tc.origin, tc.token, skeleton)
			}
			var origin, token string
			if err := json.Unmarshal([]byte(lits[0]), &origin); err != nil || origin != strings.TrimRight(tc.origin, "/") {
				t.Fatalf("origin literal %s reads %q, %v; want %q", lits[0], origin, err, tc.origin)
			}
			if err := json.Unmarshal([]byte(lits[1]), &token); err != nil || token != tc.token {
				t.Fatalf("token literal %s reads %q, %v", lits[1], token, err)
			}
			decoded, err := url.PathUnescape(strings.TrimPrefix(URL(tc.origin, tc.token), "javascript:"))
			if err != nil || decoded != code {
				t.Fatalf("the address of %q does not decode to its code: %v", hostile, err)
			}
		}
	}
}
