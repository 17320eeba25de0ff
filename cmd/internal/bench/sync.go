package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	msync "margin/app/sync"
)

// The sync part's sizes and budgets.
const (
	syncUsers          = 100
	syncDevicesPerUser = 10
	syncLoadFor        = 10 * time.Second
	syncPrefill        = 8 // batches each device encodes before the clock starts
	syncPassword       = "bench-password-correct-horse"
	pushRatioTarget    = 0.7

	pullSize   = 10_000
	pullRuns   = 7
	pullBudget = 150.0 // ms

	memAnnotations = 100_000
	memStreams     = syncUsers * syncDevicesPerUser
	memSettle      = 5 * time.Second // after the streams open, before reading
	memSamples     = 5               // one a second after that
	memBudget      = 80e6            // bytes
	seedBatch      = 1000            // creates per push when seeding (msync.MaxMutations)

	signInWorkers = 4 // argon2 is the server's work; more would only queue
)

// syncBench measures Margin's sync server: push throughput beside the
// reference in ./pushref, a full pull, and the server's memory with many
// objects and event streams. All three use one Margin process on a fresh
// data folder.
func (b *bench) syncBench(ctx context.Context) error {
	refBin := filepath.Join(b.work, "pushref", "pushref")
	if err := b.goRun(ctx, nil, append(append([]string{"build"}, releaseFlags...), "-o", refBin, "./cmd/internal/bench/pushref")...); err != nil {
		return fmt.Errorf("build the reference: %w", err)
	}
	devs := makeDevices()
	base := msync.At(time.Now())

	// 1. Push throughput: the reference first, then Margin, the same
	// batches to each. The reference needs no accounts, so it runs before
	// the sign-ins and Margin's run follows them at once: the store notes
	// a session seen (one write) when its last note is a minute old, and
	// sessions that young mostly do not reach that within the run.
	ref, refCheck, err := b.syncReference(ctx, refBin, devs, base)
	if err != nil {
		return fmt.Errorf("reference: %w", err)
	}

	data, err := b.freshDir("sync-margin")
	if err != nil {
		return err
	}
	defer os.RemoveAll(data)
	m, err := b.startMargin(ctx, "sync-margin", data, "--signup=open")
	if err != nil {
		return err
	}
	defer m.stop()
	mc := newSyncClient(m.url, memStreams+100)
	defer mc.close()
	mem := &memTrace{pid: m.cmd.Process.Pid}
	mem.note("started")

	took, err := b.signIn(ctx, mc, devs)
	if err != nil {
		return err
	}
	mem.note("signed in")
	b.rep.printf("  Margin: %s, SQLite in a fresh data folder; %d users × %d devices signed in through the API\n",
		rel(b.root, b.marginBin), syncUsers, syncDevicesPerUser)
	b.rep.printf("  (sign-up, then one sign-in per further device, each its own session and client id; took %s).\n", took.Round(100*time.Millisecond))

	b.step("sync: Margin, %d devices pushing for %s", len(devs), syncLoadFor)
	for _, d := range devs {
		d.reset(base)
	}
	if err := warmDevices(ctx, mc, devs, "/api/session"); err != nil {
		return fmt.Errorf("margin warm-up: %w", err)
	}
	mar, err := runLoad(ctx, mc, devs, syncLoadFor, syncPrefill, m.cmd.Process.Pid)
	if err != nil {
		return fmt.Errorf("margin: %w", err)
	}
	b.step("sync: checking Margin's stored annotations against the acknowledged pushes")
	marCheck, err := verifyMargin(ctx, mc, devs)
	if err != nil {
		return fmt.Errorf("margin check: %w", err)
	}
	b.reportPush(mar, ref, marCheck, refCheck)
	mem.note("pushed")

	// 2. A full pull of 10,000 annotations.
	if err := b.syncPull(ctx, mc); err != nil {
		return fmt.Errorf("pull: %w", err)
	}
	mem.note("pulled")

	// 3. Memory with 100,000 annotations and 1,000 event streams.
	stored := marCheck.stored + pullSize
	if err := b.syncMemory(ctx, m, data, mc, devs, stored, base, mem); err != nil {
		return fmt.Errorf("memory: %w", err)
	}
	return nil
}

// memTrace keeps the server's resident set at points of the run, to show
// where its memory went.
type memTrace struct {
	pid    int
	points []string
}

// note reads the resident set now and keeps it under stage.
func (t *memTrace) note(stage string) {
	if kb, err := procStatus(t.pid, "VmRSS"); err == nil {
		t.points = append(t.points, fmt.Sprintf("%s %.1f", stage, float64(kb)*1024/1e6))
	}
}

// makeDevices returns the simulated devices, not yet signed in.
func makeDevices() []*device {
	var devs []*device
	for u := range syncUsers {
		for d := range syncDevicesPerUser {
			devs = append(devs, &device{user: u, index: u*syncDevicesPerUser + d, clientID: fmt.Sprintf("bench-u%03d-d%02d", u, d)})
		}
	}
	return devs
}

// splitFirst returns each user's first device in devs, in order, and
// the others.
func splitFirst(devs []*device) (first, rest []*device) {
	seen := map[int]bool{}
	for _, d := range devs {
		if seen[d.user] {
			rest = append(rest, d)
		} else {
			seen[d.user] = true
			first = append(first, d)
		}
	}
	return first, rest
}

// signIn signs up a user for each user of devs and signs each of their
// devices in: the first device keeps the sign-up's session, the others
// sign in with the password.
func (b *bench) signIn(ctx context.Context, c *syncClient, devs []*device) (time.Duration, error) {
	start := time.Now()
	name := func(d *device) string { return fmt.Sprintf("bench-u%03d", d.user) }
	first, rest := splitFirst(devs)
	b.step("sync: signing up %d users", len(first))
	if err := eachLimited(ctx, first, signInWorkers, func(d *device) (err error) {
		d.cookie, err = c.account(ctx, "/api/users", name(d), syncPassword)
		return err
	}); err != nil {
		return 0, fmt.Errorf("sign up: %w", err)
	}
	b.step("sync: signing in %d more devices", len(rest))
	if err := eachLimited(ctx, rest, signInWorkers, func(d *device) (err error) {
		d.cookie, err = c.account(ctx, "/api/session", name(d), syncPassword)
		return err
	}); err != nil {
		return 0, fmt.Errorf("sign in: %w", err)
	}
	return time.Since(start), nil
}

// eachLimited runs fn on every item, at most n at once, and returns the
// first error (after the others have finished).
func eachLimited[T any](ctx context.Context, items []T, n int, fn func(T) error) error {
	work := make(chan T)
	var mu sync.Mutex
	var first error
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			for it := range work {
				if err := fn(it); err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
				}
			}
		})
	}
	for _, it := range items {
		mu.Lock()
		stop := first != nil
		mu.Unlock()
		if stop || ctx.Err() != nil {
			break
		}
		work <- it
	}
	close(work)
	wg.Wait()
	if first == nil {
		first = ctx.Err()
	}
	return first
}

// syncReference drives the reference server with the devices' batches.
func (b *bench) syncReference(ctx context.Context, bin string, devs []*device, base msync.HLC) (loadRun, verdictCounts, error) {
	dir, err := b.freshDir("sync-pushref")
	if err != nil {
		return loadRun{}, verdictCounts{}, err
	}
	defer os.RemoveAll(dir)
	s, err := b.startServer(ctx, "sync-pushref", bin, []string{"--addr", "ADDR", "--db", filepath.Join(dir, "pushref.db")}, "/healthz")
	if err != nil {
		return loadRun{}, verdictCounts{}, err
	}
	defer s.stop()
	c := newSyncClient(s.url, memStreams+100)
	defer c.close()
	b.step("sync: reference, %d devices pushing for %s", len(devs), syncLoadFor)
	for _, d := range devs {
		d.reset(base)
	}
	if err := warmDevices(ctx, c, devs, "/healthz"); err != nil {
		return loadRun{}, verdictCounts{}, fmt.Errorf("warm-up: %w", err)
	}
	run, err := runLoad(ctx, c, devs, syncLoadFor, syncPrefill, s.cmd.Process.Pid)
	if err != nil {
		return loadRun{}, verdictCounts{}, err
	}
	check, err := verifyReference(ctx, c, devs)
	return run, check, err
}

// reportPush prints the push figures and their targets.
func (b *bench) reportPush(mar, ref loadRun, marCheck, refCheck verdictCounts) {
	// The latency percentiles, ms, once per run.
	type pcts struct{ p50, p99 float64 }
	latencies := func(r loadRun) pcts {
		lat := millis(r.latency)
		return pcts{percentile(lat, 50), percentile(lat, 99)}
	}
	marLat, refLat := latencies(mar), latencies(ref)
	row := func(name string, r loadRun, lat pcts) []string {
		return []string{name,
			fmt.Sprintf("%.0f", r.pushRate()), fmt.Sprintf("%.0f", r.mutRate()),
			ms(lat.p50), ms(lat.p99),
			fmt.Sprint(r.status5xx), fmt.Sprint(r.status4xx + r.transport + r.malformed), fmt.Sprint(r.rejected),
			fmt.Sprintf("%.2f ms", perPush(r.serverCPU, r.pushes+r.late)),
			fmt.Sprintf("%.0f%%", 100*r.benchCPU.Seconds()/r.window.Seconds()),
		}
	}
	b.rep.printf("\n  Push throughput: %d devices, each pushing its next batch (1–5 annotation creates or edits,\n", memStreams)
	b.rep.printf("  %.0f%% edits) as soon as the last is answered, for %s; the same batches to each server.\n", 100*editShare, syncLoadFor)
	b.rep.table("l", [][]string{
		{"", "pushes/s", "mutations/s", "p50", "p99", "5xx", "other errors", "rejected", "server CPU/push", "bench CPU"},
		row("Margin", mar, marLat),
		row("reference (bench/pushref)", ref, refLat),
		{"Margin/reference", ratio(mar.pushRate(), ref.pushRate()), ratio(mar.mutRate(), ref.mutRate()),
			ratio(marLat.p50, refLat.p50), ratio(marLat.p99, refLat.p99), "", "", "", "", ""},
	})
	b.rep.printf("  (bench CPU is the load generator's share of one core; server and bench share the machine.)\n")
	for _, r := range []struct {
		name string
		run  loadRun
	}{{"Margin", mar}, {"reference", ref}} {
		for _, e := range r.run.errs {
			b.rep.printf("  %s failure: %s\n", r.name, e)
		}
	}
	b.rep.printf("  Writes kept: Margin %s creates acknowledged, %s annotations pulled back, %d missing, %d duplicated,\n",
		thousands(int64(marCheck.acked)), thousands(int64(marCheck.stored)), marCheck.missing, marCheck.duplicated)
	b.rep.printf("  %d never acknowledged, %d with a note other than the last acknowledged edit's, %d devices whose\n",
		marCheck.unexpected, marCheck.staleNotes, marCheck.lastMutID)
	b.rep.printf("  last_mutation_id differs from their last acknowledged; reference %s acknowledged, %s rows stored.\n",
		thousands(int64(refCheck.acked)), thousands(int64(refCheck.stored)))
	b.rep.atLeast("push throughput, Margin/reference", mar.pushRate()/ref.pushRate(), pushRatioTarget)
	b.rep.target("5xx answers under push load (Margin)", fmt.Sprint(mar.status5xx), "0", mar.status5xx == 0)
	bad := marCheck.lost() + mar.rejected
	b.rep.target("lost, duplicated or refused writes (Margin)", fmt.Sprint(bad), "0", bad == 0)
}

// perPush returns CPU milliseconds per push.
func perPush(cpu time.Duration, pushes int) float64 {
	if pushes == 0 {
		return 0
	}
	return float64(cpu) / float64(time.Millisecond) / float64(pushes)
}

// syncPull stores 10,000 annotations for a new user and times pulling
// them all from cursor 0, in pages of the largest limit the server gives.
// The figure is the exchanges' time, each request sent to its answer's
// last byte; the bench's parsing of the pages (to find the next cursor)
// is shown apart, as it is the client's work, not the server's.
func (b *bench) syncPull(ctx context.Context, c *syncClient) error {
	b.step("sync: a user with %s annotations, pulled %d times", thousands(pullSize), pullRuns)
	cookie, err := c.account(ctx, "/api/users", "bench-pull", syncPassword)
	if err != nil {
		return err
	}
	gen := newBatchGen(syncUsers, memStreams, "bench-pull-seed", msync.At(time.Now()))
	for n := 0; n < pullSize; n += seedBatch {
		if err := c.pushAll(ctx, cookie, gen.creates(min(seedBatch, pullSize-n))); err != nil {
			return fmt.Errorf("seed: %w", err)
		}
	}
	const reader = "bench-pull-reader"
	pullOnce := func() (pullStats, time.Duration, error) {
		n := 0
		t0 := time.Now()
		st, err := c.pullAll(ctx, cookie, reader, msync.MaxPullLimit, func(p *pullPage) error {
			n += len(p.Changes)
			return nil
		})
		whole := time.Since(t0)
		if err == nil && n != pullSize {
			err = fmt.Errorf("pulled %d changes, want %d", n, pullSize)
		}
		return st, whole, err
	}
	// One pull first, untimed: the reader's first request may register it.
	if _, _, err := pullOnce(); err != nil {
		return err
	}
	var wires, wholes []float64
	var last pullStats
	for range pullRuns {
		st, whole, err := pullOnce()
		if err != nil {
			return err
		}
		wires = append(wires, float64(st.wire)/float64(time.Millisecond))
		wholes = append(wholes, float64(whole)/float64(time.Millisecond))
		last = st
	}
	w, all := summarize(wires), summarize(wholes)
	b.rep.printf("\n  Pull: %s annotations of one user from cursor 0 with limit=%d (the most the server gives):\n",
		thousands(pullSize), msync.MaxPullLimit)
	b.rep.printf("  %d pages, %s in all. The figure adds up the exchanges (request sent → last byte read);\n", last.pages, bytesize(last.size))
	b.rep.printf("  the second row adds the bench's own parsing of each page into its changes and next cursor.\n")
	b.rep.table("l", [][]string{
		{"", "median", "min–max", "budget", "median/budget"},
		{"pull of " + thousands(pullSize) + " from cursor 0", ms(w.median), w.spread(), ms(pullBudget), ratio(w.median, pullBudget)},
		{"  with the bench's JSON parsing", ms(all.median), all.spread(), "(extra figure)", ""},
	})
	b.rep.printf("  every run, ms:  %s\n", list(wires))
	b.rep.under("pull of "+thousands(pullSize)+" annotations", w.median, pullBudget)
	return nil
}

// syncMemory tops the store up to memAnnotations annotations, opens an
// event stream for every device, lets the server settle and reads its
// resident set. Then, as extra figures, it restarts the server on the
// same data and reads it idle and with the streams open again.
func (b *bench) syncMemory(ctx context.Context, m *server, data string, c *syncClient, devs []*device, stored int, base msync.HLC, mem *memTrace) error {
	need := max(0, memAnnotations-stored)
	b.step("sync: seeding %s more annotations in pushes of %d", thousands(int64(need)), seedBatch)
	type job struct {
		user, n int
		cookie  string
	}
	var jobs []job
	for u := range syncUsers {
		n := need / syncUsers
		if u < need%syncUsers {
			n++
		}
		if n > 0 {
			jobs = append(jobs, job{u, n, devs[u*syncDevicesPerUser].cookie})
		}
	}
	t0 := time.Now()
	if err := eachLimited(ctx, jobs, 2, func(j job) error {
		gen := newBatchGen(j.user, memStreams+1+j.user, fmt.Sprintf("bench-seed-u%03d", j.user), base)
		for k := 0; k < j.n; k += seedBatch {
			if err := c.pushAll(ctx, j.cookie, gen.creates(min(seedBatch, j.n-k))); err != nil {
				return fmt.Errorf("seed user %d: %w", j.user, err)
			}
		}
		return nil
	}); err != nil {
		return err
	}
	seeded := time.Since(t0)
	total := stored + need
	mem.note("seeded")

	b.step("sync: opening %d event streams", len(devs))
	closeStreams, err := openStreams(ctx, m.url, devs)
	if err != nil {
		return err
	}
	defer closeStreams()
	pid := m.cmd.Process.Pid
	mem.note("streams open")
	b.step("sync: %d streams open; waiting %s for the server to settle", len(devs), memSettle+(memSamples-1)*time.Second)
	samples, err := settledRSS(ctx, m)
	if err != nil {
		return err
	}
	kb := map[string]float64{}
	for _, f := range []string{"VmHWM", "RssAnon", "RssFile"} {
		v, err := procStatus(pid, f)
		if err != nil {
			return err
		}
		kb[f] = float64(v) * 1024
	}
	rss := samples[len(samples)-1]
	sampleList := make([]string, len(samples))
	for i, s := range samples {
		sampleList[i] = fmt.Sprintf("%.1f", s/1e6)
	}
	b.rep.printf("\n  Memory: %s annotations stored (%s seeded in pushes of %d, in %s) and %d event streams open\n",
		thousands(int64(total)), thousands(int64(need)), seedBatch, seeded.Round(100*time.Millisecond), len(devs))
	b.rep.printf("  (one per device, %d per user, each past its hello event). VmRSS of the server process (pid %d),\n", syncDevicesPerUser, pid)
	b.rep.printf("  read %s after the streams opened, then once a second; MB = 10⁶ bytes.\n", memSettle)
	b.rep.table("l", [][]string{
		{"", "resident", "budget", "resident/budget"},
		{"server with " + thousands(int64(total)) + " annotations, " + thousands(int64(len(devs))) + " streams", mb(rss), mb(memBudget), ratio(rss, memBudget)},
		{"  of which anonymous (heap, stacks, SQLite's cache)", mb(kb["RssAnon"]), "(extra figure)", ""},
		{"  of which file pages (the binary and its embedded files)", mb(kb["RssFile"]), "(extra figure)", ""},
		{"  peak over the process's life (VmHWM)", mb(kb["VmHWM"]), "(extra figure)", ""},
	})
	b.rep.printf("  samples, MB:  %s\n", strings.Join(sampleList, ", "))
	b.rep.printf("  VmRSS along the run, MB:  %s\n", strings.Join(mem.points, " · "))
	b.rep.target("server memory, "+kilo(total)+" annotations + "+kilo(len(devs))+" streams", mb(rss), "< "+mb(memBudget), rss < memBudget)

	// The same data and streams in a new process, without the sign-ins'
	// and the seeding's garbage: what the server needs, apart from what
	// its runtime kept.
	closeStreams()
	m.stop()
	b.step("sync: the same data in a restarted server, with the %d streams again", len(devs))
	m2, err := b.startMargin(ctx, "sync-margin-restarted", data)
	if err != nil {
		return fmt.Errorf("restart: %w", err)
	}
	defer m2.stop()
	idle, err := procStatus(m2.cmd.Process.Pid, "VmRSS")
	if err != nil {
		return err
	}
	close2, err := openStreams(ctx, m2.url, devs)
	if err != nil {
		return fmt.Errorf("restarted server: %w", err)
	}
	defer close2()
	again, err := settledRSS(ctx, m2)
	if err != nil {
		return fmt.Errorf("restarted server: %w", err)
	}
	anon, err := procStatus(m2.cmd.Process.Pid, "RssAnon")
	if err != nil {
		return err
	}
	b.rep.printf("  Restarted on the same data folder, read the same way (extra figures):\n")
	b.rep.table("l", [][]string{
		{"", "resident", "of which anonymous"},
		{"  idle, just started", mb(float64(idle) * 1024), ""},
		{"  with the " + thousands(int64(len(devs))) + " streams open again", mb(again[len(again)-1]), mb(float64(anon) * 1024)},
	})
	return nil
}

// kilo writes n in thousands, "100k", when it is a round number of them,
// and whole otherwise.
func kilo(n int) string {
	if n != 0 && n%1000 == 0 {
		return fmt.Sprintf("%dk", n/1000)
	}
	return thousands(int64(n))
}

// mb formats bytes in megabytes (10⁶).
func mb(v float64) string { return fmt.Sprintf("%.1f MB", v/1e6) }

// openStreams opens an event stream on base for every device, 50 at a
// time, each read up to its hello event; closeAll ends them.
func openStreams(ctx context.Context, base string, devs []*device) (closeAll func(), err error) {
	sc := newSyncClient(base, 0) // streams hold their connections: none idles
	streams := make([]io.Closer, len(devs))
	var once sync.Once
	closeAll = func() {
		once.Do(func() {
			for _, s := range streams {
				if s != nil {
					s.Close()
				}
			}
			sc.close()
		})
	}
	idx := make([]int, len(devs))
	for i := range idx {
		idx[i] = i
	}
	err = eachLimited(ctx, idx, 50, func(i int) (err error) {
		streams[i], err = sc.openEvents(ctx, devs[i].cookie)
		if err != nil {
			err = fmt.Errorf("device %s: %w", devs[i].clientID, err)
		}
		return err
	})
	if err != nil {
		closeAll()
		return nil, err
	}
	return closeAll, nil
}

// settledRSS waits memSettle, then reads the server's VmRSS memSamples
// times a second apart, in bytes. The server must still be running at
// the end.
func settledRSS(ctx context.Context, s *server) ([]float64, error) {
	pause(ctx, memSettle)
	var samples []float64
	for i := range memSamples {
		if i > 0 {
			pause(ctx, time.Second)
		}
		kb, err := procStatus(s.cmd.Process.Pid, "VmRSS")
		if err != nil {
			return nil, err
		}
		samples = append(samples, float64(kb)*1024)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	select {
	case <-s.done:
		return nil, fmt.Errorf("%s exited while streams were open (%v); its log:\n%s", s.name, s.err, indent(tail(s.log, 20)))
	default:
	}
	return samples, nil
}
