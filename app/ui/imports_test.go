//go:build !(js && wasm)

package ui

import (
	"slices"
	"strings"
	"testing"
	"time"

	"margin/app/library"
	"margin/app/local"
)

func TestWebAddress(t *testing.T) {
	for in, want := range map[string]string{
		"https://example.com/a?b=c":    "https://example.com/a?b=c",
		"  http://127.0.0.1:8080/p \n": "http://127.0.0.1:8080/p",
	} {
		if got, ok := webAddress(in); !ok || got != want {
			t.Errorf("webAddress(%q) = %q, %v", in, got, ok)
		}
	}
	for _, in := range []string{"", "example.com", "javascript:alert(1)", "ftp://example.com/f", "https://", "see https://example.com",
		"file:///etc/passwd", "data:text/html,hi", "https://" + strings.Repeat("a", 5000) + ".com"} {
		if got, ok := webAddress(in); ok {
			t.Errorf("webAddress(%q) accepted as %q", in, got)
		}
	}
}

func TestFindAddress(t *testing.T) {
	for in, want := range map[string]string{
		"Look http://127.0.0.1:9/page":                      "http://127.0.0.1:9/page",
		"Worth reading (https://example.com/essay).":        "https://example.com/essay",
		"“A title” – via https://example.com/x?utm=1, said": "https://example.com/x?utm=1",
		"two: https://a.example/1 https://b.example/2":      "https://a.example/1",
		"glued:https://example.com/g":                       "https://example.com/g",
	} {
		if got, ok := findAddress(in); !ok || got != want {
			t.Errorf("findAddress(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "no link here", "javascript:alert(1)", "http://", "www.example.com"} {
		if got, ok := findAddress(in); ok {
			t.Errorf("findAddress(%q) found %q", in, got)
		}
	}
}

func TestMergeLibrary(t *testing.T) {
	sum := func(id string) library.Summary { return library.Summary{ID: id} }
	ids := func(s []library.Summary) []string {
		var out []string
		for _, x := range s {
			out = append(out, x.ID)
		}
		return out
	}
	now := time.Now()
	kept := []local.Kept{
		{Summary: sum("pnew"), Added: now},
		{Summary: sum("shared1"), Added: now.Add(-time.Hour)},
		{Summary: sum("pold"), Added: now.Add(-2 * time.Hour)},
	}
	server := []library.Summary{sum("shared2"), sum("shared1")}
	if got := ids(mergeLibrary(server, kept)); !slices.Equal(got, []string{"pnew", "pold", "shared2", "shared1"}) {
		t.Errorf("online: %v", got)
	}
	// Offline: every copy the device keeps, newest added first.
	if got := ids(mergeLibrary(nil, kept)); !slices.Equal(got, []string{"pnew", "shared1", "pold"}) {
		t.Errorf("offline: %v", got)
	}
	if got := mergeLibrary(server, nil); len(got) != 2 {
		t.Errorf("nothing kept: %v", ids(got))
	}
	dup := append(kept, local.Kept{Summary: sum("pnew")})
	if got := ids(mergeLibrary(nil, dup)); !slices.Equal(got, []string{"pnew", "shared1", "pold"}) {
		t.Errorf("a repeated id: %v", got)
	}
}

func TestKnownImportPage(t *testing.T) {
	if !Known(importPath) || Known("/import/x") || Known("/importx") {
		t.Error("Known does not take exactly the import page")
	}
}
