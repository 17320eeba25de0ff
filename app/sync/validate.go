package sync

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"margin/app/anchor"
	"margin/app/annotation"
	"margin/app/article"
)

// ErrInvalid is returned, wrapped, for a message or mutation that breaks
// the protocol's rules; the error's text says which, for a person.
var ErrInvalid = errors.New("sync: invalid")

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalid}, args...)...)
}

// ValidClientID reports whether id is a well-formed client id: 8 to 64
// letters, digits, '_' and '-'.
func ValidClientID(id string) bool {
	return len(id) >= minClientID && len(id) <= maxClientID && idChars(id)
}

func idChars(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// CheckRequest reports whether a push request is well formed as a whole:
// the protocol version, the client id, at most MaxMutations mutations,
// numbered from 1 up, strictly ascending. It does not look inside the
// mutations: CheckMutation does, one at a time, so that one bad mutation
// is refused on its own.
func CheckRequest(req *PushRequest) error {
	if req.Protocol != Protocol {
		return invalid("protocol %d is not spoken here; this server speaks %d", req.Protocol, Protocol)
	}
	if !ValidClientID(req.ClientID) {
		return invalid("the client id must be 8 to 64 letters, digits, '_' or '-'")
	}
	if len(req.Mutations) > MaxMutations {
		return invalid("a push holds at most %d mutations; this one has %d", MaxMutations, len(req.Mutations))
	}
	var last int64
	for _, m := range req.Mutations {
		if m.ID <= last {
			return invalid("mutation ids must start at 1 and rise; %d follows %d", m.ID, last)
		}
		last = m.ID
	}
	return nil
}

// CheckMutation reports whether m may be applied: a known operation and
// kind, a well-formed object id, a clock after the year 2000, and fields
// that the kind has, each with a valid value. Deletes carry no fields.
func CheckMutation(m *Mutation) error {
	if m.HLC < At(time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)) {
		return invalid("mutation %d: its clock value %d is before the year 2000", m.ID, m.HLC)
	}
	if m.Object == "" || len(m.Object) > maxObjectID || !utf8.ValidString(m.Object) || strings.ContainsAny(m.Object, "\x00\n\r\t") {
		return invalid("mutation %d: the object id must be 1 to %d characters", m.ID, maxObjectID)
	}
	if m.Kind == KindAnnotation && !annotation.ValidID(m.Object) {
		return invalid("mutation %d: an annotation id must be a UUID", m.ID)
	}
	if m.Kind == KindArticle || m.Kind == KindPosition || m.Kind == KindSetting {
		if !idChars(m.Object) {
			return invalid("mutation %d: the id of a %s may hold only letters, digits, '_' and '-'", m.ID, m.Kind)
		}
	}
	check, ok := fieldChecks[m.Kind]
	if !ok {
		return invalid("mutation %d: %q is not a kind of object that syncs", m.ID, m.Kind)
	}
	switch m.Op {
	case OpDelete:
		if len(m.Fields) > 0 {
			return invalid("mutation %d: a delete carries no fields", m.ID)
		}
		return nil
	case OpUpsert:
	default:
		return invalid("mutation %d: %q is not an operation; use upsert or delete", m.ID, m.Op)
	}
	if len(m.Fields) == 0 {
		return invalid("mutation %d: an upsert sets at least one field", m.ID)
	}
	// Annotation fields are decoded onto an otherwise valid annotation,
	// which is validated once at the end, so their rules are
	// annotation.Validate's own; other kinds check each value alone.
	now := time.Now().UTC()
	probe := annotation.Annotation{
		ID: m.Object, Article: "a",
		Target: anchor.Selector{Exact: "x", Start: 0, End: 1},
		Color:  annotation.Yellow, Created: now, Modified: now,
	}
	for _, name := range names(m.Fields) {
		f, ok := check[name]
		if !ok {
			return invalid("mutation %d: a %s has no field %q", m.ID, m.Kind, name)
		}
		v := m.Fields[name]
		if len(v) > maxFieldBytes {
			return invalid("mutation %d: field %q is larger than %d bytes", m.ID, name, maxFieldBytes)
		}
		if err := f(&probe, v); err != nil {
			return invalid("mutation %d: field %q: %v", m.ID, name, err)
		}
	}
	if m.Kind != KindAnnotation {
		return nil
	}
	if err := annotation.Validate(&probe); err != nil {
		return invalid("mutation %d: %s", m.ID, strings.TrimPrefix(err.Error(), "annotation: "))
	}
	return nil
}

// fieldCheck decodes and checks one field's value; an annotation's is
// decoded onto the probe annotation.
type fieldCheck func(probe *annotation.Annotation, v json.RawMessage) error

// alone adapts a check that needs no probe.
func alone(f func(json.RawMessage) error) fieldCheck {
	return func(_ *annotation.Annotation, v json.RawMessage) error { return f(v) }
}

// fieldChecks lists, for each kind, its fields and how to check a value.
var fieldChecks = map[Kind]map[string]fieldCheck{
	KindAnnotation: {
		"article": func(a *annotation.Annotation, v json.RawMessage) error { return strict(v, &a.Article) },
		"source":  func(a *annotation.Annotation, v json.RawMessage) error { return strict(v, &a.Source) },
		"target":  func(a *annotation.Annotation, v json.RawMessage) error { return strict(v, &a.Target) },
		"color":   func(a *annotation.Annotation, v json.RawMessage) error { return strict(v, &a.Color) },
		"note":    func(a *annotation.Annotation, v json.RawMessage) error { return strict(v, &a.Note) },
		"tags":    func(a *annotation.Annotation, v json.RawMessage) error { return strict(v, &a.Tags) },
		"created": func(a *annotation.Annotation, v json.RawMessage) error {
			var ms int64
			if err := strict(v, &ms); err != nil {
				return err
			}
			a.Created = time.UnixMilli(ms).UTC()
			a.Modified = a.Created
			return nil
		},
	},
	KindArticle: {
		"doc": alone(func(v json.RawMessage) error {
			var a article.Article
			if err := json.Unmarshal(v, &a); err != nil {
				return fmt.Errorf("not an article: %v", err)
			}
			return article.Check(&a)
		}),
	},
	KindPosition: {
		"at": alone(func(v json.RawMessage) error {
			var p struct {
				B int     `json:"b"`
				F float64 `json:"f"`
			}
			if err := strict(v, &p); err != nil {
				return err
			}
			if p.B < 0 || p.B > 1<<20 || !(p.F >= 0 && p.F <= 1) {
				return errors.New("a reading position is a block number and a fraction from 0 to 1")
			}
			return nil
		}),
	},
	KindSetting: {
		"value": alone(func(v json.RawMessage) error {
			var s string
			if err := strict(v, &s); err != nil {
				return errors.New("a setting's value is a string")
			}
			if len(s) > 1024 {
				return errors.New("a setting's value is at most 1024 bytes")
			}
			return nil
		}),
	},
}

// strict decodes v into out, refusing unknown object keys and anything
// after the value.
func strict(v json.RawMessage, out any) error {
	d := json.NewDecoder(bytes.NewReader(v))
	d.DisallowUnknownFields()
	if err := d.Decode(out); err != nil {
		return err
	}
	if d.More() {
		return errors.New("there is more after the value")
	}
	return nil
}
