//go:build !(js && wasm)

package article

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// TestMediaImages checks the one relative image source the model takes:
// an image Margin keeps itself, which Check accepts and the renderer shows.
func TestMediaImages(t *testing.T) {
	src := MediaPrefix + strings.Repeat("0f", 32)
	a := &Article{Meta: Meta{Title: "t", Image: src, Dir: "rtl"},
		Blocks: []Block{{Kind: Figure, Image: &Image{Src: src, Alt: "a"}, Runs: []Run{{Text: "c"}}}}}
	a.Index()
	if err := Check(a); err != nil {
		t.Fatalf("Check: %v", err)
	}
	if got := a.HTML(); !strings.Contains(got, `<img src="`+src+`" alt="a"`) {
		t.Errorf("the image is not rendered: %s", got)
	}
	for _, bad := range []string{"", "/media/", src + "0", src[:len(src)-1], strings.ToUpper(src), "/media/" + strings.Repeat("g", 64), "//media/" + strings.Repeat("a", 63)} {
		if IsMediaSrc(bad) {
			t.Errorf("IsMediaSrc(%q)", bad)
		}
		a.Blocks[0].Image.Src = bad
		if strings.Contains(a.HTML(), "<img") {
			t.Errorf("image %q rendered", bad)
		}
	}
}

func TestCheckAcceptsWhatConstructorsMake(t *testing.T) {
	a, err := FromHTML(`<h2>T</h2><p>a <a href="https://x.example/p?q=1">link</a> <a href="mailto:a@b.example">m</a></p>
<figure><img src="https://x.example/i.png" alt="i"><figcaption>c</figcaption></figure>
<ul><li>one<ul><li>two</li></ul></li></ul><blockquote><p>q</p></blockquote><table><tr><td>c</td></tr></table><pre>code</pre><hr>`, "")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(a)
	var back Article
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if err := Check(&back); err != nil {
		t.Fatalf("Check of a constructed article: %v", err)
	}
}

func TestCheckRefusesHostileModels(t *testing.T) {
	for name, doc := range map[string]string{
		"javascript link": `{"blocks":[{"kind":"paragraph","runs":[{"text":"x","href":"javascript:alert(1)"}]}]}`,
		"data image":      `{"blocks":[{"kind":"figure","image":{"src":"data:image/png;base64,AA"}}]}`,
		"unknown kind":    `{"blocks":[{"kind":"script","runs":[{"text":"x"}]}]}`,
		"heading 9":       `{"blocks":[{"kind":"heading","level":9,"runs":[{"text":"x"}]}]}`,
		"bad style":       `{"blocks":[{"kind":"paragraph","runs":[{"text":"x","style":200}]}]}`,
		"link in table":   `{"blocks":[{"kind":"table","rows":[{"cells":[{"runs":[{"text":"x","href":"vbscript:x"}]}]}]}]}`,
		"source url":      `{"meta":{"url":"javascript:x"},"blocks":[]}`,
		"relative image":  `{"blocks":[{"kind":"figure","image":{"src":"/media/../../etc/passwd"}}]}`,
		"short media":     `{"blocks":[{"kind":"figure","image":{"src":"/media/abc"}}]}`,
		"upper media":     `{"meta":{"image":"/media/` + strings.Repeat("A", 64) + `"},"blocks":[]}`,
		"media link":      `{"blocks":[{"kind":"paragraph","runs":[{"text":"x","href":"/media/` + strings.Repeat("a", 64) + `"}]}]}`,
		"bad dir":         `{"meta":{"dir":"rtl\" onclick=\"x"},"blocks":[]}`,
		"nested link":     `{"blocks":[{"kind":"quote","blocks":[{"kind":"list","items":[{"blocks":[{"kind":"paragraph","runs":[{"text":"x","href":"https://ok@evil.example/"}]}]}]}]}]}`,
	} {
		var a Article
		if err := json.Unmarshal([]byte(doc), &a); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if err := Check(&a); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: Check = %v, want ErrMalformed", name, err)
		}
	}
	deep := Block{Kind: Paragraph, Runs: []Run{{Text: "x"}}}
	for range MaxNesting + 2 {
		deep = Block{Kind: Quote, Blocks: []Block{deep}}
	}
	if err := Check(&Article{Blocks: []Block{deep}}); !errors.Is(err, ErrMalformed) {
		t.Errorf("too deep: Check = %v, want ErrMalformed", err)
	}
}
