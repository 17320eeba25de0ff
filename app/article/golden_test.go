//go:build !(js && wasm)

package article

import (
	"bytes"
	"encoding/json"
	"flag"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// goldenBase is the page URL that HTML inputs are converted with.
const goldenBase = "https://example.com/blog/post.html"

// convertFile converts a test input by its extension.
func convertFile(t *testing.T, path string) *Article {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var a *Article
	switch filepath.Ext(path) {
	case ".html":
		a, err = FromHTML(string(src), goldenBase)
	case ".md":
		a, err = FromMarkdown(string(src))
	case ".txt":
		a, err = FromText(string(src))
	default:
		t.Fatalf("unknown input %s", path)
	}
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestGolden converts each testdata/input file and compares the model (as
// JSON) and the rendered HTML with testdata/golden. Run with -update to
// rewrite the golden files after a deliberate change.
func TestGolden(t *testing.T) {
	inputs, err := filepath.Glob("testdata/input/*")
	if err != nil || len(inputs) == 0 {
		t.Fatalf("no inputs: %v", err)
	}
	for _, in := range inputs {
		name := filepath.Base(in)
		t.Run(name, func(t *testing.T) {
			a := convertFile(t, in)
			check(t, a)
			model, err := json.MarshalIndent(a, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			model = append(model, '\n')
			rendered := []byte(a.HTML() + "\n")
			compareGolden(t, filepath.Join("testdata/golden", name+".json"), model)
			compareGolden(t, filepath.Join("testdata/golden", name+".out.html"), rendered)
		})
	}
}

func compareGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (run go test -update after a deliberate change)\ngot:\n%s", path, got)
	}
}

// TestHostileRendersSafely asserts, beyond the golden file, that nothing
// from the hostile page survives in the rendered HTML but plain text in
// allowed elements with allowed attributes and safe URLs.
func TestHostileRendersSafely(t *testing.T) {
	a := convertFile(t, "testdata/input/hostile.html")
	out := a.HTML()
	allowed := map[string]map[string]bool{
		"p": {"data-b": true, "data-o": true}, "h1": {"data-b": true, "data-o": true},
		"h2": {"data-b": true, "data-o": true}, "h3": {"data-b": true, "data-o": true},
		"h4": {"data-b": true, "data-o": true}, "h5": {"data-b": true, "data-o": true},
		"h6": {"data-b": true, "data-o": true}, "ul": {"data-b": true}, "ol": {"data-b": true, "start": true},
		"li": {"data-o": true}, "blockquote": {"data-b": true}, "figure": {"data-b": true},
		"img": {"src": true, "alt": true, "loading": true}, "figcaption": {"data-o": true},
		"pre": {"data-b": true, "data-o": true, "class": true}, "code": {}, "hr": {"data-b": true},
		"table": {"data-b": true}, "tbody": {}, "tr": {}, "th": {"data-o": true}, "td": {"data-o": true},
		"a": {"href": true, "rel": true}, "strong": {}, "em": {}, "sub": {}, "sup": {}, "br": {},
	}
	body := &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}
	nodes, err := html.ParseFragment(strings.NewReader(out), body)
	if err != nil {
		t.Fatal(err)
	}
	for _, root := range nodes {
		visit(root, func(n *html.Node) bool {
			if n.Type != html.ElementNode {
				return true
			}
			attrs, ok := allowed[n.Data]
			if !ok || n.Namespace != "" {
				t.Errorf("element <%s> in output", n.Data)
				return true
			}
			for _, at := range n.Attr {
				if !attrs[at.Key] {
					t.Errorf("attribute %s on <%s> in output", at.Key, n.Data)
				}
				switch at.Key {
				case "href", "src":
					if u, err := url.Parse(at.Val); err != nil || u.Hostname() == "evil.example" {
						t.Errorf("%s %q in output", at.Key, at.Val)
					}
				}
				switch at.Key {
				case "href":
					if !strings.HasPrefix(at.Val, "https://") && !strings.HasPrefix(at.Val, "http://") && !strings.HasPrefix(at.Val, "mailto:") {
						t.Errorf("href %q in output", at.Val)
					}
				case "src":
					if !strings.HasPrefix(at.Val, "https://") && !strings.HasPrefix(at.Val, "http://") {
						t.Errorf("src %q in output", at.Val)
					}
				case "class":
					if !strings.HasPrefix(at.Val, "language-") || strings.ContainsAny(at.Val, " \"'<>") {
						t.Errorf("class %q in output", at.Val)
					}
				}
				if strings.Contains(strings.ToLower(at.Val), "script") {
					t.Errorf("attribute %s=%q in output", at.Key, at.Val)
				}
			}
			return true
		})
	}
	lower := strings.ToLower(out)
	for _, bad := range []string{"<script", "<iframe", "<svg", "<math", "<object", "<embed", "<form", "<input",
		"<style", "<template", "<video", "<audio", "<base", "<meta", "<link",
		"javascript:", "data:", "vbscript:", "injected", "noscript content", "template content",
		"svg link", "fallback", "password"} {
		if strings.Contains(lower, bad) {
			t.Errorf("output holds %q", bad)
		}
	}
	// The text of unsafe links survives, without the link.
	for _, keep := range []string{"a script link", "mixed case", "a good one", "list link", "cell", "stays text", "custom element text", "marquee text", "inside details"} {
		if !strings.Contains(a.Text(), keep) {
			t.Errorf("text %q lost", keep)
		}
	}
	// A title is plain text, whatever it looks like; it does not match the
	// h1, so the h1 stays.
	if a.Meta.Title != "Totally Normal <script>alert('title')</script>Page" {
		t.Errorf("title %q", a.Meta.Title)
	}
}
