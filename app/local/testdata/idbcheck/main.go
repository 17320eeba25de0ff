//go:build js && wasm

// Command idbcheck runs app/local over the browser's real IndexedDB and
// publishes what it found as window.idbResult: "ok", or the failures,
// one a line. TestIndexedDBInBrowser builds and runs it.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	gosync "sync"
	"time"

	"margin/app/anchor"
	"margin/app/annotation"
	"margin/app/article"
	"margin/app/browser"
	"margin/app/local"
	msync "margin/app/sync"
)

func main() {
	c := &checker{}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for _, check := range []struct {
		name string
		f    func(context.Context, *checker)
	}{
		{"upgrade from version 1", upgrade},
		{"transactions", transactions},
		{"concurrent edits", concurrent},
		{"pull and erase", pullAndErase},
	} {
		c.name = check.name
		check.f(ctx, c)
	}
	result := "ok"
	if len(c.failures) > 0 {
		result = strings.Join(c.failures, "\n")
	}
	browser.Publish("idbResult", result)
}

type checker struct {
	name     string
	failures []string
}

func (c *checker) failf(format string, args ...any) {
	c.failures = append(c.failures, c.name+": "+fmt.Sprintf(format, args...))
}

func sample(articleID string, i int) annotation.Annotation {
	at := time.Date(2026, 11, 27, 10, 0, i, 0, time.UTC)
	exact := fmt.Sprintf("passage %d", i)
	return annotation.Annotation{ID: annotation.NewID(), Article: articleID, Color: annotation.Yellow,
		Target: anchor.Selector{Exact: exact, Start: i * 100, End: i*100 + len(exact)}, Created: at, Modified: at}
}

func logf(format string, args ...any) { browser.Warn(fmt.Sprintf(format, args...)) }

// upgrade writes a database as the version before sync did, then opens
// it with this one.
func upgrade(ctx context.Context, c *checker) {
	const name = "check-upgrade"
	old, err := browser.OpenDB(ctx, name, 1, []browser.StoreSpec{
		{Name: local.Annotations, KeyPath: "id", Indexes: []string{"article"}},
		{Name: local.Articles, KeyPath: "id"},
	})
	if err != nil {
		c.failf("open version 1: %v", err)
		return
	}
	a := sample("art1", 1)
	a.Note = "kept"
	rec, _ := json.Marshal(struct {
		V int `json:"v"`
		annotation.Annotation
	}{1, a})
	art := &article.Article{ID: "art1", Meta: article.Meta{Title: "Old title", Hash: "h1"},
		Blocks: []article.Block{{Kind: article.Paragraph, Runs: []article.Run{{Text: "Old text."}}}}}
	arec, _ := json.Marshal(map[string]any{"v": 1, "id": art.ID, "article": art})
	err = old.Update(ctx, []string{local.Annotations, local.Articles}, func([]string) ([]browser.TxOp, error) {
		return []browser.TxOp{
			{Kind: browser.TxPut, Store: local.Annotations, Record: string(rec)},
			{Kind: browser.TxPut, Store: local.Articles, Record: string(arec)},
		}, nil
	})
	if err != nil {
		c.failf("put version 1 records: %v", err)
	}
	old.Close()

	db, err := local.OpenIndexedDB(ctx, name)
	if err != nil {
		c.failf("open version 2: %v", err)
		return
	}
	s := local.New(db, logf)
	got, err := s.Annotations(ctx, "art1")
	if err != nil || len(got) != 1 || got[0].Note != "kept" {
		c.failf("annotations after the upgrade: %+v %v", got, err)
	}
	if t, _ := s.Titles(ctx); t["art1"] != "Old title" {
		c.failf("titles after the upgrade: %v", t)
	}
	if n, err := s.Pending(ctx); n != 2 || err != nil {
		c.failf("%d changes logged by the upgrade (%v), want 2", n, err)
	}
	if err := s.Erase(ctx); err != nil {
		c.failf("erase: %v", err)
	}
}

// transactions checks Update's rounds, its view of its own writes and
// its all-or-nothing abort.
func transactions(ctx context.Context, c *checker) {
	db, err := local.OpenIndexedDB(ctx, "check-tx")
	if err != nil {
		c.failf("open: %v", err)
		return
	}
	defer db.Destroy(ctx)
	put := func(id, v string) local.Op {
		return local.Op{Kind: local.OpPut, Store: "settings", Key: id, Record: []byte(fmt.Sprintf(`{"id":%q,"v":%q}`, id, v))}
	}
	rounds := 0
	err = db.Update(ctx, []string{"settings", "meta"}, func(got []json.RawMessage) ([]local.Op, error) {
		rounds++
		switch rounds {
		case 1:
			return []local.Op{put("a", "x"), {Kind: local.OpGet, Store: "settings", Key: "a"}, {Kind: local.OpGet, Store: "settings", Key: "none"}}, nil
		case 2:
			if !strings.Contains(string(got[0]), `"x"`) || got[1] != nil {
				return nil, fmt.Errorf("round 2 got %q", got)
			}
			return []local.Op{put("b", "y"), {Kind: local.OpGetAll, Store: "settings"}}, nil
		case 3:
			var all []json.RawMessage
			if json.Unmarshal(got[0], &all) != nil || len(all) != 2 {
				return nil, fmt.Errorf("round 3 got %s", got[0])
			}
			return []local.Op{{Kind: local.OpDelete, Store: "settings", Key: "b"}}, nil
		}
		return nil, errors.New("called after the last round")
	})
	if err != nil || rounds != 3 {
		c.failf("%d rounds: %v", rounds, err)
	}
	if all, _ := db.All(ctx, "settings", "", ""); len(all) != 1 {
		c.failf("after the transaction: %s", all)
	}
	no := errors.New("no")
	err = db.Update(ctx, []string{"settings"}, func(got []json.RawMessage) ([]local.Op, error) {
		if got == nil {
			return []local.Op{put("c", "z"), {Kind: local.OpClear, Store: "settings"}, {Kind: local.OpGetAll, Store: "settings"}}, nil
		}
		if string(got[0]) != "[]" {
			return nil, fmt.Errorf("after clear: %s", got[0])
		}
		return nil, no
	})
	if !errors.Is(err, no) {
		c.failf("aborted transaction: %v", err)
	}
	if all, _ := db.All(ctx, "settings", "", ""); len(all) != 1 {
		c.failf("an aborted transaction left %s", all)
	}
	if err := db.Update(ctx, []string{"settings"}, func([]json.RawMessage) ([]local.Op, error) {
		return []local.Op{{Kind: local.OpPut, Store: "settings", Key: "x", Record: []byte(`not json`)}}, nil
	}); err == nil {
		c.failf("a record that is not JSON was written")
	}
}

// concurrent edits from two connections (two tabs) take distinct,
// consecutive mutation ids.
func concurrent(ctx context.Context, c *checker) {
	const name = "check-concurrent"
	var stores []*local.Store
	for range 2 {
		db, err := local.OpenIndexedDB(ctx, name)
		if err != nil {
			c.failf("open: %v", err)
			return
		}
		stores = append(stores, local.New(db, logf))
	}
	var wg gosync.WaitGroup
	errs := make(chan error, 8)
	for g := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 5 {
				if err := stores[g%2].PutAnnotation(ctx, sample(fmt.Sprint("art", g), i)); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		c.failf("edit: %v", err)
	}
	_, batch, err := stores[1].Outbox(ctx, 1000, msync.MaxPushBytes)
	if err != nil || len(batch) != 30 {
		c.failf("%d changes logged: %v", len(batch), err)
	}
	for i, m := range batch {
		if m.ID != int64(i+1) {
			c.failf("change %d has id %d", i, m.ID)
			break
		}
	}
	if all, _ := stores[0].AllAnnotations(ctx); len(all) != 30 {
		c.failf("%d annotations", len(all))
	}
	if err := stores[0].Erase(ctx); err != nil {
		c.failf("erase: %v", err)
	}
}

// pullAndErase applies a server's answers, then deletes the database.
func pullAndErase(ctx context.Context, c *checker) {
	const name = "check-pull"
	db, err := local.OpenIndexedDB(ctx, name)
	if err != nil {
		c.failf("open: %v", err)
		return
	}
	s := local.New(db, logf)
	x := sample("art1", 1)
	if err := s.PutAnnotation(ctx, x); err != nil {
		c.failf("put: %v", err)
	}
	client, batch, err := s.Outbox(ctx, 10, msync.MaxPushBytes)
	if err != nil || len(batch) != 1 {
		c.failf("outbox %v %v", batch, err)
		return
	}
	resp := msync.PushResponse{LastMutationID: 1, Results: []msync.Result{{ID: 1, Status: msync.StatusApplied}}}
	if _, err := s.Pushed(ctx, client, batch, resp); err != nil {
		c.failf("pushed: %v", err)
	}
	// The server's copy, with another device's colour.
	rec, _ := msync.Apply(nil, batch[0], client)
	rec, _ = msync.Apply(&rec, msync.Mutation{Op: msync.OpUpsert, Kind: msync.KindAnnotation, Object: x.ID,
		HLC: batch[0].HLC + 1, Fields: map[string]json.RawMessage{"color": json.RawMessage(`"blue"`)}}, "c_another_device")
	rec.Version = 1
	lmid := int64(1)
	changed, err := s.Pulled(ctx, client, msync.PullResponse{Changes: []msync.Record{rec}, Cursor: 1, LastMutationID: &lmid})
	if err != nil || len(changed) != 1 {
		c.failf("pulled: %v %v", changed, err)
	}
	if got, _ := s.Annotations(ctx, "art1"); len(got) != 1 || got[0].Color != annotation.Blue {
		c.failf("after the pull: %+v", got)
	}
	if n, _ := s.Pending(ctx); n != 0 {
		c.failf("%d pending after the pull", n)
	}
	if err := s.Erase(ctx); err != nil {
		c.failf("erase: %v", err)
	}
	again, err := local.OpenIndexedDB(ctx, name)
	if err != nil {
		c.failf("open after erase: %v", err)
		return
	}
	if all, _ := local.New(again, logf).AllAnnotations(ctx); len(all) != 0 {
		c.failf("after erase: %+v", all)
	}
	again.Destroy(ctx)
}
