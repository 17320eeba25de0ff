//go:build !(js && wasm)

package article

import "testing"

func TestFromText(t *testing.T) {
	cases := []struct {
		name, src string
		want      []string // paragraph texts
	}{
		{"paragraphs", "one\ntwo\n\nthree", []string{"one two", "three"}},
		{"blank lines with white space", "a\n \t \nb\n\n\n\nc", []string{"a", "b", "c"}},
		{"white space folded", "  a \t b\u00a0 c  \n  d  ", []string{"a b c d"}},
		{"crlf and cr", "a\r\nb\r\n\r\nc\rd", []string{"a b", "c d"}},
		{"markup is text", "<p>not *markdown*</p>", []string{"<p>not *markdown*</p>"}},
		{"empty", "", nil},
		{"only blank", "\n \n\t\n", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a, err := FromText(c.src)
			if err != nil {
				t.Fatal(err)
			}
			if a.Meta.Title != "" {
				t.Fatalf("title %q", a.Meta.Title)
			}
			if len(a.Blocks) != len(c.want) {
				t.Fatalf("%d blocks, want %d", len(a.Blocks), len(c.want))
			}
			for i, b := range a.Blocks {
				if b.Kind != Paragraph || runsText(b.Runs) != c.want[i] {
					t.Fatalf("block %d: %s %q, want paragraph %q", i, b.Kind, runsText(b.Runs), c.want[i])
				}
			}
			check(t, a)
		})
	}
}
