package anchor

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

// mixed has code points of one, two, three and four UTF-8 bytes, several
// code points that make one character (combining accent, ZWJ family, flag)
// and CJK, so a byte or UTF-16 offset anywhere would show.
const mixed = "Café naïve 🎉 — 日本語のテキスト、e\u0301 combining; 👩\u200d👩\u200d👧 family, 🇫🇷 flag. Café again 🎉 日本語."

func TestTextBasics(t *testing.T) {
	tx := NewText(mixed, "")
	if got, want := tx.Len(), utf8.RuneCountInString(mixed); got != want {
		t.Errorf("Len() = %d, want %d code points", got, want)
	}
	if tx.String() != mixed {
		t.Errorf("String() changed the text")
	}
	// sha256 of the UTF-8 bytes, checked against a known value.
	if got, want := NewText("abc", "").Hash(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"; got != want {
		t.Errorf(`Hash("abc") = %s, want %s`, got, want)
	}
	if got := NewText("abc", "given").Hash(); got != "given" {
		t.Errorf("Hash() = %q, want the one given", got)
	}
	runes := []rune(mixed)
	for _, tc := range []struct {
		name       string
		start, end int
		want       string
	}{
		{"ascii", 0, 4, "Café"},
		{"emoji is one code point", 11, 12, "🎉"},
		{"CJK", 15, 18, "日本語"},
		{"combining accent is its own code point", 24, 26, "e\u0301"},
		{"clamped below", -5, 2, "Ca"},
		{"clamped above", len(runes) - 3, len(runes) + 10, "本語."},
		{"empty when reversed", 5, 3, ""},
		{"empty when outside", len(runes) + 1, len(runes) + 5, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tx.Slice(tc.start, tc.end); got != tc.want {
				t.Errorf("Slice(%d, %d) = %q, want %q", tc.start, tc.end, got, tc.want)
			}
		})
	}
}

func TestDescribe(t *testing.T) {
	tx := NewText(mixed, "")
	n := tx.Len()
	for _, tc := range []struct {
		name       string
		start, end int
		want       Selector
		err        error
	}{
		{"emoji with context", 11, 12, Selector{Exact: "🎉", Prefix: "Café naïve ", Suffix: " — 日本語のテキスト、e\u0301 combining; 👩\u200d👩\u200d👧 ", Start: 11, End: 12}, nil},
		{"at the start", 0, 4, Selector{Exact: "Café", Prefix: "", Suffix: " naïve 🎉 — 日本語のテキスト、e\u0301 combining", Start: 0, End: 4}, nil},
		{"at the end", n - 4, n, Selector{Exact: "日本語.", Prefix: "👧 family, 🇫🇷 flag. Café again 🎉 ", Suffix: "", Start: n - 4, End: n}, nil},
		{"negative start", -1, 3, Selector{}, ErrRange},
		{"end past the text", 3, n + 1, Selector{}, ErrRange},
		{"empty", 3, 3, Selector{}, ErrRange},
		{"reversed", 4, 3, Selector{}, ErrRange},
		{"only white space", 4, 5, Selector{}, ErrEmpty},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tx.Describe(tc.start, tc.end)
			if !errors.Is(err, tc.err) {
				t.Fatalf("Describe(%d, %d) error = %v, want %v", tc.start, tc.end, err, tc.err)
			}
			if err != nil {
				return
			}
			tc.want.Hash = tx.Hash()
			if got != tc.want {
				t.Errorf("Describe(%d, %d) =\n  %+v\nwant\n  %+v", tc.start, tc.end, got, tc.want)
			}
			if l := utf8.RuneCountInString(got.Prefix); l > ContextLen {
				t.Errorf("prefix of %d code points, more than %d", l, ContextLen)
			}
		})
	}
}

// TestRoundTrip describes every range of up to 24 code points of texts
// with emoji, CJK and combining marks, and resolves it on the same text:
// with the right hash (the fast path), and with another hash (the search
// must come back to the very same range).
func TestRoundTrip(t *testing.T) {
	for _, tc := range []struct{ name, text string }{
		{"mixed scripts", mixed},
		{"repetitive", strings.Repeat("ab🎉c ", 12)},
		{"article", readArticle(t)[:300]},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tx := NewText(tc.text, "")
			other := NewText(tc.text, "not the hash")
			n := tx.Len()
			for start := 0; start < n; start++ {
				for end := start + 1; end <= min(n, start+24); end++ {
					sel, err := tx.Describe(start, end)
					if errors.Is(err, ErrEmpty) {
						continue
					}
					if err != nil {
						t.Fatalf("Describe(%d, %d): %v", start, end, err)
					}
					want := Result{Match: Match{Start: start, End: end, Score: 1}, Status: Anchored}
					if got := tx.Resolve(sel); !equalResult(got, want) {
						t.Fatalf("same text, %q: got %+v, want %+v", sel.Exact, got, want)
					}
					if got := other.Resolve(sel); !equalResult(got, want) {
						t.Fatalf("other hash, %q at %d: got %+v, want %+v", sel.Exact, start, got, want)
					}
				}
			}
		})
	}
}

func equalResult(a, b Result) bool {
	if a.Match != b.Match || a.Status != b.Status || len(a.Candidates) != len(b.Candidates) {
		return false
	}
	for i := range a.Candidates {
		if a.Candidates[i] != b.Candidates[i] {
			return false
		}
	}
	return true
}

func TestStatusString(t *testing.T) {
	for st, want := range map[Status]string{Anchored: "anchored", Moved: "moved", Orphaned: "orphaned", Status(7): "status(7)"} {
		if got := st.String(); got != want {
			t.Errorf("Status(%d).String() = %q, want %q", int(st), got, want)
		}
	}
}
