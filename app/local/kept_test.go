//go:build !(js && wasm)

package local

import (
	"context"
	"testing"

	"margin/app/article"
)

func TestKept(t *testing.T) {
	ctx := context.Background()
	m := &Memory{}
	s := New(m, t.Logf)
	for _, id := range []string{"first", "second"} {
		a, err := article.FromText("Some text of " + id + ".")
		if err != nil {
			t.Fatal(err)
		}
		a.ID, a.Meta.Title = id, "Title of "+id
		if err := s.PutArticle(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	m.PutRaw(Articles, "broken", []byte(`{"v":2,"id":"broken","view":{"kind":"article","id":"broken","fields":{"doc":{"value":{"meta":"nope"}}}}}`))
	m.PutRaw(Articles, "garbage", []byte(`not json`))
	got, err := s.Kept(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("kept %+v, want the two readable articles", got)
	}
	// The later write is listed first.
	if got[0].Summary.ID != "second" || got[1].Summary.ID != "first" {
		t.Errorf("order %s, %s; want second, first", got[0].Summary.ID, got[1].Summary.ID)
	}
	if got[0].Summary.Meta.Title != "Title of second" || got[0].Summary.Meta.Words != 4 || got[0].Added.IsZero() {
		t.Errorf("summary %+v", got[0])
	}
}
