package store

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"

	"github.com/go-json-experiment/json/jsontext"

	msync "margin/app/sync"
)

// An object's fields are stored as one JSON document in objects.fields,
// the JSON of its map[string]msync.Field:
//
//	{"color":{"value":"yellow","hlc":117…,"by":"c_1"},"note":{…}}
//
// with names sorted and each value exactly as the client sent it. A pull
// page is then one row per object, not one per field: that is what keeps
// a pull of 10,000 annotations within its budget (see README.md). Anyone
// can decode the column with encoding/json.

// encodeFields returns the stored form of fields.
func encodeFields(fields map[string]msync.Field) string {
	names := make([]string, 0, len(fields))
	size := 2
	for name, f := range fields {
		names = append(names, name)
		size += len(name) + len(f.Value) + len(f.By) + 48
	}
	slices.Sort(names)
	b := make([]byte, 0, size)
	b = append(b, '{')
	for i, name := range names {
		f := fields[name]
		if i > 0 {
			b = append(b, ',')
		}
		b, _ = jsontext.AppendQuote(b, name)
		b = append(b, `:{"value":`...)
		b = append(b, f.Value...)
		b = append(b, `,"hlc":`...)
		b = strconv.AppendInt(b, int64(f.HLC), 10)
		b = append(b, `,"by":`...)
		b, _ = jsontext.AppendQuote(b, f.By)
		b = append(b, '}')
	}
	b = append(b, '}')
	return string(b)
}

// fieldsDecoder decodes stored fields, reusing its parser and the strings
// that repeat from one field and object to the next.
type fieldsDecoder struct {
	dec    jsontext.Decoder
	byRaw  []byte // the last client id read, quoted, by either path
	byName string // and unquoted
}

var decodeOptions = []jsontext.Options{jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true)}

// decode parses body, which it keeps: the values are slices of it.
func (d *fieldsDecoder) decode(body []byte) (map[string]msync.Field, error) {
	if out, ok := d.fast(body); ok {
		return out, nil
	}
	return d.slow(body)
}

// fast parses the form encodeFields writes, and gives up (ok false) on
// anything else.
func (d *fieldsDecoder) fast(b []byte) (out map[string]msync.Field, ok bool) {
	if len(b) < 2 || b[0] != '{' || b[len(b)-1] != '}' {
		return nil, false
	}
	i := 1
	for i < len(b)-1 {
		if out != nil {
			if b[i] != ',' {
				return nil, false
			}
			i++
		}
		// "name":{"value":
		end := plainString(b, i)
		if end < 0 || !bytes.HasPrefix(b[end:], []byte(`:{"value":`)) {
			return nil, false
		}
		name, err := fieldName(b[i:end])
		if err != nil {
			return nil, false
		}
		i = end + len(`:{"value":`)
		vend := skipValue(b, i)
		if vend < 0 || !bytes.HasPrefix(b[vend:], []byte(`,"hlc":`)) {
			return nil, false
		}
		var f msync.Field
		f.Value = b[i:vend:vend]
		i = vend + len(`,"hlc":`)
		j := i
		for j < len(b) && b[j] >= '0' && b[j] <= '9' {
			j++
		}
		h, err := strconv.ParseInt(string(b[i:j]), 10, 64)
		if err != nil || !bytes.HasPrefix(b[j:], []byte(`,"by":`)) {
			return nil, false
		}
		f.HLC = msync.HLC(h)
		i = j + len(`,"by":`)
		end = plainString(b, i)
		if end < 0 || end >= len(b) || b[end] != '}' {
			return nil, false
		}
		// The string has no escapes: unquoted, it is its inside.
		if raw := b[i:end]; !bytes.Equal(raw, d.byRaw) {
			d.byRaw, d.byName = append(d.byRaw[:0], raw...), string(raw[1:len(raw)-1])
		}
		f.By = d.byName
		i = end + 1
		if out == nil {
			out = make(map[string]msync.Field, 8)
		}
		out[name] = f
	}
	return out, i == len(b)-1
}

// plainString returns the end of the JSON string at b[i], which must have
// no escapes, or -1.
func plainString(b []byte, i int) int {
	if i >= len(b) || b[i] != '"' {
		return -1
	}
	for j := i + 1; j < len(b); j++ {
		switch c := b[j]; {
		case c == '"':
			return j + 1
		case c == '\\' || c < ' ':
			return -1
		}
	}
	return -1
}

// skipValue returns the end of the JSON value at b[i], assumed valid (the
// value passed validation when it was stored), or -1 if it is not plainly
// so.
func skipValue(b []byte, i int) int {
	if i >= len(b) {
		return -1
	}
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				if j = skipString(b, j); j < 0 {
					return -1
				}
				j-- // the loop's j++ steps past the string
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1
				}
			}
		}
		return -1
	}
	// A number, true, false or null.
	j := i
	for j < len(b) && b[j] != ',' && b[j] != '}' && b[j] != ']' && b[j] != ' ' {
		j++
	}
	if j == i {
		return -1
	}
	return j
}

// skipString returns the end of the JSON string at b[i], or -1.
func skipString(b []byte, i int) int {
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return -1
}

// slow parses any JSON document of fields.
func (d *fieldsDecoder) slow(body []byte) (map[string]msync.Field, error) {
	// A bytes.Buffer is parsed in place, without a copy.
	d.dec.Reset(bytes.NewBuffer(body), decodeOptions...)
	if tok, err := d.dec.ReadToken(); err != nil || tok.Kind() != '{' {
		return nil, fmt.Errorf("store: stored fields: not a JSON object: %v", err)
	}
	var out map[string]msync.Field
	for d.dec.PeekKind() == '"' {
		raw, err := d.dec.ReadValue()
		if err != nil {
			return nil, fmt.Errorf("store: stored fields: %v", err)
		}
		name, err := fieldName(raw)
		if err != nil {
			return nil, err
		}
		if tok, err := d.dec.ReadToken(); err != nil || tok.Kind() != '{' {
			return nil, fmt.Errorf("store: stored field %s: not an object: %v", name, err)
		}
		var f msync.Field
		for d.dec.PeekKind() == '"' {
			key, err := d.dec.ReadValue()
			if err != nil {
				return nil, fmt.Errorf("store: stored field %s: %v", name, err)
			}
			switch string(key) {
			case `"value"`:
				v, err := d.dec.ReadValue()
				if err != nil {
					return nil, fmt.Errorf("store: stored field %s: %v", name, err)
				}
				end := int(d.dec.InputOffset())
				f.Value = body[end-len(v) : end : end]
			case `"hlc"`:
				tok, err := d.dec.ReadToken()
				if err != nil || tok.Kind() != '0' {
					return nil, fmt.Errorf("store: stored field %s: hlc is not a number: %v", name, err)
				}
				f.HLC = msync.HLC(tok.Int())
			case `"by"`:
				v, err := d.dec.ReadValue()
				if err != nil || v.Kind() != '"' {
					return nil, fmt.Errorf("store: stored field %s: by is not a string: %v", name, err)
				}
				if !bytes.Equal(v, d.byRaw) {
					b, err := jsontext.AppendUnquote(nil, v)
					if err != nil {
						return nil, err
					}
					d.byRaw, d.byName = append(d.byRaw[:0], v...), string(b)
				}
				f.By = d.byName
			default:
				if err := d.dec.SkipValue(); err != nil {
					return nil, err
				}
			}
		}
		if _, err := d.dec.ReadToken(); err != nil { // '}'
			return nil, err
		}
		if out == nil {
			out = make(map[string]msync.Field, 8)
		}
		out[name] = f
	}
	if _, err := d.dec.ReadToken(); err != nil { // '}'
		return nil, fmt.Errorf("store: stored fields: %v", err)
	}
	return out, nil
}

// fieldName returns the field name that raw, a quoted JSON string, holds;
// the names of the protocol's fields without an allocation.
func fieldName(raw jsontext.Value) (string, error) {
	switch string(raw) {
	case `"article"`:
		return "article", nil
	case `"source"`:
		return "source", nil
	case `"target"`:
		return "target", nil
	case `"color"`:
		return "color", nil
	case `"note"`:
		return "note", nil
	case `"tags"`:
		return "tags", nil
	case `"created"`:
		return "created", nil
	case `"doc"`:
		return "doc", nil
	case `"at"`:
		return "at", nil
	case `"value"`:
		return "value", nil
	}
	b, err := jsontext.AppendUnquote(nil, raw)
	if err != nil {
		return "", fmt.Errorf("store: stored fields: %v", err)
	}
	return string(b), nil
}
