//go:build !(js && wasm)

package article

import (
	"encoding/json"
	"errors"
	"testing"
)

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
