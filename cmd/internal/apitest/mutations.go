package apitest

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"time"

	"margin/app/anchor"
	"margin/app/annotation"
	msync "margin/app/sync"
)

// ClientID returns a new random client id.
func ClientID() string {
	return "c_" + rand.Text()[:20]
}

// Annotation returns a valid annotation on article with the given note
// and a new id.
func Annotation(article, note string) annotation.Annotation {
	now := time.Now().UTC().Truncate(time.Millisecond)
	return annotation.Annotation{
		ID: annotation.NewID(), Article: article, Note: note, Color: annotation.Yellow,
		Target:  anchor.Selector{Exact: "quoted", Start: 10, End: 16},
		Created: now, Modified: now,
	}
}

// Upsert returns mutation number id setting all of a's fields at hlc.
func Upsert(id int64, a *annotation.Annotation, hlc msync.HLC) msync.Mutation {
	return msync.Mutation{ID: id, Op: msync.OpUpsert, Kind: msync.KindAnnotation, Object: a.ID,
		HLC: hlc, Fields: msync.AnnotationFields(a, nil)}
}

// SetNote returns mutation number id setting the note of annotation
// object to note at hlc.
func SetNote(id int64, object, note string, hlc msync.HLC) msync.Mutation {
	v, _ := json.Marshal(note)
	return msync.Mutation{ID: id, Op: msync.OpUpsert, Kind: msync.KindAnnotation, Object: object,
		HLC: hlc, Fields: map[string]json.RawMessage{"note": v}}
}

// Delete returns mutation number id deleting annotation object at hlc.
func Delete(id int64, object string, hlc msync.HLC) msync.Mutation {
	return msync.Mutation{ID: id, Op: msync.OpDelete, Kind: msync.KindAnnotation, Object: object, HLC: hlc}
}

// Creates returns a push of n new annotations numbered from first, each
// with its own id and a note saying its number.
func Creates(clientID string, first int64, n int) *msync.PushRequest {
	clock := msync.NewClock(nil, 0)
	req := &msync.PushRequest{Protocol: msync.Protocol, ClientID: clientID}
	for i := range n {
		a := Annotation("article-1", fmt.Sprintf("note %d", first+int64(i)))
		req.Mutations = append(req.Mutations, Upsert(first+int64(i), &a, clock.Now()))
	}
	return req
}
