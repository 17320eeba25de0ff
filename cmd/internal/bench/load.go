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
	fcpM, fcpF := summarize(pick(mt, fcpOf)), summarize(pick(ft, fcpOf))
	mntM, mntF := summarize(pick(mt, mountOf)), summarize(pick(ft, mountOf))
	b.rep.printf("  Margin: %s (the sample article, prerendered); floor: /. Times from navigation start.\n", reader)
	b.rep.table("l", [][]string{
		{"", "Margin median", "min–max", "floor median", "min–max", "Margin/floor"},
		{"first contentful paint", ms(fcpM.median), fcpM.spread(), ms(fcpF.median), fcpF.spread(), ratio(fcpM.median, fcpF.median)},
		{"app mounted (margin-mounted)", ms(mntM.median), mntM.spread(), ms(mntF.median), mntF.spread(), ratio(mntM.median, mntF.median)},
	})
	wM, wF := summarize(pick(mt, wasmOf)), summarize(pick(ft, wasmOf))
	sM, sF := summarize(pick(mt, mainOf)), summarize(pick(ft, mainOf))
	dM, dF := summarize(pick(mt, mountAfterMain)), summarize(pick(ft, mountAfterMain))
	b.rep.printf("  where the time before the mount goes (extra figures, medians):\n")
	b.rep.table("l", [][]string{
		{"", "Margin median", "min–max", "floor median", "min–max", "Margin/floor"},
		{"app.wasm received (responseEnd)", ms(wM.median), wM.spread(), ms(wF.median), wF.spread(), ratio(wM.median, wF.median)},
		{"Go main started (margin-main)", ms(sM.median), sM.spread(), ms(sF.median), sF.spread(), ratio(sM.median, sF.median)},
		{"main → mounted", ms(dM.median), dM.spread(), ms(dF.median), dF.spread(), ratio(dM.median, dF.median)},
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
