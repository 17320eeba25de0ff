package extract

import (
	"reflect"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

func TestParseSrcset(t *testing.T) {
	for in, want := range map[string][]candidate{
		"a.jpg 100w, b.jpg 800w": {{"a.jpg", 100, true}, {"b.jpg", 800, true}},
		"a.jpg, b.jpg 2x":        {{"a.jpg", 1, false}, {"b.jpg", 2, false}},
		"https://img.example/w_300,h_200/a.jpg 300w, https://img.example/w_900,h_600/a.jpg 900w": {
			{"https://img.example/w_300,h_200/a.jpg", 300, true}, {"https://img.example/w_900,h_600/a.jpg", 900, true}},
		"  a.jpg  1.5x ,\n b.jpg 3x ": {{"a.jpg", 1.5, false}, {"b.jpg", 3, false}},
		"a.jpg 0w, b.jpg bogus":       {{"a.jpg", 1, false}, {"b.jpg", 1, false}},
		"":                            nil,
		",,,":                         nil,
	} {
		if got := parseSrcset(in); !reflect.DeepEqual(got, want) {
			t.Errorf("parseSrcset(%q) = %v, want %v", in, got, want)
		}
	}
	if got := bestCandidate(parseSrcset("a.jpg 2x, b.jpg 300w, data:image/png;base64,AAAA 5000w, c.jpg 200w")); got != "b.jpg" {
		t.Errorf("best = %q, want b.jpg (widths beat densities, data: never wins)", got)
	}
}

func TestPrepareImages(t *testing.T) {
	doc, _ := html.Parse(strings.NewReader(`
<img id=1 src="data:image/gif;base64,R0lGOD" data-src="/lazy.jpg">
<img id=2 src="/s.jpg" srcset="/m.jpg 2x, /l.jpg 3x" sizes="100vw">
<img id=3 data-srcset="/a.jpg 100w, /b.jpg 900w" src="/tiny.jpg">
<picture><source type="image/jxl" srcset="/x.jxl 4000w"><source srcset="/p.webp 1200w"><img id=4 src="/fallback.jpg"></picture>
<img id=5>`))
	prepareImages(doc)
	want := map[string]string{"1": "/lazy.jpg", "2": "/l.jpg", "3": "/b.jpg", "4": "/p.webp", "5": ""}
	visit(doc, func(n *html.Node) bool {
		if n.Data == "source" {
			t.Error("a picture's source element was kept")
		}
		if n.Data == "img" {
			id := attrOf(n, "id")
			if got := attrOf(n, "src"); got != want[id] {
				t.Errorf("img %s: src %q, want %q", id, got, want[id])
			}
			for _, a := range n.Attr {
				if a.Key != "id" && a.Key != "src" {
					t.Errorf("img %s keeps %s", id, a.Key)
				}
			}
		}
		return true
	})
}
