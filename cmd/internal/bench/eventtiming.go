package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/chromedp/cdproto/cdp"
	jsonv2 "github.com/chromedp/cdproto/cdp/jsonv2"
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
	// Listen, not Events: it calls back in the order the browser sent the
	// events, so every DataCollected is in raws once TracingComplete has
	// come, and all of them came on Listen's one goroutine before done
	// closed.
	lctx, cancel := context.WithCancel(t.ctx)
	var raws []jsonv2.Value
	done := make(chan struct{})
	if err := chromedp.Listen(lctx, func(ev any) {
		switch ev := ev.(type) {
		case *tracing.EventDataCollected:
			raws = append(raws, ev.Value...)
		case *tracing.EventTracingComplete:
			select {
			case <-done:
			default:
				close(done)
			}
		}
	}); err != nil {
		cancel()
		return nil, fmt.Errorf("listen for the trace: %w", err)
	}
	if _, err := chromedp.Call(t.ctx, tracing.Start, tracing.StartParams{TraceConfig: &tracing.TraceConfig{IncludedCategories: []string{"devtools.timeline"}}}); err != nil {
		cancel()
		return nil, fmt.Errorf("start tracing: %w", err)
	}
	return func() ([]eventTiming, error) {
		defer cancel()
		if _, err := chromedp.Call(t.ctx, tracing.End, cdp.Empty{}); err != nil {
			return nil, fmt.Errorf("end tracing: %w", err)
		}
		select {
		case <-done:
		case <-time.After(time.Minute):
			return nil, errors.New("the trace did not complete within a minute")
		}
		var (
			out []eventTiming
			bad error
		)
		for _, raw := range raws {
			e, ok, err := readEventTiming(raw)
			if err != nil && bad == nil {
				bad = err
			}
			if ok {
				out = append(out, e)
			}
		}
		return out, bad
	}, nil
}

// readEventTiming picks the opening half of an EventTiming trace event
// out of one raw trace record.
func readEventTiming(b []byte) (eventTiming, bool, error) {
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
// is how long after key such an event may come. A later key event's record
// does not count: when no frame follows it, its end is only the end of its
// own handlers, which can come before the frame that shows the change.
func presentedAfter(evs []eventTiming, key, drawn, within float64) (float64, bool) {
	var first *eventTiming
	for i, e := range evs {
		switch e.Type {
		case "keydown", "keypress", "keyup":
		default:
			continue
		}
		if e.Stamp < key-0.5 || e.Stamp > key+within || e.ProcessingEnd < drawn {
			continue
		}
		if first == nil || e.Stamp < first.Stamp {
			first = &evs[i]
		}
	}
	if first == nil {
		return 0, false
	}
	return first.Presented, true
}
