package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/tracing"
	"github.com/chromedp/chromedp"
)

// eventTiming is the browser's Event Timing record of one input event, in
// ms on the page's clock: when the event happened, when its handlers
// finished, and when the first frame after them was presented. The page's
// own PerformanceEventTiming rounds the duration to 8 ms; a DevTools trace
// carries it unrounded.
type eventTiming struct {
	Type          string
	Stamp         float64 // the event's timeStamp
	ProcessingEnd float64
	Presented     float64 // Stamp + duration
}

// traceEvents records the Event Timing records of the page in t until stop
// is called. Only the timeline category is traced, which is light.
func traceEvents(t *tab) (stop func() ([]eventTiming, error), err error) {
	var (
		mu  sync.Mutex
		out []eventTiming
		bad error
	)
	data := chromedp.Events(t.ctx, tracing.DataCollected)
	complete := chromedp.Events(t.ctx, tracing.TracingComplete)
	// The reader runs until the tab closes: the subscription does not
	// end with the trace.
	go func() {
		for d, err := range data {
			if err != nil {
				return
			}
			mu.Lock()
			for _, raw := range d.Value {
				e, ok, err := readEventTiming(raw)
				if err != nil && bad == nil {
					bad = err
				}
				if ok {
					out = append(out, e)
				}
			}
			mu.Unlock()
		}
	}()
	done := make(chan struct{})
	go func() {
		for range complete {
			close(done)
			return
		}
	}()
	_, err = chromedp.Run(t.ctx, func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, tg, tracing.Start, tracing.StartParams{TraceConfig: &tracing.TraceConfig{IncludedCategories: []string{"devtools.timeline"}}})
		return chromedp.Void{}, err
	})
	if err != nil {
		return nil, fmt.Errorf("start tracing: %w", err)
	}
	return func() ([]eventTiming, error) {
		_, err := chromedp.Run(t.ctx, func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
			_, err := cdp.Call(ctx, tg, tracing.End, cdp.Empty{})
			return chromedp.Void{}, err
		})
		if err != nil {
			return nil, fmt.Errorf("end tracing: %w", err)
		}
		select {
		case <-done:
		case <-time.After(time.Minute):
			return nil, errors.New("the trace did not complete within a minute")
		}
		// TracingComplete comes after the last DataCollected, but to
		// another subscription; give the reader a moment to take it.
		time.Sleep(100 * time.Millisecond)
		mu.Lock()
		defer mu.Unlock()
		return out, bad
	}, nil
}

// readEventTiming picks the opening half of an EventTiming trace event
// out of one raw trace record.
func readEventTiming(raw any) (eventTiming, bool, error) {
	b, err := json.Marshal(raw)
	if err != nil {
		return eventTiming{}, false, fmt.Errorf("trace record: %w", err)
	}
	var rec struct {
		Name string `json:"name"`
		Ph   string `json:"ph"`
		Args struct {
			Data struct {
				Type          string   `json:"type"`
				TimeStamp     *float64 `json:"timeStamp"`
				Duration      *float64 `json:"duration"`
				ProcessingEnd *float64 `json:"processingEnd"`
			} `json:"data"`
		} `json:"args"`
	}
	if err := json.Unmarshal(b, &rec); err != nil {
		return eventTiming{}, false, fmt.Errorf("trace record: %w", err)
	}
	if rec.Name != "EventTiming" || rec.Ph != "b" {
		return eventTiming{}, false, nil
	}
	d := rec.Args.Data
	if d.TimeStamp == nil || d.Duration == nil || d.ProcessingEnd == nil {
		return eventTiming{}, false, fmt.Errorf("EventTiming record without its times: %s", b)
	}
	return eventTiming{Type: d.Type, Stamp: *d.TimeStamp, ProcessingEnd: *d.ProcessingEnd, Presented: *d.TimeStamp + *d.Duration}, true, nil
}

// presentedAfter returns when the first frame that can show a change made
// at drawn was presented: the frame after the first key event, at or after
// key, whose handlers were still running when the change was made. Within
// is how long after key such an event may come.
func presentedAfter(evs []eventTiming, key, drawn, within float64) (float64, bool) {
	best, found := 0.0, false
	for _, e := range evs {
		switch e.Type {
		case "keydown", "keypress", "keyup":
		default:
			continue
		}
		if e.Stamp < key-0.5 || e.Stamp > key+within || e.ProcessingEnd < drawn {
			continue
		}
		if !found || e.Presented < best {
			best, found = e.Presented, true
		}
	}
	return best, found
}
