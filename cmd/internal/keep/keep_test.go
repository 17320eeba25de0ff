package keep

import (
	"context"
	"regexp"
	"testing"
)

func TestID(t *testing.T) {
	a, b := ID("https://news.example/story", false), ID("https://news.example/story", false)
	if a != b || !regexp.MustCompile(`^u[0-9a-f]{20}$`).MatchString(a) {
		t.Errorf("ids of one page: %q, %q", a, b)
	}
	if ID("https://news.example/other", false) == a {
		t.Error("two pages share an id")
	}
	f1, f2 := ID("https://news.example/story", true), ID("https://news.example/story", true)
	if f1 == f2 || !regexp.MustCompile(`^`+a+`-[0-9a-f]{6}$`).MatchString(f1) {
		t.Errorf("fresh copies: %q, %q", f1, f2)
	}
	p1, p2 := ID("", false), ID("", true)
	if p1 == p2 || !regexp.MustCompile(`^p[0-9a-f]{20}$`).MatchString(p1) || !regexp.MustCompile(`^p[0-9a-f]{20}$`).MatchString(p2) {
		t.Errorf("ids without an address: %q, %q", p1, p2)
	}
}

// A page without an address is never "in the library already", and
// asking costs no lookup.
func TestExistingWithoutAddress(t *testing.T) {
	if _, ok, err := Existing(context.Background(), nil, "user", ""); ok || err != nil {
		t.Errorf("Existing(\"\") = %v, %v", ok, err)
	}
	if _, err := Import(context.Background(), nil, "user", nil, false); err == nil {
		t.Error("Import of no result succeeded")
	}
}
