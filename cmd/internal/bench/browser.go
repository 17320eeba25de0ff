package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/chromedp/chromedp"
)

// tab is one headless Chromium with a profile of its own, so no service
// worker, HTTP cache or compiled WASM carries over from another run.
type tab struct {
	ctx   context.Context
	close func()
}

// newTab starts a browser for one measured run. close stops it and
// removes its profile.
func (b *bench) newTab(ctx context.Context) (*tab, error) {
	if err := os.MkdirAll(b.work, 0o755); err != nil {
		return nil, err
	}
	profile, err := os.MkdirTemp(b.work, "profile-")
	if err != nil {
		return nil, fmt.Errorf("browser profile: %w", err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(b.chromium),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.UserDataDir(profile),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.WindowSize(1280, 900),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	tctx, cancelTab := chromedp.NewContext(actx)
	t := &tab{ctx: tctx, close: func() {
		cancelTab()
		cancelAlloc() // waits for the browser to exit
		os.RemoveAll(profile)
	}}
	if err := chromedp.Do(tctx); err != nil { // starts the browser
		t.close()
		return nil, fmt.Errorf("start chromium: %w", err)
	}
	return t, nil
}

// navigate loads url and waits for its load event.
func (t *tab) navigate(url string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(t.ctx, timeout)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		return fmt.Errorf("open %s: %w", url, err)
	}
	return nil
}

// eval runs js in the page, awaiting the promise it may return.
func eval[T any](t *tab, js string, timeout time.Duration) (T, error) {
	ctx, cancel := context.WithTimeout(t.ctx, timeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		return v, fmt.Errorf("evaluate %.60q: %w", js, err)
	}
	return v, nil
}

// entryJS is a promise for the startTime of the first performance entry of
// a type with a name at or after a time. An observer rather than polling,
// so waiting does not run code in the page being measured.
const entryJS = `((name, type, since) => new Promise((resolve) => {
	const find = () => performance.getEntriesByName(name).find((e) => e.startTime >= since);
	const hit = find();
	if (hit) { resolve(hit.startTime); return; }
	const obs = new PerformanceObserver(() => {
		const e = find();
		if (e) { obs.disconnect(); resolve(e.startTime); }
	});
	obs.observe({ type, buffered: true });
}))`

// entryTime waits for the entry named name of type typ ("mark", "paint")
// at or after since, in ms from the page's navigation start.
func (t *tab) entryTime(name, typ string, since float64, timeout time.Duration) (float64, error) {
	js := entryJS + "(" + strconv.Quote(name) + ", " + strconv.Quote(typ) + ", " + strconv.FormatFloat(since, 'f', -1, 64) + ")"
	v, err := eval[float64](t, js, timeout)
	if err != nil {
		return 0, fmt.Errorf("waiting for %s: %w", name, err)
	}
	return v, nil
}

// loadTimes are the moments of one cold page load, in ms from navigation start.
type loadTimes struct {
	fcp, mounted float64
	// Where the time before the mount goes: the end of app.wasm's
	// response, and the start of Go's main (after package init).
	wasmEnd, mainStart float64
}

// phasesJS reads app.wasm's response end and the margin-main mark, -1 for
// one the page does not have.
const phasesJS = `(() => {
	const w = performance.getEntriesByType("resource").find((e) => e.name.includes("/web/app.wasm"));
	const m = performance.getEntriesByName("margin-main")[0];
	return [w ? w.responseEnd : -1, m ? m.startTime : -1];
})()`

// coldLoad opens url in a fresh browser and reads when it first painted
// content, when the app mounted and where the time before the mount went;
// a moment the page does not show is an error, not a figure. mounted,
// when not nil, runs as soon as the mount is seen, before the browser
// closes.
func (b *bench) coldLoad(ctx context.Context, url string, timeout time.Duration, mounted func()) (loadTimes, error) {
	var lt loadTimes
	t, err := b.newTab(ctx)
	if err != nil {
		return lt, err
	}
	defer t.close()
	if err := t.navigate(url, timeout); err != nil {
		return lt, err
	}
	if lt.fcp, err = t.entryTime("first-contentful-paint", "paint", 0, timeout); err != nil {
		return lt, err
	}
	if lt.mounted, err = t.entryTime("margin-mounted", "mark", 0, timeout); err != nil {
		return lt, err
	}
	if mounted != nil {
		mounted()
	}
	phases, err := eval[[]float64](t, phasesJS, timeout)
	if err != nil {
		return lt, err
	}
	switch {
	case len(phases) != 2:
		return lt, fmt.Errorf("phases: %d values, want 2", len(phases))
	case phases[0] < 0:
		return lt, errors.New("no app.wasm resource entry")
	case phases[1] < 0:
		return lt, errors.New("no margin-main mark")
	}
	lt.wasmEnd, lt.mainStart = phases[0], phases[1]
	return lt, nil
}
