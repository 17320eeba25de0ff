package note

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// cases are notes with their HTML in testdata/{name}.html and their plain
// text here.
var cases = []struct {
	name, md, plain string
}{
	{"empty", "", ""},
	{"blank", " \n\t\n  ", ""},
	{"plain", "Just a note.", "Just a note."},
	{"paragraphs and line breaks", "One\ntwo  \nthree\n\n\n  Four\r\nfive\rsix", "One two three Four five six"},
	{"emphasis", "*em* _em_ **strong** __strong__ ***both*** **a *b* c** *a **b** c*", "em em strong strong both a b c a b c"},
	{"not emphasis", "snake_case_name 2 * 3 * 4 a** b ** c_ _d **", "snake_case_name 2 * 3 * 4 a** b ** c_ _d **"},
	{"code", "Use `a < b && c` or ``x ` y`` or ` `` ` and `unclosed", "Use a < b && c or x ` y or `` and `unclosed"},
	{"escapes", `\*not em\* \_nor this\_ \[nor\](https://x.example) \` + "`" + `no code\` + "` a\\b \\q", "*not em* _nor this_ [nor](https://x.example) `no code` a\\b \\q"},
	{"links", "[Margin](https://margin.example/a/1?x=1&y=2#h=3) [mail](mailto:me@example.com) [**bold** link](http://x.example/) [paren](https://en.wikipedia.org/wiki/Go_(language))",
		"Margin mail bold link paren"},
	{"bare URLs", "See https://example.com/a_b_c, or (http://x.example/p). HTTPS://UP.EXAMPLE/ and https://done.example/x.\nnothttps://x.example ftp://x.example https:// http://",
		"See https://example.com/a_b_c, or (http://x.example/p). HTTPS://UP.EXAMPLE/ and https://done.example/x. nothttps://x.example ftp://x.example https:// http://"},
	{"lists", "- one\n* two\n+ three\n\n- a\n- b\n  more of b\n\n- c after a blank\n\n1. first\n2. second\n\n3) third\n\n7. seven\n8. eight\n  - flat sub",
		"one two three a b more of b c after a blank first second third seven eight flat sub"},
	{"list interrupts paragraph", "Shopping:\n- milk\n- *eggs*\nThe year\n1986. was not a list item\n1. but this is", "Shopping: milk eggs The year 1986. was not a list item but this is"},
	{"quotes", "> quoted *text*\n> on two lines\n>\n> - a list\n> > nested\n\n>no space\nafter", "quoted text on two lines a list nested no space after"},
	{"deep quotes", strings.Repeat("> ", 12) + "deep", strings.Repeat("> ", 4) + "deep"},
	{"repeated emphasis", strings.Repeat("*a ", 4) + "x" + strings.Repeat(" a*", 4), "a *a *a *a x a a* a* a*"},
	{"nested emphasis", "***a __b _c **d `e` [f](https://g.example/) d** c_ b__ a***", "a b c d e f d c b a"},
	{"emoji CJK combining", "**漢字** _かな_ 👨‍👩‍👧 e\u0301 [🇫🇷](https://fr.example/é)", "漢字 かな 👨‍👩‍👧 e\u0301 🇫🇷"},

	// Hostile notes: every character shows as text.
	{"script", "<script>alert(1)</script>", "<script>alert(1)</script>"},
	{"img onerror", "<img src=x onerror=alert(1)>", "<img src=x onerror=alert(1)>"},
	{"html tags", `<a href="javascript:alert(1)">click</a> <iframe src=//evil.example></iframe><style>*{}</style> <b onclick=x>b</b>`,
		`<a href="javascript:alert(1)">click</a> <iframe src=//evil.example></iframe><style>*{}</style> <b onclick=x>b</b>`},
	{"entities", "&lt;script&gt; &amp; &#x3C;b&#x3E; &quot;", "&lt;script&gt; &amp; &#x3C;b&#x3E; &quot;"},
	{"javascript links", "[a](javascript:alert(1)) [b](JaVaScRiPt:alert(1)) [c]( javascript:alert(1) ) [d](<javascript:alert(1)>) [e](java\tscript:alert(1))",
		"[a](javascript:alert(1)) [b](JaVaScRiPt:alert(1)) [c]( javascript:alert(1) ) [d](<javascript:alert(1)>) [e](java script:alert(1))"},
	{"other bad links", "[f](data:text/html,<script>alert(1)</script>) [g](vbscript:x) [h](/relative) [i](//evil.example) [j](https:nohost) [k](file:///etc/passwd) [l](mailto:)",
		"[f](data:text/html,<script>alert(1)</script>) [g](vbscript:x) [h](/relative) [i](//evil.example) [j](https:nohost) [k](file:///etc/passwd) [l](mailto:)"},
	{"attribute breakout", `[x](https://e.example/"onmouseover="alert(1)) https://e.example/'onfocus='x' [y](https://e.example/a&quot;b)`, `x https://e.example/'onfocus='x' y`},
	{"markup in code and links", "`<script>` [<b>x</b>](https://e.example/<script>) **<i>**", "<script> <b>x</b> <i>"},
	{"image", "![alt](https://e.example/i.png)", "!alt"},
	{"control characters", "a\x00b\x1b[31mc\x7fd\u0085e", "ab[31mcde"},
	{"invalid UTF-8", "a\xffb\xc3", "a\uFFFDb\uFFFD"},
}

func TestHTML(t *testing.T) {
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := HTML(tc.md)
			name := filepath.Join("testdata", strings.ReplaceAll(tc.name, " ", "-")+".html")
			if *update {
				if err := os.WriteFile(name, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Errorf("HTML(%q) =\n%s\nwant (%s; go test -update to rewrite it)\n%s", tc.md, got, name, want)
			}
			if err := checkHTML(got); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestPlain(t *testing.T) {
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := Plain(tc.md); got != tc.plain {
				t.Errorf("Plain(%q)\n got %q\nwant %q", tc.md, got, tc.plain)
			}
		})
	}
}

// TestHostile checks what the golden files show for hostile notes: that
// none of their markup survives as markup.
func TestHostile(t *testing.T) {
	for _, tc := range cases {
		got := strings.ToLower(HTML(tc.md))
		for _, bad := range []string{"<script", "<img", "<iframe", "<style", "javascript:alert(1)\"", "href=\"javascript", "href=\"data", "href=\"vbscript", "href=\"/", "href=\"file"} {
			if strings.Contains(got, bad) {
				t.Errorf("%s: HTML has %q:\n%s", tc.name, bad, got)
			}
		}
	}
	if got := HTML("<script>alert(1)</script>"); got != "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n" {
		t.Errorf("the script note renders as %q", got)
	}
}

// TestLinearTime feeds notes built to make a careless parser take time
// quadratic in their length. Each takes milliseconds; the limit is there
// only to catch a parser that would take minutes.
func TestLinearTime(t *testing.T) {
	const n = 1 << 20
	inputs := map[string]string{
		"openers":        strings.Repeat("*a", n/2),
		"strong openers": strings.Repeat("**a ", n/4),
		"underscores":    strings.Repeat("_a ", n/3),
		"brackets":       strings.Repeat("[", n) + "]",
		"bracket pairs":  strings.Repeat("[a](", n/4),
		"no close paren": "[a](" + strings.Repeat("(", n),
		"backticks":      strings.Repeat("`", n),
		"backtick runs":  strings.Repeat("` `` ``` ```` ", n/20),
		"bad URLs":       strings.Repeat("http://%/", n/9),
		"list items":     strings.Repeat("- a\n\n", n/5),
		"quotes":         strings.Repeat(">", n),
		"blank lines":    "- a" + strings.Repeat("\n", n) + "x",
	}
	for name, md := range inputs {
		start := time.Now()
		HTML(md)
		Plain(md)
		if d := time.Since(start); d > 20*time.Second {
			t.Errorf("%s: %v for %d bytes", name, d, len(md))
		}
	}
}
