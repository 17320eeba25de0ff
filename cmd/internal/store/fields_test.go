package store

import (
	"bytes"
	"encoding/json"
	"maps"
	"reflect"
	"testing"
	"unicode/utf8"

	msync "margin/app/sync"
)

func TestFieldsRoundTrip(t *testing.T) {
	cases := map[string]map[string]msync.Field{
		"empty": {},
		"annotation": {
			"note":   {Value: json.RawMessage(`"a \"quoted\" note, with {braces} and [brackets] \\ and \u00e9"`), HLC: 1, By: "c_1"},
			"target": {Value: json.RawMessage(`{"exact":"}{][\"","start":0,"end":4}`), HLC: 1 << 62, By: "c_1"},
			"tags":   {Value: json.RawMessage(`["a", "b" ]`), HLC: 5, By: "other-client"},
			"color":  {Value: json.RawMessage(`"yellow"`), HLC: 6, By: "c_1"},
		},
		"scalars": {
			"at":      {Value: json.RawMessage(`{"b":3,"f":0.5e-3}`), HLC: 7, By: "x"},
			"created": {Value: json.RawMessage(`-12`), HLC: 8, By: "x"},
			"value":   {Value: json.RawMessage(`null`), HLC: 9, By: "x"},
			"doc":     {Value: json.RawMessage(`true`), HLC: 10, By: "x"},
		},
		"odd names and clients": {
			"naïve \"name\"": {Value: json.RawMessage(`{}`), HLC: 11, By: `a"b\c`},
			"":               {Value: json.RawMessage(`[]`), HLC: 12, By: ""},
		},
	}
	for name, fields := range cases {
		t.Run(name, func(t *testing.T) {
			body := []byte(encodeFields(fields))
			var std map[string]msync.Field
			if err := json.Unmarshal(body, &std); err != nil {
				t.Fatalf("the stored form is not JSON: %v\n%s", err, body)
			}
			var d fieldsDecoder
			got, err := d.decode(body)
			if err != nil {
				t.Fatal(err)
			}
			slow, err := d.slow(body)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range []map[string]msync.Field{got, slow, std} {
				if !reflect.DeepEqual(normal(m), normal(fields)) {
					t.Fatalf("decoded %v, want %v", m, fields)
				}
			}
		})
	}
	// Another writer's spacing takes the slow path and still decodes.
	var d fieldsDecoder
	body := []byte(`{ "note" : { "by" : "c", "hlc" : 3, "value" : "x" } }`)
	if _, ok := d.fast(body); ok {
		t.Fatal("the fast path took a spaced document")
	}
	got, err := d.decode(body)
	if err != nil || string(got["note"].Value) != `"x"` || got["note"].HLC != 3 || got["note"].By != "c" {
		t.Fatalf("spaced document: %v, %v", got, err)
	}
	if _, err := d.decode([]byte(`{"note":`)); err == nil {
		t.Fatal("a truncated document decoded")
	}
}

// One decoder keeps the last client id across both paths: a document
// the fast path reads between two the slow path reads must not leave the
// slow path answering with the fast path's client.
func TestFieldsDecoderClientAcrossPaths(t *testing.T) {
	var d fieldsDecoder
	spaced := []byte(`{ "note" : { "value" : "x", "hlc" : 1, "by" : "c_1" } }`)
	for i, step := range []struct {
		body []byte
		fast bool
		want string
	}{
		{spaced, false, "c_1"},
		{[]byte(`{"note":{"value":"y","hlc":2,"by":"c_2"}}`), true, "c_2"},
		{spaced, false, "c_1"},
	} {
		if _, ok := d.fast(step.body); ok != step.fast {
			t.Fatalf("step %d: fast path %v, want %v", i, ok, step.fast)
		}
		got, err := d.decode(step.body)
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if by := got["note"].By; by != step.want {
			t.Fatalf("step %d: by %q, want %q", i, by, step.want)
		}
	}
}

// normal returns fields with values as strings, for comparing.
func normal(m map[string]msync.Field) map[string][3]any {
	out := map[string][3]any{}
	for k, f := range maps.All(m) {
		out[k] = [3]any{string(f.Value), f.HLC, f.By}
	}
	return out
}

func FuzzFields(f *testing.F) {
	f.Add(`"note"`, `{"a":[1,"}"]}`, "client")
	f.Add(`x`, `"\\\""`, `"`)
	f.Fuzz(func(t *testing.T, name, value, by string) {
		// Names and client ids are checked before they are stored.
		if !json.Valid([]byte(value)) || !utf8.ValidString(name) || !utf8.ValidString(by) {
			t.Skip()
		}
		// Values arrive as the client sent them; leading and trailing
		// spaces are not part of a raw value.
		compact := bytes.Trim([]byte(value), " \t\r\n")
		in := map[string]msync.Field{name: {Value: compact, HLC: 42, By: by}}
		body := []byte(encodeFields(in))
		var d fieldsDecoder
		got, err := d.decode(body)
		if err != nil {
			t.Fatalf("decode %s: %v", body, err)
		}
		if !reflect.DeepEqual(normal(got), normal(in)) {
			t.Fatalf("decoded %v, want %v from %s", normal(got), normal(in), body)
		}
	})
}

func BenchmarkDecodeFields(b *testing.B) {
	body := []byte(encodeFields(map[string]msync.Field{
		"article": {Value: json.RawMessage(`"article-1"`), HLC: 1784012345678000123, By: "c_0190a000aaaa"},
		"target":  {Value: json.RawMessage(`{"exact":"word","start":10,"end":14}`), HLC: 1784012345678000123, By: "c_0190a000aaaa"},
		"color":   {Value: json.RawMessage(`"yellow"`), HLC: 1784012345678000123, By: "c_0190a000aaaa"},
		"note":    {Value: json.RawMessage(`"a note of a few words, as most are"`), HLC: 1784012345678000124, By: "c_0190a000aaaa"},
		"tags":    {Value: json.RawMessage(`["reading","later"]`), HLC: 1784012345678000123, By: "c_0190a000aaaa"},
		"created": {Value: json.RawMessage(`1767225600000`), HLC: 1784012345678000123, By: "c_0190a000aaaa"},
	}))
	var d fieldsDecoder
	b.Run("fast", func(b *testing.B) {
		for b.Loop() {
			if _, ok := d.fast(body); !ok {
				b.Fatal("not fast")
			}
		}
	})
	b.Run("slow", func(b *testing.B) {
		for b.Loop() {
			if _, err := d.slow(body); err != nil {
				b.Fatal(err)
			}
		}
	})
}
