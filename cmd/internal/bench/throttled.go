package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"time"
)

// throttledTimeout bounds one load through the slow link: the uncompressed
// WASM alone takes several seconds there.
const throttledTimeout = 3 * time.Minute

// throttled loads Margin's reader page through the 10 Mbit/s proxy, served
// (a) with the precompressed WASM and (b) by the same binary with
// --precompressed=false, as go-app's stock handler serves it.
func (b *bench) throttled(ctx context.Context) error {
	type side struct {
		label string
		srv   *server
		proxy *throttle
		times []loadTimes
		down  []float64 // MB received through the proxy by the time of the mount
	}
	sides := []*side{{label: "(a) precompressed"}, {label: "(b) uncompressed"}}
	for i, s := range sides {
		name := []string{"margin-precompressed", "margin-uncompressed"}[i]
		data, err := b.freshDir("data-" + name)
		if err != nil {
			return err
		}
		var extra []string
		if i == 1 {
			extra = []string{"--precompressed=false"}
		}
		if s.srv, err = b.startMargin(ctx, name, data, extra...); err != nil {
			return err
		}
		defer s.srv.stop()
		if s.proxy, err = startThrottle(ctx, strings.TrimPrefix(s.srv.url, "http://"), linkBytesPerSecond, linkConnectDelay); err != nil {
			return err
		}
		defer s.proxy.close()
	}
	sample, err := findArticle(ctx, sides[0].srv.url, sampleTitle)
	if err != nil {
		return err
	}
	reader := "/a/" + sample.ID
	for _, s := range sides {
		if err := warm(ctx, s.srv.url, reader, "/web/app.wasm"); err != nil {
			return fmt.Errorf("%s: %w", s.label, err)
		}
	}

	for i := range throttledRuns {
		first := i % 2
		for _, s := range []*side{sides[first], sides[1-first]} {
			url := s.proxy.url() + reader
			b.step("throttled %d/%d: %s %s", i+1, throttledRuns, s.label, url)
			start := s.proxy.received.Load()
			var down int64
			lt, err := b.coldLoad(ctx, url, throttledTimeout, func() { down = s.proxy.received.Load() - start })
			if err != nil {
				return fmt.Errorf("%s run %d: %w", s.label, i+1, err)
			}
			s.times = append(s.times, lt)
			s.down = append(s.down, float64(down)/1e6)
		}
	}

	a, u := sides[0], sides[1]
	mA, mU := summarize(pick(a.times, mountOf)), summarize(pick(u.times, mountOf))
	fA, fU := summarize(pick(a.times, fcpOf)), summarize(pick(u.times, fcpOf))
	dA, dU := summarize(a.down), summarize(u.down)
	b.rep.printf("  Link: a loopback proxy, token bucket at %.2f MB/s each way (10 Mbit/s), +%s per connection.\n",
		linkBytesPerSecond/1e6, linkConnectDelay)
	b.rep.printf("  Both sides are %s serving %s; (b) runs with --precompressed=false.\n", rel(b.root, b.marginBin), reader)
	b.rep.table("l", [][]string{
		{"", "(a) precompressed", "min–max", "(b) uncompressed", "min–max", "(b)/(a)"},
		{"app mounted (margin-mounted)", ms(mA.median), mA.spread(), ms(mU.median), mU.spread(), ratio(mU.median, mA.median)},
		{"first contentful paint", ms(fA.median), fA.spread(), ms(fU.median), fU.spread(), ratio(fU.median, fA.median)},
		{"MB to the browser by the mount", fmt.Sprintf("%.2f MB", dA.median), fmt.Sprintf("%.2f–%.2f", dA.min, dA.max),
			fmt.Sprintf("%.2f MB", dU.median), fmt.Sprintf("%.2f–%.2f", dU.min, dU.max), ratio(dU.median, dA.median)},
	})
	if s, err := readSizes(filepath.Join(b.root, "web", "app.wasm")); err == nil {
		b.rep.printf("  For scale: app.wasm alone needs %.2f s on this link as brotli (%s) and %.2f s as it is (%s).\n",
			float64(s.brotli)/linkBytesPerSecond, bytesize(s.brotli), float64(s.raw)/linkBytesPerSecond, bytesize(s.raw))
	}
	b.rep.atLeast("mount at 10 Mbit/s, uncompressed / precompressed", mU.median/mA.median, 3)
	return nil
}
