//go:build !(js && wasm) || convert

package paste

import (
	"errors"
	"regexp"
	"strings"
	"testing"

	"margin/app/article"
)

func TestDetect(t *testing.T) {
	cases := []struct {
		name string
		src  string
		want Format
	}{
		{"document", "<!DOCTYPE html><html><body><p>Hi</p></body></html>", HTML},
		{"fragment", "  <p>One</p><p>Two</p>", HTML},
		{"clipboard html", "<meta charset='utf-8'><div><span>Copied</span></div>", HTML},
		{"heading", "# Title\n\nSome text.", Markdown},
		{"fence", "Look:\n\n```go\nx := 1\n```\n", Markdown},
		{"list and link", "- one\n- two [see](https://example.com/a)\n", Markdown},
		{"bold and code", "It is **very** fast with `go test`.", Markdown},
		{"setext", "Title\n=====\n\nBody and more body.\n> quoted", Markdown},
		{"plain", "Dear reader,\n\nThis is a letter.\nIt has lines.", Text},
		{"one star", "Prices rose 5 * 3 percent in a year.", Text},
		{"less than", "< not a tag at all, 3 < 4", Text},
		{"one list line", "- a thought\n\nand then prose.", Text},
		{"tag inside text", "Use the <p> element for paragraphs.", Text},
		{"empty", "", Text},
	}
	for _, c := range cases {
		if got := Detect(c.src); got != c.want {
			t.Errorf("%s: Detect(%q) = %v, want %v", c.name, c.src, got, c.want)
		}
	}
}

func TestFormatOfName(t *testing.T) {
	for name, want := range map[string]Format{"a.html": HTML, "B.HTM": HTML, "notes.md": Markdown, "x.markdown": Markdown, "read me.txt": Text} {
		if got, ok := FormatOfName(name); !ok || got != want {
			t.Errorf("FormatOfName(%q) = %v, %v; want %v", name, got, ok, want)
		}
	}
	for _, name := range []string{"a.pdf", "noext", "a.html.exe", ""} {
		if _, ok := FormatOfName(name); ok {
			t.Errorf("FormatOfName(%q) accepted", name)
		}
	}
}

func TestNewID(t *testing.T) {
	valid := regexp.MustCompile(`^p[0-9a-f]{20}$`)
	seen := map[string]bool{}
	for range 1000 {
		id := NewID()
		if !valid.MatchString(id) {
			t.Fatalf("NewID() = %q, want p and 20 hex digits", id)
		}
		if seen[id] {
			t.Fatalf("NewID() repeated %q", id)
		}
		seen[id] = true
	}
}

// message returns the reader's sentence of a refusal, failing the test if
// err is not one.
func message(t *testing.T, err error) string {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) || e.Message == "" {
		t.Fatalf("error %v is not an *Error with a message", err)
	}
	return e.Message
}

func TestConvertMarkdown(t *testing.T) {
	a, err := Convert([]byte("# Slow reading\n\nRead *slowly*, and [mark](https://example.com/m) it.\n"), Markdown, "")
	if err != nil {
		t.Fatal(err)
	}
	if a.Meta.Title != "Slow reading" {
		t.Errorf("title %q", a.Meta.Title)
	}
	if !strings.HasPrefix(a.ID, "p") || len(a.ID) != 21 {
		t.Errorf("id %q", a.ID)
	}
	if !strings.Contains(a.Text(), "Read slowly, and mark it.") {
		t.Errorf("text %q", a.Text())
	}
	if err := article.Check(a); err != nil {
		t.Error(err)
	}
}

func TestConvertTextTitles(t *testing.T) {
	a, err := Convert([]byte("A short title\n\nThe first paragraph of the body.\n\nThe second."), Text, "")
	if err != nil {
		t.Fatal(err)
	}
	if a.Meta.Title != "A short title" || len(a.Blocks) != 2 || strings.Contains(a.Text(), "A short title") {
		t.Errorf("title %q, %d blocks, text %q", a.Meta.Title, len(a.Blocks), a.Text())
	}
	// One long paragraph keeps its text; the file's name titles it.
	long := strings.Repeat("word ", 60)
	a, err = Convert([]byte(long), Text, "dir/My notes.txt")
	if err != nil {
		t.Fatal(err)
	}
	if a.Meta.Title != "My notes" || len(a.Blocks) != 1 {
		t.Errorf("title %q, %d blocks", a.Meta.Title, len(a.Blocks))
	}
}

func TestConvertHostileHTML(t *testing.T) {
	src := `<div onclick="steal()"><script>alert(1)</script><style>p{}</style>
<p onmouseover="x()">Kept text <a href="javascript:alert(2)">bad link</a> <a href="https://example.com/ok">good</a></p>
<img src="x" onerror="alert(3)"><iframe src="https://evil.example"></iframe>
<form action="/steal"><input name="p"></form><svg><script>alert(4)</script></svg></div>`
	a, err := Convert([]byte(src), Detect(src), "")
	if err != nil {
		t.Fatal(err)
	}
	var h strings.Builder
	for i := range a.Blocks {
		h.WriteString(a.BlockHTML(i))
	}
	out := strings.ToLower(h.String())
	for _, bad := range []string{"<script", "alert", "onclick", "onmouseover", "onerror", "javascript:", "<iframe", "<form", "<input", "<style", "<svg"} {
		if strings.Contains(out, bad) {
			t.Errorf("converted HTML holds %q: %s", bad, out)
		}
	}
	if !strings.Contains(out, "kept text") || !strings.Contains(out, `href="https://example.com/ok"`) {
		t.Errorf("converted HTML lost the text or the good link: %s", out)
	}
}

func TestConvertRefusals(t *testing.T) {
	cases := []struct {
		name string
		src  []byte
		f    Format
		want string
	}{
		{"empty", nil, Text, "nothing to save"},
		{"blank", []byte(" \n\t\n "), Markdown, "nothing to save"},
		{"binary", []byte("PK\x03\x04\x00\x00binary"), Text, "not text"},
		{"invalid utf-8", []byte("caf\xe9 au lait"), Text, "not text"},
		{"oversized", []byte(strings.Repeat("a", article.MaxInput+1)), Text, "That is 10.1 MB; Margin takes up to 10 MB"},
		{"only script", []byte("<script>alert(1)</script><style>x{}</style>"), HTML, "no text"},
	}
	for _, c := range cases {
		a, err := Convert(c.src, c.f, "")
		if err == nil {
			t.Errorf("%s: converted to %d blocks", c.name, len(a.Blocks))
			continue
		}
		if m := message(t, err); !strings.Contains(m, c.want) {
			t.Errorf("%s: message %q does not say %q", c.name, m, c.want)
		}
	}
	if m := Message(errors.New("other")); m == "" {
		t.Error("no general message")
	}
}

func TestConvertFragmentHeadingTitles(t *testing.T) {
	a, err := Convert([]byte("<h2>Copied  heading</h2><p>The body of the copied page.</p>"), HTML, "")
	if err != nil {
		t.Fatal(err)
	}
	if a.Meta.Title != "Copied heading" || len(a.Blocks) != 1 {
		t.Errorf("title %q, %d blocks", a.Meta.Title, len(a.Blocks))
	}
}
