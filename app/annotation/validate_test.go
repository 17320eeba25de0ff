package annotation

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"margin/app/anchor"
)

// sample returns a valid annotation for tests to change.
func sample() Annotation {
	created := time.Date(2025, 3, 14, 9, 26, 53, 589_000_000, time.UTC)
	return Annotation{
		ID:      "0195937a-6f4d-7c21-8a3b-5e9f0d1c2b3a",
		Article: "3f2a9b1c0d4e",
		Source:  "https://news.example/2019/02/inf-treaty",
		Target: anchor.Selector{
			Exact:  "the Intermediate-Range Nuclear Forces Treaty",
			Prefix: "will withdraw from ",
			Suffix: ", a Cold War pact",
			Start:  120,
			End:    164,
			Hash:   "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
		},
		Color:    Green,
		Note:     "Signed **1987** by Reagan and Gorbachev.",
		Tags:     []string{"arms control", "Cold War"},
		Created:  created,
		Modified: created.Add(90 * time.Second),
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(a *Annotation)
		want   string // in the error; "" for none
	}{
		{"valid", func(a *Annotation) {}, ""},
		{"minimal", func(a *Annotation) {
			a.Source, a.Note, a.Tags, a.Target.Prefix, a.Target.Suffix, a.Target.Hash = "", "", nil, "", "", ""
		}, ""},
		{"emoji and CJK", func(a *Annotation) {
			a.Target.Exact, a.Target.Start, a.Target.End = "👨‍👩‍👧 漢字", 0, 8
			a.Tags = []string{"日本語", "👍🏽"}
		}, ""},
		{"note at the limit", func(a *Annotation) { a.Note = strings.Repeat("é", MaxNote) }, ""},
		{"quote over lines", func(a *Annotation) { a.Target.Exact, a.Target.Start, a.Target.End = "end.\n\nStart", 10, 21 }, ""},
		{"equal times", func(a *Annotation) { a.Modified = a.Created }, ""},

		{"bad id", func(a *Annotation) { a.ID = "anno1" }, `id "anno1" is not a UUID`},
		{"upper-case id", func(a *Annotation) { a.ID = strings.ToUpper(a.ID) }, "is not a UUID"},
		{"no article", func(a *Annotation) { a.Article = "" }, "article id is missing"},
		{"article with control", func(a *Annotation) { a.Article = "a\x00b" }, "article id"},
		{"article too long", func(a *Annotation) { a.Article = strings.Repeat("a", 257) }, "the most is 256"},
		{"no colour", func(a *Annotation) { a.Color = "" }, `colour "" is not one of`},
		{"red", func(a *Annotation) { a.Color = "red" }, `colour "red"`},
		{"relative source", func(a *Annotation) { a.Source = "/a/b" }, "not an absolute URL"},
		{"source with space", func(a *Annotation) { a.Source = "https://x.example/a b" }, "not an absolute URL"},
		{"empty quote", func(a *Annotation) { a.Target.Exact, a.Target.Start, a.Target.End = "", 3, 3 }, "quote is empty"},
		{"negative start", func(a *Annotation) { a.Target.Start, a.Target.End = -1, 43 }, "not a range"},
		{"end before start", func(a *Annotation) { a.Target.Start, a.Target.End = 50, 6 }, "not a range"},
		{"length mismatch", func(a *Annotation) { a.Target.End++ }, "spans 45 characters but the quote has 44"},
		{"length in bytes", func(a *Annotation) { a.Target.Exact, a.Target.Start, a.Target.End = "é", 0, 2 }, "spans 2 characters but the quote has 1"},
		{"quote too long", func(a *Annotation) {
			a.Target.Exact, a.Target.Start, a.Target.End = strings.Repeat("x", MaxExact+1), 0, MaxExact+1
		}, "the most is 20000"},
		{"long prefix", func(a *Annotation) { a.Target.Prefix = strings.Repeat("p", anchor.ContextLen+1) }, "prefix is 33 characters"},
		{"long suffix", func(a *Annotation) { a.Target.Suffix = strings.Repeat("ü", anchor.ContextLen+1) }, "suffix is 33 characters"},
		{"prefix of 32 emoji", func(a *Annotation) { a.Target.Prefix = strings.Repeat("👍", anchor.ContextLen) }, ""},
		{"bad utf-8 in quote", func(a *Annotation) { a.Target.Exact = "ab\xffcdefghijklmnopqrstuvwxyzabcdefghijklmnopq" }, "quote is not valid UTF-8"},
		{"control in prefix", func(a *Annotation) { a.Target.Prefix = "a\x1bb" }, "prefix is not valid UTF-8 without control"},
		{"short hash", func(a *Annotation) { a.Target.Hash = "abc" }, `hash "abc"`},
		{"upper-case hash", func(a *Annotation) { a.Target.Hash = strings.ToUpper(a.Target.Hash) }, "is not 64 lower-case hex"},
		{"note too long", func(a *Annotation) { a.Note = strings.Repeat("é", MaxNote+1) }, "note is 10001 characters long; the most is 10000"},
		{"bad utf-8 in note", func(a *Annotation) { a.Note = "\xc3" }, "note is not valid UTF-8"},
		{"NUL in note", func(a *Annotation) { a.Note = "a\x00" }, "note is not valid UTF-8 without control"},
		{"tabs and lines in note", func(a *Annotation) { a.Note = "a\tb\r\nc\n\nd" }, ""},
		{"too many tags", func(a *Annotation) {
			a.Tags = nil
			for i := range MaxTags + 1 {
				a.Tags = append(a.Tags, strings.Repeat("t", i+1))
			}
		}, "there are 33 tags; the most is 32"},
		{"empty tag", func(a *Annotation) { a.Tags = []string{"a", ""} }, "a tag is empty"},
		{"tag too long", func(a *Annotation) { a.Tags = []string{strings.Repeat("字", MaxTag+1)} }, "65 characters long; the most is 64"},
		{"tag of 64", func(a *Annotation) { a.Tags = []string{strings.Repeat("字", MaxTag)} }, ""},
		{"tag with newline", func(a *Annotation) { a.Tags = []string{"a\nb"} }, "without control characters"},
		{"tag with spaces", func(a *Annotation) { a.Tags = []string{" a"} }, "white space at an end"},
		{"tag with double space", func(a *Annotation) { a.Tags = []string{"a  b"} }, "more than one space"},
		{"tag twice", func(a *Annotation) { a.Tags = []string{"Go", "go"} }, `tag "go" is there twice`},
		{"bad utf-8 in tag", func(a *Annotation) { a.Tags = []string{"\xff"} }, "is not valid UTF-8"},
		{"no created", func(a *Annotation) { a.Created = time.Time{} }, "times must be set"},
		{"no modified", func(a *Annotation) { a.Modified = time.Time{} }, "times must be set"},
		{"modified before created", func(a *Annotation) { a.Modified = a.Created.Add(-time.Millisecond) }, "modified (2025-03-14T09:26:53.588Z) is before created (2025-03-14T09:26:53.589Z)"},
		{"year 10000", func(a *Annotation) { a.Modified = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) }, "years 1 to 9999"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := sample()
			tt.change(&a)
			err := Validate(&a)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Validate = nil, want an error with %q", tt.want)
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("Validate = %v, which does not match ErrInvalid", err)
			}
			if !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "annotation: ") {
				t.Errorf("Validate = %q, want \"annotation: …%s…\"", err, tt.want)
			}
		})
	}
	if err := Validate(nil); !errors.Is(err, ErrInvalid) {
		t.Errorf("Validate(nil) = %v", err)
	}
}

func TestNormalizeTags(t *testing.T) {
	tests := []struct {
		name string
		in   []string
		want []string
	}{
		{"nil", nil, nil},
		{"all empty", []string{"", "  ", "\t\n"}, nil},
		{"trim", []string{"  go  "}, []string{"go"}},
		{"fold inner space", []string{"cold \t\n war", "a\u00a0\u00a0b"}, []string{"cold war", "a b"}},
		{"first spelling kept", []string{"Cold War", "cold war", "COLD  WAR"}, []string{"Cold War"}},
		{"order kept", []string{"b", "a", "B", "c", "A"}, []string{"b", "a", "c"}},
		{"unicode case", []string{"Ünïcode", "üNÏCODE", "ΣΊΣΥΦΟΣ", "σίσυφος"}, []string{"Ünïcode", "ΣΊΣΥΦΟΣ"}},
		{"emoji and CJK", []string{"👍🏽", "日本", "👍🏽 ", "日本"}, []string{"👍🏽", "日本"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := NormalizeTags(tt.in)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("NormalizeTags(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if err := checkTags(got); err != nil {
				t.Errorf("the normalized tags fail Validate: %v", err)
			}
		})
	}
}
