package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"sync"
	"time"

	msync "margin/app/sync"
)

// device is one simulated browser: a user's session cookie and a client id
// of its own, whose mutations it numbers from 1. It pushes one batch at a
// time, each as soon as the last was answered.
type device struct {
	user, index int // its user, and its number among all devices
	clientID    string
	cookie      string // the Cookie header that signs it in; the reference ignores it

	gen     *batchGen
	batches []*batch // made so far, in order
	acked   int      // how many of batches the server has acknowledged
}

// reset starts the device's pushes again from mutation 1, with the same
// batches as before for the same base: each run's server starts empty.
func (d *device) reset(base msync.HLC) {
	d.gen = newBatchGen(d.user, d.index, d.clientID, base)
	d.batches, d.acked = nil, 0
}

// batch returns the device's i-th batch, making it if need be.
func (d *device) batch(i int) *batch {
	for len(d.batches) <= i {
		d.batches = append(d.batches, d.gen.load())
	}
	return d.batches[i]
}

// loadStats are one run's counts, from one device or summed over all.
type loadStats struct {
	pushes, mutations int             // acknowledged within the run's time
	late              int             // acknowledged after it (in flight when it ended)
	latency           []time.Duration // of the pushes within the time
	status5xx         int             // answers 500 and up
	status4xx         int             // other refusals; the device stops
	transport         int             // failed connections, timeouts
	rejected          int             // mutations answered other than applied/skipped
	malformed         int             // answers that do not match the batch
	errs              []string        // the first failures, for the report
}

const keptErrors = 5

func (s *loadStats) note(format string, args ...any) {
	if len(s.errs) < keptErrors {
		s.errs = append(s.errs, fmt.Sprintf(format, args...))
	}
}

func (s *loadStats) add(o *loadStats) {
	s.pushes += o.pushes
	s.mutations += o.mutations
	s.late += o.late
	s.latency = append(s.latency, o.latency...)
	s.status5xx += o.status5xx
	s.status4xx += o.status4xx
	s.transport += o.transport
	s.rejected += o.rejected
	s.malformed += o.malformed
	for _, e := range o.errs {
		s.note("%s", e)
	}
}

// loadRun is the outcome of driving one server.
type loadRun struct {
	loadStats
	window    time.Duration // the run's time, for the rates
	serverCPU time.Duration // CPU time the server used meanwhile
	benchCPU  time.Duration // and the load generator
}

func (r *loadRun) pushRate() float64 { return float64(r.pushes) / r.window.Seconds() }
func (r *loadRun) mutRate() float64  { return float64(r.mutations) / r.window.Seconds() }

// warmDevices has every device open its connection with one GET of path
// (with its cookie), all at once, so the load starts on open connections.
func warmDevices(ctx context.Context, c *syncClient, devs []*device, path string) error {
	errs := make([]error, len(devs))
	var wg sync.WaitGroup
	for i, d := range devs {
		wg.Go(func() { errs[i] = c.check(ctx, path, d.cookie) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			return fmt.Errorf("device %s: %w", devs[i].clientID, err)
		}
	}
	return nil
}

// runLoad has every device push for dur, then waits for the pushes in
// flight. Each device first encodes prefill batches, so the run mostly
// sends bytes made before the clock started. serverPID is the server
// whose CPU time is read before and after, as is the bench's own; a CPU
// time that cannot be read is an error rather than a figure of 0.
func runLoad(ctx context.Context, c *syncClient, devs []*device, dur time.Duration, prefill int, serverPID int) (loadRun, error) {
	for _, d := range devs {
		d.batch(prefill - 1)
	}
	stats := make([]loadStats, len(devs))
	var run loadRun
	srv0, err1 := cpuTime(serverPID)
	self0, err2 := cpuTime(os.Getpid())
	if err := errors.Join(err1, err2); err != nil {
		return run, fmt.Errorf("CPU time: %w", err)
	}
	start := time.Now()
	deadline := start.Add(dur)
	var wg sync.WaitGroup
	for i, d := range devs {
		wg.Go(func() { d.push(ctx, c, deadline, &stats[i]) })
	}
	wg.Wait()
	run.window = dur
	srv1, err1 := cpuTime(serverPID)
	self1, err2 := cpuTime(os.Getpid())
	if err := errors.Join(err1, err2); err != nil {
		return run, fmt.Errorf("CPU time: %w", err)
	}
	run.serverCPU, run.benchCPU = srv1-srv0, self1-self0
	for i := range stats {
		run.add(&stats[i])
	}
	return run, nil
}

// push sends the device's batches in order until deadline. A failed push
// is sent again, as a client would; a refusal (4xx) stops the device.
func (d *device) push(ctx context.Context, c *syncClient, deadline time.Time, st *loadStats) {
	for i := d.acked; ctx.Err() == nil; {
		t0 := time.Now()
		if !t0.Before(deadline) {
			return
		}
		b := d.batch(i)
		res, err := c.push(ctx, d.cookie, b.body)
		done := time.Now()
		var ae *apiError
		switch {
		case errors.As(err, &ae) && ae.status >= 500:
			st.status5xx++
			st.note("%s: %v", d.clientID, err)
			pause(ctx, 100*time.Millisecond)
			continue
		case errors.As(err, &ae):
			st.status4xx++
			st.note("%s: %v", d.clientID, err)
			return
		case err != nil:
			st.transport++
			st.note("%s: %v", d.clientID, err)
			pause(ctx, 100*time.Millisecond)
			continue
		}
		if res.LastMutationID != b.last || len(res.Results) != b.n {
			st.malformed++
			st.note("%s: push of mutations %d–%d answered last_mutation_id %d with %d results", d.clientID, b.first, b.last, res.LastMutationID, len(res.Results))
			return
		}
		for _, r := range res.Results {
			if r.Status != msync.StatusApplied && r.Status != msync.StatusSkipped {
				st.rejected++
				st.note("%s: mutation %d %s: %s %s", d.clientID, r.ID, r.Status, r.Reason, r.Message)
			}
		}
		b.body = nil // sent for good; the bookkeeping stays
		i++
		d.acked = i
		if done.After(deadline) {
			st.late++
			continue
		}
		st.pushes++
		st.mutations += b.n
		st.latency = append(st.latency, done.Sub(t0))
	}
}

func pause(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}

// expected returns, for each user, the annotations the acknowledged
// batches created, each with the note its last acknowledged edit set
// ("" if none).
func expected(devs []*device) map[int]map[string]string {
	out := map[int]map[string]string{}
	for _, d := range devs {
		m := out[d.user]
		if m == nil {
			m = map[string]string{}
			out[d.user] = m
		}
		for _, b := range d.batches[:d.acked] {
			// Within a batch, creates and edits interleave, but an edit
			// only touches an annotation made in an earlier batch.
			for _, id := range b.creates {
				m[id] = ""
			}
			for _, e := range b.edits {
				m[e.id] = e.note
			}
		}
	}
	return out
}

// verdictCounts is what a check of the stored annotations found.
type verdictCounts struct {
	acked      int // creates acknowledged
	stored     int // annotations the server holds
	missing    int // acknowledged, not stored
	duplicated int // an id more than once in one pull
	unexpected int // stored, never acknowledged
	staleNotes int // a note other than the last acknowledged edit's
	lastMutID  int // devices whose pulled last_mutation_id is not their last acknowledged
}

func (v verdictCounts) lost() int {
	return v.missing + v.duplicated + v.unexpected + v.staleNotes + v.lastMutID
}

// verifyMargin pulls every user's annotations (each with its first
// device's client id) and compares them with what was acknowledged.
func verifyMargin(ctx context.Context, c *syncClient, devs []*device) (verdictCounts, error) {
	want := expected(devs)
	var v verdictCounts
	for _, m := range want {
		v.acked += len(m)
	}
	first, _ := splitFirst(devs)
	var mu sync.Mutex
	err := eachLimited(ctx, first, 4, func(d *device) error {
		got, err := verifyUser(ctx, c, d, want[d.user])
		mu.Lock()
		defer mu.Unlock()
		v.stored += got.stored
		v.missing += got.missing
		v.duplicated += got.duplicated
		v.unexpected += got.unexpected
		v.staleNotes += got.staleNotes
		v.lastMutID += got.lastMutID
		return err
	})
	return v, err
}

// verifyUser pulls one user's objects and checks them against want.
func verifyUser(ctx context.Context, c *syncClient, d *device, want map[string]string) (verdictCounts, error) {
	var v verdictCounts
	seen := make(map[string]bool, len(want))
	var lastMut *int64
	_, err := c.pullAll(ctx, d.cookie, d.clientID, msync.MaxPullLimit, func(p *pullPage) error {
		for _, raw := range p.Changes {
			var rec msync.Record
			if err := json.Unmarshal(raw, &rec); err != nil {
				return fmt.Errorf("a pulled record: %w", err)
			}
			if rec.Kind != msync.KindAnnotation || rec.Deleted != 0 {
				v.unexpected++
				continue
			}
			if seen[rec.ID] {
				v.duplicated++
				continue
			}
			seen[rec.ID] = true
			v.stored++
			note, ok := want[rec.ID]
			if !ok {
				v.unexpected++
				continue
			}
			var got string
			if f, ok := rec.Fields["note"]; ok {
				json.Unmarshal(f.Value, &got)
			}
			if got != note {
				v.staleNotes++
			}
		}
		if p.LastMutationID != nil {
			lastMut = p.LastMutationID
		}
		return nil
	})
	if err != nil {
		return v, fmt.Errorf("pull %s's annotations: %w", d.clientID, err)
	}
	for id := range want {
		if !seen[id] {
			v.missing++
		}
	}
	var acked int64
	if d.acked > 0 {
		acked = d.batches[d.acked-1].last
	}
	if lastMut == nil || *lastMut != acked {
		v.lastMutID++
	}
	return v, nil
}

// verifyReference compares the reference's row count with the creates it
// acknowledged; its primary key rules out duplicates.
func verifyReference(ctx context.Context, c *syncClient, devs []*device) (verdictCounts, error) {
	want := expected(devs)
	var v verdictCounts
	for _, m := range want {
		v.acked += len(m)
	}
	res, raw, err := c.do(ctx, http.MethodGet, "/count", "", nil)
	if err != nil {
		return v, err
	}
	if res.StatusCode != http.StatusOK {
		return v, &apiError{http.MethodGet, "/count", res.StatusCode, string(raw)}
	}
	var n struct {
		Rows int `json:"rows"`
	}
	if err := json.Unmarshal(raw, &n); err != nil {
		return v, fmt.Errorf("GET /count: %w", err)
	}
	v.stored = n.Rows
	if v.stored < v.acked {
		v.missing = v.acked - v.stored
	} else {
		v.unexpected = v.stored - v.acked
	}
	return v, nil
}
