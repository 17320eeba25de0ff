package ui

import (
	"context"
	gosync "sync"
	"time"

	"margin/app/browser"
)

// positionEvery is how often, at most, a reading position is recorded
// for sync while the reader scrolls: each one is a change to push.
const positionEvery = 10 * time.Second

// positionRecorder returns the function TrackReading calls with each
// reading position of article id: it records them through dev, the
// latest one every positionEvery, and at once when the page goes away.
// flush records the latest one now: the reader leaves the article.
func positionRecorder(dev *Device, id string) (record func(p browser.Position, leaving bool), flush func()) {
	if dev == nil {
		return func(browser.Position, bool) {}, func() {}
	}
	var (
		mu     gosync.Mutex // guards latest and timer
		latest *browser.Position
		timer  *time.Timer
	)
	write := func() {
		mu.Lock()
		p := latest
		latest = nil
		if timer != nil {
			timer.Stop()
			timer = nil
		}
		mu.Unlock()
		if p == nil {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), loadTimeout)
		defer cancel()
		if err := dev.PutPosition(ctx, id, *p); err != nil {
			dev.logf("ui: recording the reading position in %s: %v", id, err)
		}
	}
	record = func(p browser.Position, leaving bool) {
		mu.Lock()
		latest = &p
		if !leaving && timer == nil {
			timer = time.AfterFunc(positionEvery, write)
		}
		mu.Unlock()
		if leaving {
			go write()
		}
	}
	return record, func() { go write() }
}
