package synctest

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"margin/app/anchor"
	"margin/app/annotation"
	"margin/app/local"
	msync "margin/app/sync"
)

// device is one browser profile: a replica in memory, its engine, and
// its way to the server.
type device struct {
	name string
	s    *local.Store
	e    *msync.Engine
	tr   *transport
	skew atomic.Int64 // how far the device's clock is from the truth, in ns

	// mu guards rejected.
	mu       sync.Mutex
	rejected []msync.Key
}

// newDevice returns a device talking to h; now, when not nil, is the
// device's clock.
func newDevice(t tb, h *harness, name string, now func() time.Time) *device {
	d := &device{name: name, tr: &transport{h: h}}
	if now == nil {
		now = func() time.Time { return time.Now().Add(time.Duration(d.skew.Load())) }
	}
	d.s = local.New(&local.Memory{}, func(f string, args ...any) { t.Logf(name+": "+f, args...) }, local.WithClock(now))
	d.e = msync.NewEngine(d.s, d.tr, msync.Options{
		Logf:       func(f string, args ...any) { t.Logf(name+": "+f, args...) },
		OnRejected: func(keys []msync.Key) { d.mu.Lock(); d.rejected = append(d.rejected, keys...); d.mu.Unlock() },
	})
	return d
}

// annotations returns what the device shows, by id.
func (d *device) annotations(t tb) map[string]annotation.Annotation {
	t.Helper()
	all, err := d.s.AllAnnotations(context.Background())
	if err != nil {
		t.Fatalf("%s: %v", d.name, err)
	}
	out := map[string]annotation.Annotation{}
	for _, a := range all {
		out[a.ID] = a
	}
	return out
}

// sync runs one sync pass, which must succeed.
func (d *device) sync(t tb) {
	t.Helper()
	if err := d.e.Sync(context.Background()); err != nil {
		t.Fatalf("%s: sync: %v", d.name, err)
	}
}

// pending returns how many of the device's edits the server has not
// confirmed.
func (d *device) pending(t tb) int {
	t.Helper()
	n, err := d.s.Pending(context.Background())
	if err != nil {
		t.Fatalf("%s: %v", d.name, err)
	}
	return n
}

// newAnnotation returns a valid annotation on article, the i-th passage.
func newAnnotation(articleID string, i int) annotation.Annotation {
	now := time.Now().UTC()
	exact := fmt.Sprintf("passage %d", i)
	return annotation.Annotation{
		ID: annotation.NewID(), Article: articleID, Color: annotation.Yellow,
		Target:  anchor.Selector{Exact: exact, Start: i * 100, End: i*100 + len(exact)},
		Created: now, Modified: now,
	}
}
