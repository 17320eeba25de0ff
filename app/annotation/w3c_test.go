package annotation

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"margin/app/anchor"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

const (
	testBase = "https://margin.example"
	fillID   = "0195937a-6f4d-7c21-8a3b-5e9f0d1c2b3a"
)

var fillTime = time.Date(2025, 1, 2, 3, 4, 5, 6_000_000, time.UTC)

// fill completes an annotation read from elsewhere, as an importer would.
func fill(a *Annotation) {
	if a.ID == "" {
		a.ID = fillID
	}
	if a.Article == "" {
		a.Article = "imported"
	}
	if a.Created.IsZero() {
		a.Created, a.Modified = fillTime, fillTime
	}
}

// roundTrip writes a as W3C JSON with each base and checks that it reads
// back unchanged.
func roundTrip(t *testing.T, a Annotation) {
	t.Helper()
	for _, base := range []string{testBase, "", "http://localhost:8080"} {
		data, err := ToW3C(a, base)
		if err != nil {
			t.Fatalf("ToW3C(base %q): %v", base, err)
		}
		b, err := FromW3C(data)
		if err != nil {
			t.Fatalf("FromW3C(ToW3C(base %q)): %v\n%s", base, err, data)
		}
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("round trip with base %q changed the annotation\n got %#v\nwant %#v\n%s", base, b, a, data)
		}
	}
}

// want is what a test expects of the fields FromW3C reads.
type want struct {
	note                  string
	tags                  []string
	exact, prefix, suffix string
	start, end            int
	source                string
	created, modified     string
	color                 Color
	id, article           string
	unsupported           string // in FromW3C's error for the example as published
}

// The examples of the W3C Web Annotation Data Model (Recommendation of
// 23 February 2017) that use what Margin reads, in testdata/w3c. Most
// target a whole resource, which Margin cannot hold; each is also read
// with a TextQuoteSelector grafted onto its (first) target, to test the
// rest of what it says.
var examples = []struct {
	file string
	want want
}{
	{"example01.json", want{source: "http://example.com/page1", unsupported: "the target is the whole of http://example.com/page1",
		note: "http://example.org/post1"}},
	{"example05.json", want{source: "http://example.org/photo1", unsupported: "the target is the whole of http://example.org/photo1",
		note: "j'adore !"}},
	{"example06.json", want{source: "http://example.org/target1", unsupported: "whole of http://example.org/target1",
		note: "Comment text"}},
	{"example07.json", want{source: "http://example.org/target1", unsupported: "whole of http://example.org/target1",
		note: "Comment text"}},
	{"example09.json", want{unsupported: "the annotation has 2 targets",
		note: "http://example.org/description1\n\ntag1", source: "http://example.org/image1"}},
	{"example11.json", want{source: "http://example.com/restaurant1", unsupported: "whole of http://example.com/restaurant1",
		note: "http://example.net/review1", created: "2015-01-28T12:00:00Z", modified: "2015-01-29T09:00:00Z"}},
	{"example14.json", want{unsupported: "the target is the whole of http://example.com/video1",
		note: "http://example.net/comment1", source: "http://example.com/video1"}},
	{"example15.json", want{source: "http://example.com/page1", unsupported: "whole of http://example.com/page1",
		note: "A good description of the topic that bears further investigation", tags: []string{"readme"}}},
	{"example23.json", want{
		note: "http://example.org/comment1", exact: "anotation", prefix: "this is an ", suffix: " that has some",
		start: 0, end: 9, source: "http://example.org/page1"}},
	{"example24.json", want{unsupported: "the target has no TextQuoteSelector; Margin finds a passage by the text it quotes",
		note: "http://example.org/review1", source: "http://example.org/ebook1"}},
	{"example29.json", want{
		note: "http://example.org/comment1", exact: "Selected Text", prefix: "text before the ", suffix: " and text after it",
		start: 0, end: 13, source: "http://example.org/page1"}},
	{"example34.json", want{unsupported: "the target has no selector, so it is the whole of http://example.org/document1",
		note: "http://example.org/comment1", source: "http://example.org/document1"}},
	{"example35.json", want{unsupported: "the target has no selector",
		note: "http://example.org/body1", source: "http://example.org/target1"}},
	{"example41.json", want{unsupported: "the target has no TextQuoteSelector",
		note: "I really love this particular bit of text in this XML. No really.", tags: []string{"love"},
		source: "http://example.com/document1", created: "2015-10-13T13:00:00Z", modified: "2015-10-13T13:00:00Z"}},
}

func TestW3CExamples(t *testing.T) {
	for _, ex := range examples {
		t.Run(strings.TrimSuffix(ex.file, ".json"), func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", "w3c", ex.file))
			if err != nil {
				t.Fatal(err)
			}
			a, err := FromW3C(data)
			if ex.want.unsupported != "" {
				if !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), ex.want.unsupported) {
					t.Fatalf("FromW3C = %v, want ErrUnsupported with %q", err, ex.want.unsupported)
				}
				return
			}
			if err != nil {
				t.Fatalf("FromW3C: %v", err)
			}
			check(t, a, ex.want)
			fill(&a)
			roundTrip(t, a)
		})
	}
}

func TestW3CExamplesGrafted(t *testing.T) {
	for _, ex := range examples {
		t.Run(strings.TrimSuffix(ex.file, ".json"), func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", "w3c", ex.file))
			if err != nil {
				t.Fatal(err)
			}
			var doc map[string]any
			if err := json.Unmarshal(data, &doc); err != nil {
				t.Fatal(err)
			}
			graft(doc)
			if data, err = json.Marshal(doc); err != nil {
				t.Fatal(err)
			}
			a, err := FromW3C(data)
			if err != nil {
				t.Fatalf("FromW3C: %v\n%s", err, data)
			}
			w := ex.want
			if ex.file != "example23.json" { // which has a TextQuoteSelector of its own
				w.exact, w.prefix, w.suffix, w.start, w.end = "passage", "a ", " here", 0, 7
			}
			check(t, a, w)
			fill(&a)
			roundTrip(t, a)
		})
	}
}

// graft gives the annotation doc one target, with a TextQuoteSelector
// added to whatever selectors it had.
func graft(doc map[string]any) {
	t := doc["target"]
	if ts, ok := t.([]any); ok {
		t = ts[0]
	}
	target, ok := t.(map[string]any)
	if !ok {
		target = map[string]any{"source": t}
	}
	if target["source"] == nil {
		target["source"] = target["id"]
	}
	quote := map[string]any{"type": "TextQuoteSelector", "exact": "passage", "prefix": "a ", "suffix": " here"}
	switch s := target["selector"].(type) {
	case nil:
		target["selector"] = quote
	case []any:
		target["selector"] = append(s, quote)
	default:
		target["selector"] = []any{s, quote}
	}
	doc["target"] = target
}

// check compares the fields of a that w describes.
func check(t *testing.T, a Annotation, w want) {
	t.Helper()
	if w.color == "" {
		w.color = Yellow
	}
	got := []any{a.ID, a.Article, a.Note, a.Tags, a.Target.Exact, a.Target.Prefix, a.Target.Suffix, a.Target.Start, a.Target.End, a.Source, a.Color, a.Target.Hash}
	exp := []any{w.id, w.article, w.note, w.tags, w.exact, w.prefix, w.suffix, w.start, w.end, w.source, w.color, ""}
	names := []string{"ID", "Article", "Note", "Tags", "Exact", "Prefix", "Suffix", "Start", "End", "Source", "Color", "Hash"}
	for i := range got {
		if !reflect.DeepEqual(got[i], exp[i]) {
			t.Errorf("%s = %#v, want %#v", names[i], got[i], exp[i])
		}
	}
	for _, tm := range []struct {
		name string
		got  time.Time
		want string
	}{{"Created", a.Created, w.created}, {"Modified", a.Modified, w.modified}} {
		if w := tm.want; w == "" && !tm.got.IsZero() || w != "" && tm.got.Format(time.RFC3339) != w {
			t.Errorf("%s = %v, want %q", tm.name, tm.got, tm.want)
		}
	}
}

func TestToW3CGolden(t *testing.T) {
	comment := sample()
	highlight := sample()
	highlight.Note, highlight.Tags, highlight.Source, highlight.Color = "", nil, "", Yellow
	tagged := sample()
	tagged.Note, tagged.Target.Hash, tagged.Color = "", "", Purple
	hostile := sample()
	hostile.Note = "<script>alert(1)</script> & \"quotes\" 'too' — 🎉 漢字"
	hostile.Article = "a/b?c#d e%"
	hostile.Tags = []string{"<b>", "日本語"}
	tests := []struct {
		name string
		a    Annotation
		base string
	}{
		{"comment", comment, testBase},
		{"highlight", highlight, testBase},
		{"tagged", tagged, ""},
		{"hostile", hostile, "http://localhost:8080/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, err := ToW3C(tt.a, tt.base)
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			if err := json.Indent(&out, data, "", "  "); err != nil {
				t.Fatal(err)
			}
			out.WriteByte('\n')
			name := filepath.Join("testdata", "golden", tt.name+".json")
			if *update {
				if err := os.WriteFile(name, out.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			golden, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(out.Bytes(), golden) {
				t.Errorf("ToW3C differs from %s (go test -update to rewrite it):\n%s", name, out.Bytes())
			}
			roundTrip(t, tt.a)
		})
	}
}

func TestW3CRoundTripRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	for i := range 500 {
		a := randomAnnotation(r)
		if err := Validate(&a); err != nil {
			t.Fatalf("random annotation %d is invalid: %v\n%#v", i, err, a)
		}
		roundTrip(t, a)
	}
}

// The pieces random annotations are made of.
var pieces = []string{
	"word", "Margin", " ", "  ", "\n", "\n\n", "\t", "👍🏽", "👨‍👩‍👧", "🇫🇷", "e\u0301", "漢字", "かな", "한국어",
	"مرحبا", "שלום", `"`, "'", "“quoted”", "<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
	"&amp;", "&", "\\", "*em*", "[l](javascript:x)", "\u2028", "\u00a0", "%20", "</", "\U0010FFFF", "ß",
}

func randomText(r *rand.Rand, n int) string {
	var b strings.Builder
	for range r.IntN(n + 1) {
		b.WriteString(pieces[r.IntN(len(pieces))])
	}
	return b.String()
}

// randomAnnotation returns a valid annotation made of random pieces.
func randomAnnotation(r *rand.Rand) Annotation {
	exact := randomText(r, 8)
	if exact == "" {
		exact = "x"
	}
	n := len([]rune(exact))
	start := r.IntN(100000)
	a := Annotation{
		ID:      NewID(),
		Article: []string{"3f2a9b1c0d4e", "3f2a9b1c0d4e-2", "a/b?c#d e%", "漢字", "x:y"}[r.IntN(5)],
		Target: anchor.Selector{
			Exact:  exact,
			Prefix: cut(randomText(r, 6), anchor.ContextLen, true),
			Suffix: cut(randomText(r, 6), anchor.ContextLen, false),
			Start:  start,
			End:    start + n,
		},
		Color: Colors[r.IntN(len(Colors))],
	}
	if r.IntN(2) == 0 {
		a.Target.Hash = fmt.Sprintf("%016x%016x%016x%016x", r.Uint64(), r.Uint64(), r.Uint64(), r.Uint64())
	}
	if r.IntN(2) == 0 {
		a.Source = []string{"https://news.example/2019/02/inf?x=1&y=2#top", "http://example.org/page1", "urn:isbn:9780141036144"}[r.IntN(3)]
	}
	if r.IntN(3) > 0 {
		a.Note = randomText(r, 20)
	}
	var tags []string
	for range r.IntN(5) {
		tags = append(tags, cut(randomText(r, 3), MaxTag, false))
	}
	a.Tags = NormalizeTags(tags)
	for i, t := range a.Tags {
		if strings.ContainsFunc(t, func(r rune) bool { return r < ' ' || r == 0x7f }) {
			a.Tags[i] = fmt.Sprintf("tag%d", i)
		}
	}
	a.Tags = NormalizeTags(a.Tags)
	a.Created = time.UnixMilli(r.Int64N(2e12) + 9e11).UTC()
	a.Modified = a.Created.Add(time.Duration(r.Int64N(1e6)) * time.Millisecond)
	return a
}

// cut keeps at most n code points of s: the last ones if last, else the
// first ones.
func cut(s string, n int, last bool) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	if last {
		return string(r[len(r)-n:])
	}
	return string(r[:n])
}

func TestFromW3CVariety(t *testing.T) {
	// Each document is the same annotation in one of the forms the model
	// allows.
	want := Annotation{
		ID:      fillID,
		Article: "art1",
		Source:  "https://news.example/story",
		Target:  anchor.Selector{Exact: "Forces", Prefix: "Nuclear ", Suffix: " Treaty", Start: 31, End: 37},
		Color:   Blue,
		Note:    "A *note*.",
		Tags:    []string{"treaty", "INF"},
		Created: time.Date(2019, 2, 1, 12, 0, 0, 0, time.UTC), Modified: time.Date(2019, 2, 2, 8, 30, 0, 250_000_000, time.UTC),
	}
	quote := `{"type": "TextQuoteSelector", "exact": "Forces", "prefix": "Nuclear ", "suffix": " Treaty"}`
	pos := `{"type": "TextPositionSelector", "start": 31, "end": 37}`
	doc := func(replace ...string) string {
		d := `{
			"@context": "http://www.w3.org/ns/anno.jsonld",
			"id": "https://margin.example/annotations/` + fillID + `",
			"type": "Annotation",
			"motivation": "commenting",
			"created": "2019-02-01T12:00:00Z",
			"modified": "2019-02-02T08:30:00.250Z",
			"stylesheet": {"type": "CssStylesheet", "value": ".blue { background: #bfdbfe }"},
			"body": [
				{"type": "TextualBody", "value": "A *note*.", "format": "text/markdown", "purpose": "commenting"},
				{"type": "TextualBody", "value": "treaty", "purpose": "tagging"},
				{"type": "TextualBody", "value": "INF", "purpose": "tagging"}
			],
			"target": {
				"type": "SpecificResource",
				"source": "https://news.example/story",
				"scope": "https://margin.example/a/art1",
				"styleClass": "blue",
				"selector": [QUOTE, POS]
			}
		}`
		d = strings.NewReplacer("QUOTE", quote, "POS", pos).Replace(d)
		for i := 0; i+1 < len(replace); i += 2 {
			if !strings.Contains(d, replace[i]) {
				panic("no " + replace[i])
			}
			d = strings.Replace(d, replace[i], replace[i+1], 1)
		}
		return d
	}
	tests := []struct {
		name string
		doc  string
	}{
		{"as written", doc()},
		{"context array", doc(`"@context": "http://www.w3.org/ns/anno.jsonld"`, `"@context": ["http://www.w3.org/ns/anno.jsonld", {"ex": "http://example.org/ns#"}]`)},
		{"https context", doc(`"http://www.w3.org/ns/anno.jsonld"`, `"https://www.w3.org/ns/anno.jsonld"`)},
		{"type array", doc(`"type": "Annotation"`, `"type": ["Annotation", "ex:Note"]`)},
		{"urn id", doc(`"https://margin.example/annotations/`+fillID+`"`, `"urn:uuid:`+strings.ToUpper(fillID)+`"`)},
		{"motivation array", doc(`"motivation": "commenting"`, `"motivation": ["commenting", "tagging"]`)},
		{"no motivation", doc(`"motivation": "commenting",`, ``)},
		{"extra properties", doc(`"type": "Annotation",`, `"type": "Annotation", "creator": {"id": "http://x", "name": "X"}, "rights": "http://cc", "ex:thing": [1, {"a": null}],`)},
		{"scope array, source object", doc(`"source": "https://news.example/story",`, `"source": {"id": "https://news.example/story", "type": "Text"},`,
			`"scope": "https://margin.example/a/art1"`, `"scope": ["http://elsewhere.example/x", {"id": "http://margin.example:8080/a/art1"}]`)},
		{"selectors reversed", doc(`[`+quote+`, `+pos+`]`, `[`+pos+`, "http://example.org/selector1", `+quote+`]`)},
		{"target array of one", doc(`"target": {`, `"target": [{`, "\n\t\t\t}\n\t\t}", "\n\t\t\t}]\n\t\t}")},
		{"tag with spaces, purpose array", doc(
			`{"type": "TextualBody", "value": "INF", "purpose": "tagging"}`, `{"type": "TextualBody", "value": " INF ", "purpose": ["tagging"], "language": "en"}`)},
		{"purpose array", doc(`"format": "text/markdown", "purpose": "commenting"`, `"purpose": ["commenting"], "language": "en", "format": "text/markdown"`)},
		{"note without format", doc(`"format": "text/markdown", `, ``)},
		{"body with an id", doc(`"value": "A *note*."`, `"value": "A *note*.", "id": "http://x/1"`)},
		{"duplicate tags", doc(`{"type": "TextualBody", "value": "INF", "purpose": "tagging"}`, `{"type": "TextualBody", "value": "INF", "purpose": "tagging"}, {"type": "TextualBody", "value": "inf", "purpose": "tagging"}`)},
		{"stylesheet IRI", doc(`{"type": "CssStylesheet", "value": ".blue { background: #bfdbfe }"}`, `"http://example.org/style1"`)},
		{"style classes", doc(`"styleClass": "blue"`, `"styleClass": ["big", "blue"]`)},
		{"time with offset", doc(`"2019-02-01T12:00:00Z"`, `"2019-02-01T13:00:00.0000001+01:00"`)},
		{"long context cut", doc(`"prefix": "Nuclear "`, `"prefix": "`+strings.Repeat("x", 40)+`Nuclear "`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := want
			if tt.name == "long context cut" {
				w.Target.Prefix = strings.Repeat("x", 24) + "Nuclear "
			}
			a, err := FromW3C([]byte(tt.doc))
			if err != nil {
				t.Fatalf("FromW3C: %v\n%s", err, tt.doc)
			}
			if !reflect.DeepEqual(a, w) {
				t.Errorf("FromW3C\n got %#v\nwant %#v", a, w)
			}
		})
	}

	// Documents that read as the annotation with some fields changed.
	changed := []struct {
		name   string
		doc    string
		change func(a *Annotation)
	}{
		{"undefined style class", doc(`".blue { background: #bfdbfe }"`, `".bluer { background: #bfdbfe }"`), func(a *Annotation) { a.Color = Yellow }},
		{"no stylesheet", doc(`"stylesheet": {"type": "CssStylesheet", "value": ".blue { background: #bfdbfe }"},`, ``), func(a *Annotation) { a.Color = Yellow }},
		{"position disagrees", doc(`"end": 37`, `"end": 38`), func(a *Annotation) { a.Target.Start, a.Target.End = 0, 6 }},
		{"no position", doc(`, `+pos, ``), func(a *Annotation) { a.Target.Start, a.Target.End = 0, 6 }},
		{"foreign id", doc(`"https://margin.example/annotations/`+fillID+`"`, `"http://example.org/anno1"`), func(a *Annotation) { a.ID = "" }},
		{"no id", doc(`"id": "https://margin.example/annotations/`+fillID+`",`, ``), func(a *Annotation) { a.ID = "" }},
		{"no scope", doc(`"scope": "https://margin.example/a/art1",`, ``), func(a *Annotation) { a.Article = "" }},
		{"source is the scope", doc(`"source": "https://news.example/story"`, `"source": "https://margin.example/a/art1"`), func(a *Annotation) { a.Source = "" }},
		{"created only", doc(`"modified": "2019-02-02T08:30:00.250Z",`, ``), func(a *Annotation) { a.Modified = a.Created }},
		{"modified only", doc(`"created": "2019-02-01T12:00:00Z",`, ``), func(a *Annotation) { a.Created = a.Modified }},
		{"no times", doc(`"created": "2019-02-01T12:00:00Z",`, ``, `"modified": "2019-02-02T08:30:00.250Z",`, ``), func(a *Annotation) { a.Created, a.Modified = time.Time{}, time.Time{} }},
		{"html note", doc(`"value": "A *note*.", "format": "text/markdown"`, `"value": "<p>A <b>bold</b> &amp; <i>new</i> note</p>", "format": "text/html"`), func(a *Annotation) { a.Note = "A bold & new note" }},
		{"bodyValue", doc(`"body": [`, `"bodyValue": "Plain.", "body": [`), func(a *Annotation) { a.Note = "Plain.\n\nA *note*." }},
		{"external bodies", doc(`"body": [`, `"body": ["http://example.org/comment1", {"id": "http://example.org/c2", "format": "audio/mpeg"}, {"type": "SpecificResource", "source": "http://example.org/city1", "purpose": "tagging"}, {"type": "Choice", "items": [{"type": "TextualBody", "value": "first"}, {"type": "TextualBody", "value": "second"}]},`),
			func(a *Annotation) {
				a.Note = "http://example.org/comment1\n\nhttp://example.org/c2\n\nhttp://example.org/city1\n\nfirst\n\nA *note*."
			}},
		{"tagging motivation", doc(`"motivation": "commenting"`, `"motivation": "tagging"`, `"format": "text/markdown", "purpose": "commenting"`, `"format": "text/markdown"`),
			func(a *Annotation) { a.Note, a.Tags = "", []string{"A *note*.", "treaty", "INF"} }},
		{"quote in a refinement", doc(`[`+quote+`, `+pos+`]`, `{"type": "FragmentSelector", "value": "p5", "refinedBy": [{"type": "CssSelector", "value": "b", "refinedBy": `+quote+`}]}`),
			func(a *Annotation) { a.Target.Start, a.Target.End = 0, 6 }},
		{"hash state", doc(`"styleClass": "blue",`, `"styleClass": "blue", "state": [{"type": "TimeState", "sourceDate": "2019-01-01T00:00:00Z"}, "ni://example.org/sha-256;n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg?ct=text/plain"],`),
			func(a *Annotation) {
				a.Target.Hash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
			}},
	}
	for _, tt := range changed {
		t.Run(tt.name, func(t *testing.T) {
			w := want
			w.Tags = append([]string(nil), want.Tags...)
			tt.change(&w)
			a, err := FromW3C([]byte(tt.doc))
			if err != nil {
				t.Fatalf("FromW3C: %v\n%s", err, tt.doc)
			}
			if !reflect.DeepEqual(a, w) {
				t.Errorf("FromW3C\n got %#v\nwant %#v", a, w)
			}
		})
	}
}

func TestFromW3CErrors(t *testing.T) {
	ok, err := ToW3C(sample(), testBase)
	if err != nil {
		t.Fatal(err)
	}
	good := string(ok)
	repl := func(old, new string) string {
		if !strings.Contains(good, old) {
			panic("no " + old)
		}
		return strings.Replace(good, old, new, 1)
	}
	tests := []struct {
		name string
		doc  string
		kind error
		want string
	}{
		{"too large", `{"a": "` + strings.Repeat("x", MaxW3C) + `"}`, ErrTooLarge, "the most is 1048576"},
		{"too deep", strings.Repeat("[", MaxW3CDepth+1) + strings.Repeat("]", MaxW3CDepth+1), ErrTooLarge, "more than 32 deep"},
		{"deep inside strings is fine", repl(`"Signed`, `"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[ \"{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{ Signed`), nil, ""},
		{"not JSON", `{"id": `, ErrInvalid, "the document is not JSON"},
		{"trailing data", good + `{}`, ErrInvalid, "more after its JSON value"},
		{"array", `[` + good + `]`, ErrInvalid, "not a JSON object"},
		{"no context", repl(`"@context":"http://www.w3.org/ns/anno.jsonld",`, ``), ErrInvalid, "its @context does not include"},
		{"other context", repl(`"http://www.w3.org/ns/anno.jsonld"`, `"http://www.w3.org/ns/oa.jsonld"`), ErrInvalid, "not a Web Annotation"},
		{"context number", repl(`"http://www.w3.org/ns/anno.jsonld"`, `7`), ErrInvalid, "@context is neither a string nor an array"},
		{"not an Annotation", repl(`"type":"Annotation"`, `"type":"AnnotationPage"`), ErrInvalid, "its type is not Annotation"},
		{"no target", repl(`"target":`, `"targets":`), ErrInvalid, "has no target"},
		{"empty target array", repl(`"target":{`, `"target":[],"x":{`), ErrInvalid, "has no target"},
		{"two targets", strings.TrimSuffix(repl(`"target":{`, `"target":["http://example.org/x",{`), "}") + "]}", ErrUnsupported, "has 2 targets, and a Margin annotation marks one passage"},
		{"target number", repl(`"target":{`, `"target":5,"x":{`), ErrInvalid, "neither an IRI nor an object"},
		{"no source", repl(`"source":"https://news.example/2019/02/inf-treaty",`, ``), ErrInvalid, "the target has no source IRI"},
		{"no selectors", repl(`"selector":[`, `"selectors":[`), ErrUnsupported, "the target has no selector, so it is the whole of https://news.example/2019/02/inf-treaty"},
		{"no quote", repl(`"TextQuoteSelector"`, `"XPathSelector"`), ErrUnsupported, "the target has no TextQuoteSelector; Margin finds a passage by the text it quotes, so it cannot find this one"},
		{"exact not a string", repl(`"exact":"the`, `"exact":7,"x":"the`), ErrInvalid, "has no exact text"},
		{"prefix not a string", repl(`"prefix":"will withdraw from "`, `"prefix":["will"]`), ErrInvalid, "prefix is not a string"},
		{"empty exact", repl(`"exact":"the Intermediate-Range Nuclear Forces Treaty"`, `"exact":""`), ErrInvalid, "quote is empty"},
		{"negative start", repl(`"start":120`, `"start":-1`), ErrInvalid, "start, -1, is not a whole number"},
		{"fractional end", repl(`"end":164`, `"end":16.5`), ErrInvalid, "end, 16.5, is not a whole number"},
		{"end a string", repl(`"end":164`, `"end":"164"`), ErrInvalid, "end is not a number"},
		{"value not a string", repl(`"value":"Signed`, `"value":["x"],"v":"Signed`), ErrInvalid, "value is not a string"},
		{"body a number", repl(`"body":[`, `"body":[1,`), ErrInvalid, "a body is neither an IRI nor an object"},
		{"bad created", repl(`"created":"2025-03-14T09:26:53.589Z"`, `"created":"yesterday"`), ErrInvalid, `created, "yesterday", is not a date`},
		{"created a number", repl(`"created":"2025-03-14T09:26:53.589Z"`, `"created":1`), ErrInvalid, "created is not a string"},
		{"year 0", repl(`"created":"2025-03-14T09:26:53.589Z"`, `"created":"0001-01-01T00:30:00+01:00"`), ErrInvalid, "is not a date"},
		{"modified before created", repl(`"modified":"2025-03-14T09:28:23.589Z"`, `"modified":"2025-03-14T09:26:53.588Z"`), ErrInvalid, "modified (2025-03-14T09:26:53.588Z) is before created"},
		{"note too long", repl(`"value":"Signed`, `"value":"`+strings.Repeat("n", MaxNote)+`Signed`), ErrInvalid, "the note is 10040 characters long; the most is 10000"},
		{"too many tags", repl(`"body":[`, `"body":[`+manyTags(40)), ErrInvalid, "there are 42 tags; the most is 32"},
		{"tag too long", repl(`"value":"arms control"`, `"value":"`+strings.Repeat("x", 65)+`"`), ErrInvalid, "65 characters long; the most is 64"},
		{"control in tag", repl(`"value":"arms control"`, `"value":"arms\u0000control"`), ErrInvalid, "without control characters"},
		{"relative source", repl(`"source":"https://news.example/2019/02/inf-treaty"`, `"source":"page1"`), ErrInvalid, `source "page1" is not an absolute URL`},
		{"bad article", repl(`"scope":"https://margin.example/a/3f2a9b1c0d4e"`, `"scope":"https://margin.example/a/%01"`), ErrInvalid, "the article id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := FromW3C([]byte(tt.doc))
			if tt.kind == nil {
				if err != nil {
					t.Fatalf("FromW3C: %v", err)
				}
				return
			}
			if !errors.Is(err, tt.kind) {
				t.Fatalf("FromW3C = %v, want an error matching %v", err, tt.kind)
			}
			if !strings.HasPrefix(err.Error(), "annotation: reading W3C JSON: ") || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("FromW3C = %q, want \"annotation: reading W3C JSON: …%s…\"", err, tt.want)
			}
		})
	}
}

func manyTags(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, `{"type":"TextualBody","purpose":"tagging","value":"t%d"},`, i)
	}
	return b.String()
}

func TestToW3CErrors(t *testing.T) {
	bad := sample()
	bad.Color = "red"
	tests := []struct {
		name string
		a    Annotation
		base string
		want string
	}{
		{"invalid annotation", bad, testBase, `colour "red"`},
		{"base with path", sample(), "https://margin.example/x", "is not an http or https origin"},
		{"base with query", sample(), "https://margin.example?x", "is not an http or https origin"},
		{"ftp base", sample(), "ftp://margin.example", "is not an http or https origin"},
		{"relative base", sample(), "margin.example", "is not an http or https origin"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ToW3C(tt.a, tt.base)
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ToW3C = %v, want ErrInvalid with %q", err, tt.want)
			}
		})
	}
}
