package main

import (
	"math"
	"strings"
	"testing"
)

func TestReadEventTiming(t *testing.T) {
	record := func(s string) []byte { return []byte(s) }
	e, ok, err := readEventTiming(record(`{"name":"EventTiming","ph":"b","ts":1,"args":{"data":{"type":"keypress","timeStamp":641.155,"duration":12.059,"processingEnd":642.772,"processingStart":642.674}}}`))
	if err != nil || !ok {
		t.Fatalf("ok %v, err %v", ok, err)
	}
	if e.Type != "keypress" || e.Stamp != 641.155 || e.ProcessingEnd != 642.772 || math.Abs(e.Presented-653.214) > 1e-9 {
		t.Errorf("read %+v", e)
	}
	for _, s := range []string{
		`{"name":"EventTiming","ph":"e","args":{}}`,
		`{"name":"FireAnimationFrame","ph":"X","args":{"data":{"type":"keydown","timeStamp":1,"duration":2,"processingEnd":1}}}`,
		`{"name":"EventTiming","ph":"n"}`,
	} {
		if _, ok, err := readEventTiming(record(s)); ok || err != nil {
			t.Errorf("%s: ok %v, err %v; want it skipped", s, ok, err)
		}
	}
	if _, ok, err := readEventTiming(record(`{"name":"EventTiming","ph":"b","args":{"data":{"type":"keydown","timeStamp":1}}}`)); ok || err == nil || !strings.Contains(err.Error(), "without its times") {
		t.Errorf("record without duration: ok %v, err %v", ok, err)
	}
}

func TestPresentedAfter(t *testing.T) {
	evs := []eventTiming{
		{Type: "keydown", Stamp: 90, ProcessingEnd: 91, Presented: 100},       // an earlier press
		{Type: "pointerdown", Stamp: 200, ProcessingEnd: 205, Presented: 206}, // not a key
		{Type: "keydown", Stamp: 200, ProcessingEnd: 201, Presented: 230},     // ended before the mark was drawn
		{Type: "keypress", Stamp: 200.3, ProcessingEnd: 203, Presented: 212},
		{Type: "keyup", Stamp: 202, ProcessingEnd: 204, Presented: 214},
		{Type: "keydown", Stamp: 400, ProcessingEnd: 402, Presented: 405}, // a later press
	}
	got, ok := presentedAfter(evs, 200, 202.5, 100)
	if !ok || got != 212 {
		t.Errorf("presentedAfter = %v, %v; want 212 (the keypress)", got, ok)
	}
	if _, ok := presentedAfter(evs, 200, 204.5, 100); ok {
		t.Error("a mark drawn after every key event ended has no frame to be measured by")
	}
	if _, ok := presentedAfter(nil, 200, 201, 100); ok {
		t.Error("found a frame in no records")
	}
}

// A key event after the one that drew the change, followed by no frame,
// ends with its own handlers, before the change's frame: it is not the
// frame (taken from a trace of Chromium).
func TestPresentedAfterSkipsLaterKeyWithoutFrame(t *testing.T) {
	evs := []eventTiming{
		{Type: "keydown", Stamp: 250.485, ProcessingEnd: 271.092, Presented: 281.693},
		{Type: "keypress", Stamp: 275.497, ProcessingEnd: 275.882, Presented: 275.897},
		{Type: "keyup", Stamp: 278.63, ProcessingEnd: 281.985, Presented: 282.006},
	}
	if got, ok := presentedAfter(evs, 250.4, 270.9, 100); !ok || got != 281.693 {
		t.Errorf("presentedAfter = %v, %v; want 281.693 (the keydown's frame)", got, ok)
	}
}
