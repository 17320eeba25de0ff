package main

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// sampleTitle starts the title of the article every fresh library holds.
const sampleTitle = "Stoltenberg"

// loadTimeout bounds one cold load on loopback.
const loadTimeout = time.Minute

// load compares a cold load of Margin's reader page with one of the floor,
// both on loopback, alternating so drift in the machine hits both alike.
func (b *bench) load(ctx context.Context) error {
	data, err := b.freshDir("data-load")
	if err != nil {
		return err
	}
	m, err := b.startMargin(ctx, "margin-load", data)
	if err != nil {
		return err
	}
	defer m.stop()
	sample, err := findArticle(ctx, m.url, sampleTitle)
	if err != nil {
		return err
	}
	f, err := b.startFloor(ctx, "floor-load")
	if err != nil {
		return err
	}
	defer f.stop()
	reader := "/a/" + sample.ID
	if err := warm(ctx, m.url, reader, "/web/app.wasm"); err != nil {
		return fmt.Errorf("margin: %w", err)
	}
	if err := warm(ctx, f.url, "/", "/web/app.wasm"); err != nil {
		return fmt.Errorf("floor: %w", err)
	}

	var mt, ft []loadTimes
	for i := range b.loadRuns {
		// Alternate who goes first.
		order := []bool{i%2 == 0, i%2 != 0}
		for _, margin := range order {
			url, who, into := f.url+"/", "floor", &ft
			if margin {
				url, who, into = m.url+reader, "Margin", &mt
			}
			b.step("load %d/%d: %s %s", i+1, b.loadRuns, who, url)
			lt, err := b.coldLoad(ctx, url, loadTimeout, nil)
			if err != nil {
				return fmt.Errorf("%s run %d: %w", who, i+1, err)
			}
			*into = append(*into, lt)
		}
	}
	// Each moment is summarized for both sides and shown side by side.
	both := func(of func(loadTimes) float64) (stats, stats) {
		return summarize(pick(mt, of)), summarize(pick(ft, of))
	}
	row := func(name string, m, f stats) []string {
		return []string{name, ms(m.median), m.spread(), ms(f.median), f.spread(), ratio(m.median, f.median)}
	}
	header := []string{"", "Margin median", "min–max", "floor median", "min–max", "Margin/floor"}
	fcpM, fcpF := both(fcpOf)
	mntM, mntF := both(mountOf)
	b.rep.printf("  Margin: %s (the sample article, prerendered); floor: /. Times from navigation start.\n", reader)
	b.rep.table("l", [][]string{
		header,
		row("first contentful paint", fcpM, fcpF),
		row("app mounted (margin-mounted)", mntM, mntF),
	})
	wM, wF := both(wasmOf)
	sM, sF := both(mainOf)
	dM, dF := both(mountAfterMain)
	b.rep.printf("  where the time before the mount goes (extra figures, medians):\n")
	b.rep.table("l", [][]string{
		header,
		row("app.wasm received (responseEnd)", wM, wF),
		row("Go main started (margin-main)", sM, sF),
		row("main → mounted", dM, dF),
	})
	b.rep.printf("  every run, ms:  Margin FCP %s | mount %s\n", list(pick(mt, fcpOf)), list(pick(mt, mountOf)))
	b.rep.printf("                  floor  FCP %s | mount %s\n", list(pick(ft, fcpOf)), list(pick(ft, mountOf)))
	b.rep.atMost("first contentful paint, Margin / floor", fcpM.median/fcpF.median, 1.2)
	b.rep.atMost("app mounted, Margin / floor", mntM.median/mntF.median, 1.2)
	return nil
}

func fcpOf(l loadTimes) float64   { return l.fcp }
func mountOf(l loadTimes) float64 { return l.mounted }
func wasmOf(l loadTimes) float64  { return l.wasmEnd }
func mainOf(l loadTimes) float64  { return l.mainStart }

// mountAfterMain is the time from the start of Go's main to the mount.
func mountAfterMain(l loadTimes) float64 { return l.mounted - l.mainStart }

func pick[T any](xs []T, f func(T) float64) []float64 {
	out := make([]float64, len(xs))
	for i, x := range xs {
		out[i] = f(x)
	}
	return out
}

// list formats measurements in the order they were taken.
func list(xs []float64) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = fmt.Sprintf("%.0f", x)
	}
	return strings.Join(parts, " ")
}
