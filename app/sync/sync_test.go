package sync

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"margin/app/anchor"
	"margin/app/annotation"
)

func TestClockMonotonicAndFollowsServer(t *testing.T) {
	wall := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c := NewClock(func() time.Time { return wall }, 0)
	a, b := c.Now(), c.Now()
	if b <= a {
		t.Fatalf("Now went from %d to %d", a, b)
	}
	// The device runs a year ahead; one answer from the server fixes it.
	ahead := NewClock(func() time.Time { return wall.AddDate(1, 0, 0) }, 0)
	ahead.Learn(wall.UnixMilli(), 0)
	if got := ahead.Now().Time(); got.Sub(wall).Abs() > time.Second {
		t.Fatalf("after Learn, Now is at %v, want about %v", got, wall)
	}
	c.Observe(At(wall.Add(time.Hour)))
	if c.Now() <= At(wall.Add(time.Hour)) {
		t.Fatal("Now is not past an observed value")
	}
}

func TestClamp(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	if h, c := Clamp(At(now.Add(time.Minute)), now); c || h != At(now.Add(time.Minute)) {
		t.Fatal("a clock one minute ahead was clamped")
	}
	h, c := Clamp(At(now.AddDate(1, 0, 0)), now)
	if !c || h.Time().After(now.Add(MaxSkew)) || h.Time().Before(now.Add(MaxSkew-time.Second)) {
		t.Fatalf("a year ahead clamped to %v (clamped %v)", h.Time(), c)
	}
}

func raw(s string) json.RawMessage { return json.RawMessage(s) }

func TestApplyFieldWiseLastWriterWins(t *testing.T) {
	const id = "0190a000-0000-7000-8000-000000000001"
	create := Mutation{ID: 1, Op: OpUpsert, Kind: KindAnnotation, Object: id, HLC: 100,
		Fields: map[string]json.RawMessage{"note": raw(`"first"`), "color": raw(`"yellow"`)}}
	r, out := Apply(nil, create, "a")
	if out.Status != StatusApplied || !out.Changed || len(out.Revisions) != 0 {
		t.Fatalf("create: %+v", out)
	}
	// An older edit of the note loses and is kept; a newer colour wins.
	late := Mutation{ID: 1, Op: OpUpsert, Kind: KindAnnotation, Object: id, HLC: 90,
		Fields: map[string]json.RawMessage{"note": raw(`"older"`)}}
	r2, out := Apply(&r, late, "b")
	if out.Changed || string(r2.Fields["note"].Value) != `"first"` || len(out.Revisions) != 1 || out.Revisions[0].Reason != RevisionLost {
		t.Fatalf("older edit: %+v %+v", r2.Fields["note"], out)
	}
	newer := Mutation{ID: 2, Op: OpUpsert, Kind: KindAnnotation, Object: id, HLC: 110,
		Fields: map[string]json.RawMessage{"color": raw(`"blue"`)}}
	r3, out := Apply(&r2, newer, "b")
	if !out.Changed || string(r3.Fields["color"].Value) != `"blue"` || string(r3.Fields["note"].Value) != `"first"` ||
		len(out.Revisions) != 1 || out.Revisions[0].Reason != RevisionOverwritten {
		t.Fatalf("newer edit: %+v %+v", r3.Fields, out)
	}
	if string(r.Fields["color"].Value) != `"yellow"` {
		t.Fatal("Apply changed its input")
	}
	// Equal clocks: the greater client id wins, whichever comes first.
	tieA := Mutation{Op: OpUpsert, Kind: KindAnnotation, Object: id, HLC: 200, Fields: map[string]json.RawMessage{"note": raw(`"A"`)}}
	tieB := Mutation{Op: OpUpsert, Kind: KindAnnotation, Object: id, HLC: 200, Fields: map[string]json.RawMessage{"note": raw(`"B"`)}}
	x, _ := Apply(&r3, tieA, "a")
	x, _ = Apply(&x, tieB, "b")
	y, _ := Apply(&r3, tieB, "b")
	y, _ = Apply(&y, tieA, "a")
	if string(x.Fields["note"].Value) != `"B"` || string(y.Fields["note"].Value) != `"B"` {
		t.Fatalf("tie: %s then %s", x.Fields["note"].Value, y.Fields["note"].Value)
	}
}

func TestApplyDeleteIsSticky(t *testing.T) {
	const id = "0190a000-0000-7000-8000-000000000002"
	r, _ := Apply(nil, Mutation{Op: OpUpsert, Kind: KindAnnotation, Object: id, HLC: 100,
		Fields: map[string]json.RawMessage{"note": raw(`"n"`)}}, "a")
	d, out := Apply(&r, Mutation{Op: OpDelete, Kind: KindAnnotation, Object: id, HLC: 50}, "b")
	if d.Deleted != 50 || len(d.Fields) != 0 || !out.Changed || len(out.Revisions) != 1 || out.Revisions[0].Reason != RevisionAfterDelete {
		t.Fatalf("delete: %+v %+v", d, out)
	}
	// An edit stamped after the delete is still refused.
	e, out := Apply(&d, Mutation{Op: OpUpsert, Kind: KindAnnotation, Object: id, HLC: 1000,
		Fields: map[string]json.RawMessage{"note": raw(`"late"`)}}, "a")
	if out.Status != StatusRejected || out.Reason != ReasonDeleted || out.Changed || e.Deleted == 0 ||
		len(out.Revisions) != 1 || string(out.Revisions[0].Value) != `"late"` {
		t.Fatalf("edit after delete: %+v %+v", e, out)
	}
}

func validAnnotation() annotation.Annotation {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	return annotation.Annotation{ID: annotation.NewID(), Article: "abc", Color: annotation.Green, Note: "n", Tags: []string{"t"},
		Target: anchor.Selector{Exact: "hello", Start: 3, End: 8, Hash: strings.Repeat("a", 64)}, Created: now, Modified: now}
}

func TestAnnotationRoundTrip(t *testing.T) {
	a := validAnnotation()
	m := Mutation{ID: 1, Op: OpUpsert, Kind: KindAnnotation, Object: a.ID, HLC: At(a.Created), Fields: AnnotationFields(&a, nil)}
	if err := CheckMutation(&m); err != nil {
		t.Fatal(err)
	}
	r, _ := Apply(nil, m, "c")
	got, err := ToAnnotation(&r)
	if err != nil {
		t.Fatal(err)
	}
	if got.Note != a.Note || got.Target != a.Target || got.Color != a.Color || got.Article != a.Article || !got.Created.Equal(a.Created) || len(got.Tags) != 1 {
		t.Fatalf("round trip: got %+v, want %+v", got, a)
	}
	b := a
	b.Note = "changed"
	if f := AnnotationFields(&b, &a); len(f) != 1 || string(f["note"]) != `"changed"` {
		t.Fatalf("changed fields: %v", f)
	}
}

func TestCheckRefusesBadInput(t *testing.T) {
	a := validAnnotation()
	good := Mutation{ID: 1, Op: OpUpsert, Kind: KindAnnotation, Object: a.ID, HLC: At(a.Created), Fields: AnnotationFields(&a, nil)}
	bad := map[string]func(m *Mutation){
		"unknown kind":     func(m *Mutation) { m.Kind = "user" },
		"unknown op":       func(m *Mutation) { m.Op = "drop" },
		"unknown field":    func(m *Mutation) { m.Fields["owner"] = raw(`"x"`) },
		"bad colour":       func(m *Mutation) { m.Fields["color"] = raw(`"red"`) },
		"long note":        func(m *Mutation) { m.Fields["note"], _ = json.Marshal(strings.Repeat("x", annotation.MaxNote+1)) },
		"inverted range":   func(m *Mutation) { m.Fields["target"] = raw(`{"exact":"x","start":5,"end":2}`) },
		"extra in target":  func(m *Mutation) { m.Fields["target"] = raw(`{"exact":"x","start":0,"end":1,"evil":1}`) },
		"not a uuid":       func(m *Mutation) { m.Object = "../../etc" },
		"ancient clock":    func(m *Mutation) { m.HLC = 5 },
		"delete w/ fields": func(m *Mutation) { m.Op = OpDelete },
		"empty upsert":     func(m *Mutation) { m.Fields = nil },
	}
	for name, f := range bad {
		m := good
		m.Fields = AnnotationFields(&a, nil)
		f(&m)
		if err := CheckMutation(&m); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: CheckMutation = %v", name, err)
		}
	}
	if err := CheckMutation(&good); err != nil {
		t.Fatal(err)
	}
	for name, req := range map[string]PushRequest{
		"protocol":   {Protocol: 2, ClientID: "c_12345678"},
		"client id":  {Protocol: 1, ClientID: "short"},
		"descending": {Protocol: 1, ClientID: "c_12345678", Mutations: []Mutation{{ID: 2}, {ID: 1}}},
		"zero id":    {Protocol: 1, ClientID: "c_12345678", Mutations: []Mutation{{ID: 0}}},
		"too many":   {Protocol: 1, ClientID: "c_12345678", Mutations: make([]Mutation, MaxMutations+1)},
	} {
		if err := CheckRequest(&req); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: CheckRequest = %v", name, err)
		}
	}
}

func TestHashTellsMutationsApart(t *testing.T) {
	a := Mutation{ID: 1, Op: OpUpsert, Kind: KindSetting, Object: "theme", HLC: 1, Fields: map[string]json.RawMessage{"value": raw(`"dark"`)}}
	b := a
	b.Fields = map[string]json.RawMessage{"value": raw(`"light"`)}
	// Stable: the same fields in a map built in another order hash alike.
	names := []string{"a", "b", "c", "d", "e", "f", "g", "h"}
	c, d := a, a
	c.Fields, d.Fields = map[string]json.RawMessage{}, map[string]json.RawMessage{}
	for i, n := range names {
		c.Fields[n] = raw(`"` + n + `"`)
		m := names[len(names)-1-i]
		d.Fields[m] = raw(`"` + m + `"`)
	}
	if a.Hash() == b.Hash() || c.Hash() != d.Hash() {
		t.Fatal("Hash does not tell the two apart, or is not stable")
	}
}
