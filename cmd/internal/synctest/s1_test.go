package synctest

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"slices"
	"sort"
	"sync"
	"testing"
	"time"

	"pgregory.net/rapid"

	"margin/app/annotation"
	"margin/app/local"
	msync "margin/app/sync"
	"margin/cmd/internal/pgtest"
)

// s1Checks is how many cases S1 runs unless -rapid.checks (or
// RAPID_CHECKS) says otherwise.
const s1Checks = 1000

// s1ChecksPostgres is how many S1 runs against PostgreSQL (D6), where
// every case needs a database of its own.
const s1ChecksPostgres = 100

// model is what the server must hold: it applies each push the server
// answered, as the protocol says, and predicts every answer.
type model struct {
	recs      map[msync.Key]*msync.Record
	last      map[string]int64 // each client's last processed mutation
	revisions map[msync.Key]int
}

func newModel() *model {
	return &model{recs: map[msync.Key]*msync.Record{}, last: map[string]int64{}, revisions: map[msync.Key]int{}}
}

// push checks the server's answer to req against the model's prediction
// and applies req to the model.
func (m *model) push(req *msync.PushRequest, status int, body []byte) error {
	if status != 200 {
		return fmt.Errorf("push answered %d: %s", status, body)
	}
	var resp msync.PushResponse
	if err := json.Unmarshal(body, &resp); err != nil {
		return fmt.Errorf("push answer: %v", err)
	}
	now := time.UnixMilli(resp.ServerTimeMs)
	c := req.ClientID
	var want []msync.Result
	for _, mu := range req.Mutations {
		if mu.ID <= m.last[c] {
			want = append(want, msync.Result{ID: mu.ID, Status: msync.StatusSkipped})
			continue
		}
		if mu.ID != m.last[c]+1 {
			break
		}
		if err := msync.CheckMutation(&mu); err != nil {
			return fmt.Errorf("the client sent an invalid mutation: %v", err)
		}
		mu.HLC, _ = msync.Clamp(mu.HLC, now)
		r, out := msync.Apply(m.recs[mu.Key()], mu, c)
		if out.Changed {
			m.recs[mu.Key()] = &r
		}
		m.revisions[mu.Key()] += len(out.Revisions)
		m.last[c] = mu.ID
		want = append(want, msync.Result{ID: mu.ID, Status: out.Status, Reason: out.Reason})
	}
	for i := range resp.Results {
		resp.Results[i].Message = ""
	}
	if fmt.Sprint(resp.Results) != fmt.Sprint(want) || resp.LastMutationID != m.last[c] {
		return fmt.Errorf("push of %d..%d by %s: server answered %d %v, the model says %d %v",
			req.Mutations[0].ID, req.Mutations[len(req.Mutations)-1].ID, c, resp.LastMutationID, resp.Results, m.last[c], want)
	}
	return nil
}

// pull checks a pull's answer: the last mutation id, on the last page,
// is the model's.
func (m *model) pull(status int, body []byte, clientID string) error {
	if status != 200 {
		return fmt.Errorf("pull answered %d: %s", status, body)
	}
	var resp msync.PullResponse
	if err := json.Unmarshal(body, &resp); err != nil {
		return fmt.Errorf("pull answer: %v", err)
	}
	if resp.HasMore != (resp.LastMutationID == nil) {
		return fmt.Errorf("pull: has_more %v with last_mutation_id %v", resp.HasMore, resp.LastMutationID)
	}
	if resp.LastMutationID != nil && *resp.LastMutationID != m.last[clientID] {
		return fmt.Errorf("pull: last_mutation_id %d, the model says %d", *resp.LastMutationID, m.last[clientID])
	}
	return nil
}

// sameObject reports whether two records hold the same content: deleted
// at the same clock, or the same fields with the same clocks and clients.
func sameObject(a, b msync.Record) bool {
	if a.Deleted != b.Deleted || len(a.Fields) != len(b.Fields) {
		return false
	}
	for name, f := range a.Fields {
		g, ok := b.Fields[name]
		var x, y bytes.Buffer
		if !ok || f.HLC != g.HLC || f.By != g.By || json.Compact(&x, f.Value) != nil || json.Compact(&y, g.Value) != nil || x.String() != y.String() {
			return false
		}
	}
	return true
}

// show writes r for a failure message.
func show(r msync.Record) string {
	b, _ := json.Marshal(r)
	return string(b)
}

func TestS1ModelBased(t *testing.T) {
	defaultChecks(t, s1Checks)
	dir := memoryDir(t)
	rapid.Check(t, func(rt *rapid.T) {
		caseDir, err := os.MkdirTemp(dir, "case")
		if err != nil {
			rt.Fatalf("%v", err)
		}
		defer os.RemoveAll(caseDir)
		runS1(rt, caseDir, "")
	})
}

// TestS1ModelBasedPostgres is S1 against PostgreSQL (D6's backend matrix):
// the same model, faults and checks, a new database per case.
func TestS1ModelBasedPostgres(t *testing.T) {
	defaultChecks(t, s1ChecksPostgres)
	pgtest.DSN(t) // skips, or fails under CI=true, without PostgreSQL
	dir := t.TempDir()
	rapid.Check(t, func(rt *rapid.T) {
		runS1(rt, dir, pgtest.DSN(t))
	})
}

// memoryDir returns a temporary folder in memory (tmpfs) when the system
// has one, else on disk: S1 is about what the server decides, not about
// what the disk keeps, and a thousand cases of fsyncs would take
// minutes. The files are SQLite's all the same.
func memoryDir(t *testing.T) string {
	if st, err := os.Stat("/dev/shm"); err == nil && st.IsDir() {
		if dir, err := os.MkdirTemp("/dev/shm", "margin-synctest-"); err == nil {
			t.Cleanup(func() { os.RemoveAll(dir) })
			return dir
		}
	}
	return t.TempDir()
}

// defaultChecks has rapid run n cases in the test, unless the command
// line or the environment says how many; the flag is put back when the
// test ends, so no other test inherits n.
func defaultChecks(t *testing.T, n int) {
	if checksGiven() {
		return
	}
	old := flag.Lookup("rapid.checks").Value.String()
	flag.Set("rapid.checks", fmt.Sprint(n))
	t.Cleanup(func() { flag.Set("rapid.checks", old) })
}

// checksGiven reports whether the command line or the environment set
// how many cases rapid runs. It is read once, before the tests here set
// the flag themselves (flag.Visit counts those too).
var checksGiven = sync.OnceValue(func() bool {
	return flagSet("rapid.checks") || os.Getenv("RAPID_CHECKS") != ""
})

// flagSet reports whether the named flag was given on the command line.
func flagSet(name string) bool {
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

func runS1(rt *rapid.T, dir, dsn string) {
	ctx := context.Background()
	h := newHarnessOn(rt, dir, dsn)
	mod := newModel()
	faults := true
	var stashed []msync.PushRequest
	fail := func(format string, args ...any) { rt.Fatalf(format, args...) }

	devices := make([]*device, 3)
	cursors := make([]int64, len(devices))
	tombstones := make([]map[string]bool, len(devices)) // what each device has seen deleted
	for i := range devices {
		d := newDevice(rt, h, fmt.Sprintf("device%d", i), nil)
		d.tr.fault = func(kind string) fault {
			if !faults {
				return deliver
			}
			switch n := rapid.IntRange(0, 99).Draw(rt, "fault"); {
			case n < 10:
				return dropRequest
			case n < 20:
				return dropResponse
			case n < 25:
				return duplicate
			case n < 30 && kind == "push":
				return deliverLater
			}
			return deliver
		}
		d.tr.observe = func(kind string, req *msync.PushRequest, status int, body []byte) {
			var err error
			if kind == "push" {
				err = mod.push(req, status, body)
			} else {
				client, _, _ := d.s.Cursor(ctx)
				err = mod.pull(status, body, client)
			}
			if err != nil {
				fail("%s: %v", d.name, err)
			}
		}
		d.tr.stash = func(req msync.PushRequest) {
			if len(stashed) < 8 {
				stashed = append(stashed, req)
			}
		}
		devices[i] = d
		tombstones[i] = map[string]bool{}
	}
	replay := func(i int) {
		req := stashed[i]
		stashed = slices.Delete(stashed, i, i+1)
		body, _ := json.Marshal(req)
		r, err := h.send(ctx, "POST", "/api/sync/push", body)
		if err != nil {
			fail("replay: %v", err)
		}
		if err := mod.push(&req, r.Status, r.Body); err != nil {
			fail("replay: %v", err)
		}
	}
	// check verifies what must hold after every step.
	check := func() {
		for i, d := range devices {
			_, c, err := d.s.Cursor(ctx)
			if err != nil {
				fail("%s: %v", d.name, err)
			}
			if c < cursors[i] {
				fail("%s: the cursor went back from %d to %d", d.name, cursors[i], c)
			}
			cursors[i] = c
			recs, err := d.s.Records(ctx, msync.KindAnnotation)
			if err != nil {
				fail("%s: %v", d.name, err)
			}
			for _, r := range recs {
				if r.Deleted != 0 {
					tombstones[i][r.ID] = true
				} else if tombstones[i][r.ID] {
					fail("%s: annotation %s came back after it was deleted", d.name, r.ID)
				}
			}
		}
	}
	pick := func(d *device, label string) (annotation.Annotation, bool) {
		live := d.annotations(rt)
		if len(live) == 0 {
			return annotation.Annotation{}, false
		}
		ids := make([]string, 0, len(live))
		for id := range live {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		return live[rapid.SampledFrom(ids).Draw(rt, label)], true
	}

	steps := rapid.IntRange(1, 200).Draw(rt, "steps")
	next := 0
	for range steps {
		d := devices[rapid.IntRange(0, len(devices)-1).Draw(rt, "device")]
		switch action := rapid.SampledFrom([]string{
			"create", "edit", "edit", "delete", "setting", "position", "push", "pull", "sync", "sync", "offline", "skew", "restart", "replay",
		}).Draw(rt, "action"); action {
		case "create":
			next++
			a := newAnnotation(rapid.SampledFrom([]string{"art1", "art2"}).Draw(rt, "article"), next)
			if err := d.s.PutAnnotation(ctx, a); err != nil {
				fail("%s: create: %v", d.name, err)
			}
		case "edit":
			a, ok := pick(d, "edit")
			if !ok {
				continue
			}
			switch rapid.IntRange(0, 2).Draw(rt, "field") {
			case 0:
				a.Note = rapid.SampledFrom([]string{"", "one", "two", "three"}).Draw(rt, "note")
			case 1:
				a.Color = rapid.SampledFrom(annotation.Colors).Draw(rt, "color")
			case 2:
				a.Tags = rapid.SliceOfDistinct(rapid.SampledFrom([]string{"a", "b", "c"}), rapid.ID[string]).Draw(rt, "tags")
				slices.Sort(a.Tags)
			}
			if err := d.s.PutAnnotation(ctx, a); err != nil {
				fail("%s: edit: %v", d.name, err)
			}
		case "delete":
			if a, ok := pick(d, "delete"); ok {
				if err := d.s.DeleteAnnotation(ctx, a.ID); err != nil {
					fail("%s: delete: %v", d.name, err)
				}
			}
		case "setting":
			name := rapid.SampledFrom([]string{"theme", "font"}).Draw(rt, "setting")
			if err := d.s.PutSetting(ctx, name, rapid.SampledFrom([]string{"a", "b", "c"}).Draw(rt, "value")); err != nil {
				fail("%s: setting: %v", d.name, err)
			}
		case "position":
			p := local.Position{Block: rapid.IntRange(0, 5).Draw(rt, "block"), Fraction: rapid.SampledFrom([]float64{0, 0.25, 0.5}).Draw(rt, "fraction")}
			if err := d.s.PutPosition(ctx, rapid.SampledFrom([]string{"art1", "art2"}).Draw(rt, "article"), p); err != nil {
				fail("%s: position: %v", d.name, err)
			}
		case "push":
			d.e.Push(ctx) // errors are the faults'
		case "pull":
			d.e.Pull(ctx)
		case "sync":
			d.e.Sync(ctx)
		case "offline":
			d.tr.offline.Store(!d.tr.offline.Load())
		case "skew":
			d.skew.Store(int64(rapid.SampledFrom([]time.Duration{-24 * time.Hour, 0, 24 * time.Hour}).Draw(rt, "skew")))
		case "restart":
			h.restart()
		case "replay":
			if len(stashed) > 0 {
				replay(rapid.IntRange(0, len(stashed)-1).Draw(rt, "stashed"))
			}
		}
		check()
	}

	// Heal and quiesce: every device online, no more faults, the
	// stashed pushes delivered, and syncs until nothing is pending.
	faults = false
	for len(stashed) > 0 {
		replay(0)
	}
	for _, d := range devices {
		d.tr.offline.Store(false)
	}
	for round := 0; ; round++ {
		if round == 5 {
			fail("still pending after 5 rounds of syncs")
		}
		for _, d := range devices {
			d.sync(rt)
		}
		done := true
		for _, d := range devices {
			done = done && d.pending(rt) == 0
		}
		if done {
			break
		}
	}
	for _, d := range devices {
		d.sync(rt)
	}
	check()

	// The server holds what the model does, each device what the server
	// does, and each device shows the server's live annotations.
	server := h.records()
	for k, want := range mod.recs {
		got, ok := server[k]
		if !ok || !sameObject(got, *want) {
			fail("%v: the server holds %s, the model %s", k, show(got), show(*want))
		}
		revs, err := h.store().Revisions(ctx, h.userID, k.Kind, k.ID)
		if err != nil {
			fail("%v", err)
		}
		if len(revs) != mod.revisions[k] {
			fail("%v: the server kept %d revisions, the model %d", k, len(revs), mod.revisions[k])
		}
	}
	if len(server) != len(mod.recs) {
		fail("the server holds %d objects, the model %d", len(server), len(mod.recs))
	}
	for _, d := range devices {
		var recs []msync.Record
		for _, kind := range []msync.Kind{msync.KindAnnotation, msync.KindPosition, msync.KindSetting} {
			rs, err := d.s.Records(ctx, kind)
			if err != nil {
				fail("%v", err)
			}
			recs = append(recs, rs...)
		}
		if len(recs) != len(server) {
			fail("%s holds %d objects, the server %d", d.name, len(recs), len(server))
		}
		for _, r := range recs {
			if s, ok := server[r.Key()]; !ok || !sameObject(r, s) {
				fail("%s: %v is %s, on the server %s", d.name, r.Key(), show(r), show(s))
			}
		}
		shown := d.annotations(rt)
		live := 0
		for k, r := range server {
			if r.Deleted != 0 || k.Kind != msync.KindAnnotation {
				continue
			}
			live++
			want, err := msync.ToAnnotation(&r)
			if err != nil {
				fail("%v: %v", k, err)
			}
			got, ok := shown[k.ID]
			if !ok || got.Note != want.Note || got.Color != want.Color || fmt.Sprint(got.Tags) != fmt.Sprint(want.Tags) || got.Target != want.Target {
				fail("%s shows %+v, the server %+v", d.name, got, want)
			}
		}
		if len(shown) != live {
			fail("%s shows %d annotations, the server has %d", d.name, len(shown), live)
		}
		if n, _ := d.s.Pending(ctx); n != 0 {
			fail("%s: %d pending", d.name, n)
		}
	}
}
