package annotation

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// FuzzFromW3C checks that FromW3C never panics; that what it refuses it
// refuses with one of the package's errors; that what it accepts passes
// Validate once an importer has filled the id, article and times it may
// lack; and that it then writes and reads back unchanged.
func FuzzFromW3C(f *testing.F) {
	for _, dir := range []string{"w3c", "golden"} {
		files, _ := filepath.Glob(filepath.Join("testdata", dir, "*.json"))
		for _, name := range files {
			data, err := os.ReadFile(name)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
	for _, s := range []string{
		`{"@context": ["http://www.w3.org/ns/anno.jsonld"], "type": ["Annotation"], "motivation": ["tagging"], "body": {"value": " A  b "}, "target": [{"source": {"id": "urn:x"}, "selector": {"type": "FragmentSelector", "refinedBy": {"type": "TextQuoteSelector", "exact": "é"}}}]}`,
		`{"@context": "http://www.w3.org/ns/anno.jsonld", "type": "Annotation", "bodyValue": "x", "target": {"source": "http://a/", "scope": "/a/%20", "styleClass": "pink", "stylesheet": ".pink{}", "state": "ni:///sha-256;AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "selector": [{"type": "TextPositionSelector", "start": 0, "end": 1}, {"type": "TextQuoteSelector", "exact": "👍", "prefix": "", "suffix": null}]}}`,
		`{"@context": "http://www.w3.org/ns/anno.jsonld", "type": "Annotation", "created": "2020-01-01T00:00:00+14:00", "body": {"type": "Choice", "items": [{"type": "Choice", "items": ["http://x"]}]}, "target": {"source": "http://a/", "selector": {"type": "TextQuoteSelector", "exact": "a\u0000b"}}}`,
		`[[[[{"a":"\"[[["}]]]]`,
		`{}`,
		`null`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := FromW3C(data)
		if err != nil {
			if !errors.Is(err, ErrInvalid) && !errors.Is(err, ErrUnsupported) && !errors.Is(err, ErrTooLarge) {
				t.Fatalf("FromW3C error %v matches none of the package's errors", err)
			}
			return
		}
		if err := Validate(&a); err != nil && !errors.Is(err, ErrInvalid) {
			t.Fatalf("Validate error %v does not match ErrInvalid", err)
		}
		fill(&a)
		if a.Source == testBase+"/a/"+a.Article {
			return // reads back as no Source, as FromW3C documents
		}
		if err := Validate(&a); err != nil {
			t.Fatalf("FromW3C accepted what Validate refuses: %v\n%#v", err, a)
		}
		for _, base := range []string{"", testBase} {
			out, err := ToW3C(a, base)
			if err != nil {
				t.Fatalf("ToW3C: %v", err)
			}
			b, err := FromW3C(out)
			if err != nil {
				t.Fatalf("FromW3C(ToW3C(a)): %v\n%s", err, out)
			}
			if !reflect.DeepEqual(a, b) {
				t.Fatalf("a W3C round trip changed the annotation\n got %#v\nwant %#v\n%s", b, a, out)
			}
		}
	})
}
