package sync

import (
	"encoding/json"
	"fmt"
	"time"

	"margin/app/annotation"
)

// AnnotationFields returns a's fields as an upsert sets them. With old
// non-nil, only the fields whose values differ from old's are returned.
func AnnotationFields(a, old *annotation.Annotation) map[string]json.RawMessage {
	out := map[string]json.RawMessage{}
	add := func(name string, v, was any) {
		b, _ := json.Marshal(v)
		if old != nil {
			if w, _ := json.Marshal(was); string(w) == string(b) {
				return
			}
		}
		out[name] = b
	}
	var o annotation.Annotation
	if old != nil {
		o = *old
	}
	tags := a.Tags
	if tags == nil {
		tags = []string{}
	}
	otags := o.Tags
	if otags == nil {
		otags = []string{}
	}
	add("article", a.Article, o.Article)
	add("source", a.Source, o.Source)
	add("target", a.Target, o.Target)
	add("color", a.Color, o.Color)
	add("note", a.Note, o.Note)
	add("tags", tags, otags)
	add("created", a.Created.UnixMilli(), o.Created.UnixMilli())
	return out
}

// ToAnnotation returns the annotation a live record of KindAnnotation
// holds. Modified is the time of the record's latest field edit.
func ToAnnotation(r *Record) (annotation.Annotation, error) {
	a := annotation.Annotation{ID: r.ID, Color: annotation.Yellow}
	if r.Kind != KindAnnotation || r.Deleted != 0 {
		return a, fmt.Errorf("sync: record %s/%s is not a live annotation", r.Kind, r.ID)
	}
	var latest HLC
	for name, f := range r.Fields {
		var err error
		switch name {
		case "article":
			err = json.Unmarshal(f.Value, &a.Article)
		case "source":
			err = json.Unmarshal(f.Value, &a.Source)
		case "target":
			err = json.Unmarshal(f.Value, &a.Target)
		case "color":
			err = json.Unmarshal(f.Value, &a.Color)
		case "note":
			err = json.Unmarshal(f.Value, &a.Note)
		case "tags":
			err = json.Unmarshal(f.Value, &a.Tags)
		case "created":
			var ms int64
			err = json.Unmarshal(f.Value, &ms)
			a.Created = time.UnixMilli(ms).UTC()
		}
		if err != nil {
			return a, fmt.Errorf("sync: annotation %s: field %s: %w", r.ID, name, err)
		}
		if f.HLC > latest {
			latest = f.HLC
		}
	}
	if len(a.Tags) == 0 {
		a.Tags = nil
	}
	a.Modified = latest.Time().UTC()
	if a.Modified.Before(a.Created) {
		a.Modified = a.Created
	}
	return a, nil
}
