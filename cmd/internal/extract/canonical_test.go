package extract

import (
	"net/url"
	"testing"
)

func TestCanonicalURL(t *testing.T) {
	for in, want := range map[string]string{
		"HTTPS://News.Example:443/a/b?utm_source=x&b=2&a=1&fbclid=z#frag": "https://news.example/a/b?a=1&b=2",
		"http://news.example:80":     "http://news.example/",
		"http://news.example:8080/x": "http://news.example:8080/x",
		"https://news.example./x?":   "https://news.example/x",
		"https://news.example/x?UTM_Medium=a&gclid=1&mc_cid=2&mc_eid=3&igshid=4&ref_src=5": "https://news.example/x",
		"https://news.example/x?id=2&id=1":                                                 "https://news.example/x?id=2&id=1",
		"https://news.example/x?q=a%20b&page=2":                                            "https://news.example/x?page=2&q=a%20b",
		"https://[2001:DB8::1]:443/x":                                                      "https://[2001:db8::1]/x",
		"https://news.example/Case/Path":                                                   "https://news.example/Case/Path",
	} {
		got, err := CanonicalURL(in)
		if err != nil || got != want {
			t.Errorf("CanonicalURL(%q) = %q, %v; want %q", in, got, err, want)
		}
		again, err := CanonicalURL(got)
		if err != nil || again != got {
			t.Errorf("CanonicalURL is not idempotent on %q: %q", got, again)
		}
	}
	for _, bad := range []string{"ftp://news.example/", "https://user:pw@news.example/", "mailto:a@b", "https:///x", "%zz", "javascript:alert(1)"} {
		if got, err := CanonicalURL(bad); err == nil {
			t.Errorf("CanonicalURL(%q) = %q, want an error", bad, got)
		}
	}
}

func TestPageCanonical(t *testing.T) {
	page, _ := url.Parse("https://amp.news.example/amp/story?utm_source=tw")
	for declared, want := range map[string]string{
		"":                                   "https://amp.news.example/amp/story",
		"https://news.example/story?utm_x=1": "https://news.example/story",
		"/story":                             "https://amp.news.example/story",
		"https://www.news.example/story":     "https://www.news.example/story",
		"https://evil.example/story":         "https://amp.news.example/amp/story",
		"https://example/story":              "https://amp.news.example/amp/story",
		"javascript:alert(1)":                "https://amp.news.example/amp/story",
		"ftp://news.example/story":           "https://amp.news.example/amp/story",
	} {
		if got := pageCanonical(page, declared); got != want {
			t.Errorf("declared %q: %q, want %q", declared, got, want)
		}
	}
}
