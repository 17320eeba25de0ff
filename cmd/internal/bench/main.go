// Command bench measures Margin against references built in the same run
// and prints a report: sizes of app.wasm beside a go-app hello world (the
// floor, in ./floor), load times in headless Chromium on loopback and
// through a 10 Mbit/s proxy, the time to render a 20,000-word article,
// re-anchoring 200 annotations on an edited text beside the JavaScript
// reference in ../shared/bench/anchor-js, highlighting, and the sync
// server: push throughput beside a bare net/http + SQLite handler (in
// ./pushref), a full pull, and its memory with 1,000 event streams, and
// article extraction beside Mozilla Readability (in ./readability). Every
// figure stands beside its reference, with a ratio and, where there is a
// target, PASS or MISSED.
//
// Run it from the repository root after `make build` (`make bench` does
// both); the anchor part alone needs no build. It exits non-zero only when
// it cannot measure, not when a target is missed. Work files go in .bench/.
//
//	MARGIN_BIN=bin/margin go run ./cmd/internal/bench [-parts sizes,load,throttled,long,anchor,annotate,sync,extract]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// bench is one run of the harness: where things are, and the report.
type bench struct {
	root      string // the repository
	work      string // .bench under root
	marginBin string
	chromium  string
	goCmd     string
	rep       *report
	progress  io.Writer

	loadRuns int // cold runs of each side in the load part

	// Filled by the parts that make them.
	floor *floorBuild
}

// Runs per measured figure; each run is a fresh browser profile. A cold
// first paint on a 2-core machine spreads over about 70–200 ms from run
// to run, the floor's as much as Margin's, so the median of 7 runs moves
// by tens of milliseconds between two runs of one build; 21 narrow that.
const (
	loadRuns      = 21
	throttledRuns = 5
	longRuns      = 5
)

var allParts = []string{"sizes", "load", "throttled", "long", "anchor", "annotate", "notes", "sync", "extract"}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("bench", flag.ContinueOnError)
	fl.SetOutput(stderr)
	partsFlag := fl.String("parts", strings.Join(allParts, ","), "comma-separated `parts` to run: "+strings.Join(allParts, ", "))
	runsFlag := fl.Int("load-runs", loadRuns, "cold `runs` of each side in the load part; more runs, a steadier median")
	if err := fl.Parse(args); err != nil {
		return err
	}
	if *runsFlag < 1 || *runsFlag > 200 {
		return fmt.Errorf("-load-runs %d: want 1 to 200", *runsFlag)
	}
	parts := map[string]bool{}
	for _, p := range strings.Split(*partsFlag, ",") {
		p = strings.TrimSpace(p)
		if !slices.Contains(allParts, p) {
			return fmt.Errorf("unknown part %q (have %s)", p, strings.Join(allParts, ", "))
		}
		parts[p] = true
	}

	// Every part but anchor measures bin/margin (extract imports through it).
	needMargin := false
	for p := range parts {
		needMargin = needMargin || p != "anchor"
	}
	b, err := setup(stdout, stderr, needMargin)
	if err != nil {
		return err
	}
	b.loadRuns = *runsFlag
	started := time.Now()
	b.header(ctx)

	// The floor is the reference of the first two parts.
	if parts["sizes"] || parts["load"] {
		b.step("building the floor (go-app hello world) into %s", rel(b.root, filepath.Join(b.work, "floor")))
		fb, err := b.buildFloor(ctx)
		if err != nil {
			b.rep.fail("floor build", err)
		} else {
			b.floor = fb
		}
	}
	type part struct {
		name, title string
		run         func(context.Context) error
	}
	for _, p := range []part{
		{"sizes", "1. Size of app.wasm (reference: the floor, a go-app hello world built now)", b.sizes},
		{"load", fmt.Sprintf("2. Load on loopback, headless Chromium (median of %d cold runs; reference: the floor)", b.loadRuns), b.load},
		{"throttled", fmt.Sprintf("3. Load through a 10 Mbit/s proxy (median of %d cold runs; reference: the same build sent uncompressed)", throttledRuns), b.throttled},
		{"long", fmt.Sprintf("4. A 20,000-word article (median of %d cold runs; reference: the 150 ms budget)", longRuns), b.longArticle},
		{"anchor", fmt.Sprintf("5. Re-anchoring 200 annotations in headless Chromium (median of %d rounds; reference: bench/anchor-js)", anchorReps), b.anchor},
		{"annotate", fmt.Sprintf("6. Highlighting a 20,000-word article (median of %d presses and %d openings; reference: the budgets)", highlightRuns, openRuns), b.annotate},
		{"notes", fmt.Sprintf("6b. Notes in the margin of a 20,000-word article (%d notes; median of %d openings, %d relayouts, %d presses of n; reference: the budgets)", marginNotes, notesOpenRuns, relayoutRuns, noteEditorRuns), b.notesBench},
		{"sync", fmt.Sprintf("7. Sync server on loopback, SQLite (%d devices for %s; reference: bench/pushref, a bare net/http + SQLite handler, and the budgets)", memStreams, syncLoadFor), b.syncBench},
		{"extract", fmt.Sprintf("8. Article extraction on the server (median of %d and %d runs; reference: Mozilla Readability in headless Chromium)", extractRuns, extractRunsLarge), b.extractPart},
	} {
		if !parts[p.name] {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		b.rep.section(p.title)
		t := time.Now()
		if err := p.run(ctx); err != nil {
			b.rep.fail(p.name, err)
		}
		b.step("%s took %s", p.name, time.Since(t).Round(time.Second))
	}
	b.rep.summary()
	b.rep.printf("\n  whole run: %s; load average at the end: %s\n", time.Since(started).Round(time.Second), loadAverage())
	if err := ctx.Err(); err != nil {
		return err
	}
	if len(b.rep.errs) > 0 {
		return fmt.Errorf("%d part(s) could not be measured; see HARNESS ERROR above", len(b.rep.errs))
	}
	return nil
}

// setup finds the repository, the binaries and the browser; the Margin
// binary only when needMargin.
func setup(stdout, stderr io.Writer, needMargin bool) (*bench, error) {
	root, err := repoRoot()
	if err != nil {
		return nil, err
	}
	b := &bench{
		root:     root,
		work:     filepath.Join(root, ".bench"),
		rep:      &report{w: stdout},
		progress: stderr,
		goCmd:    "go",
	}
	if g := os.Getenv("GO"); g != "" {
		b.goCmd = g
	}
	b.marginBin = os.Getenv("MARGIN_BIN")
	if b.marginBin == "" {
		b.marginBin = filepath.Join(root, "bin", "margin")
	}
	if _, err := os.Stat(b.marginBin); err != nil && needMargin {
		return nil, fmt.Errorf("margin binary (MARGIN_BIN): %w; run make build first", err)
	}
	b.chromium = os.Getenv("CHROMIUM")
	if b.chromium == "" {
		b.chromium = "/usr/bin/chromium"
	}
	if _, err := os.Stat(b.chromium); err != nil {
		return nil, fmt.Errorf("chromium (CHROMIUM): %w; apt-get install chromium", err)
	}
	if err := os.MkdirAll(b.work, 0o755); err != nil {
		return nil, fmt.Errorf("work folder: %w", err)
	}
	return b, nil
}

// repoRoot walks up from the working directory to Margin's go.mod.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		mod, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && strings.HasPrefix(string(mod), "module margin\n") {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("not inside the margin repository (no go.mod with module margin above the working directory)")
		}
		dir = parent
	}
}

// header prints the machine the figures come from.
func (b *bench) header(ctx context.Context) {
	b.rep.printf("Margin benchmark, %s\n", time.Now().UTC().Format("2006-01-02 15:04 MST"))
	cpus := runtime.NumCPU()
	if out, err := exec.CommandContext(ctx, "nproc").Output(); err == nil {
		b.rep.printf("  machine:  nproc %s, %s/%s, %s\n", strings.TrimSpace(string(out)), runtime.GOOS, runtime.GOARCH, cpuModel())
	} else {
		b.rep.printf("  machine:  %d CPUs (Go's count; nproc failed: %v), %s/%s, %s\n", cpus, err, runtime.GOOS, runtime.GOARCH, cpuModel())
	}
	b.rep.printf("  browser:  %s\n", b.chromiumVersion(ctx))
	b.rep.printf("  go:       %s\n", b.goVersion(ctx))
	b.rep.printf("  margin:   %s\n", rel(b.root, b.marginBin))
	b.rep.printf("  load:     %s (1, 5, 15 min averages; other work on the machine skews the timings)\n", loadAverage())
}

// loadAverage reads how busy the machine is.
func loadAverage() string {
	raw, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(raw))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

func (b *bench) chromiumVersion(ctx context.Context) string {
	out, err := exec.CommandContext(ctx, b.chromium, "--version").Output()
	if err != nil {
		return fmt.Sprintf("%s (version unknown: %v)", b.chromium, err)
	}
	return strings.TrimSpace(string(out))
}

func (b *bench) goVersion(ctx context.Context) string {
	out, err := exec.CommandContext(ctx, b.goCmd, "version").Output()
	if err != nil {
		return runtime.Version()
	}
	return strings.TrimSpace(string(out))
}

// cpuModel reads the processor's name, for the header only.
func cpuModel() string {
	raw, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "cpu unknown"
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "cpu unknown"
}

// step tells the person waiting what is happening; the report stays on stdout.
func (b *bench) step(format string, args ...any) {
	fmt.Fprintf(b.progress, "bench: "+format+"\n", args...)
}

func rel(root, path string) string {
	if r, err := filepath.Rel(root, path); err == nil && !strings.HasPrefix(r, "..") {
		return r
	}
	return path
}
