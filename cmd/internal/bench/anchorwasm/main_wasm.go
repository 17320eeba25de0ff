//go:build js && wasm

package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strings"
	"time"

	"margin/app/anchor"
	"margin/app/browser"
)

// resultName is the window property, and the event, the result goes out as.
const resultName = "marginAnchorResult"

// sizes are the corpus sizes gen.mjs writes, in the order bench.html runs them.
var sizes = []string{"50k", "500k"}

// benchCase is one entry of cases-SIZE.json.
type benchCase struct {
	ID          int    `json:"id"`
	Exact       string `json:"exact"`
	Prefix      string `json:"prefix"`
	Suffix      string `json:"suffix"`
	Start       int    `json:"start"`
	End         int    `json:"end"`
	ExpectStart int    `json:"expectStart"`
	ExpectEnd   int    `json:"expectEnd"`
	Edits       int    `json:"edits"`
}

// sizeResult has the fields of anchor.mjs's run, and the orphan count.
type sizeResult struct {
	Cases    int     `json:"cases"`
	Correct  int     `json:"correct"`
	Orphaned int     `json:"orphaned"`
	MedianMs float64 `json:"medianMs"`
	MinMs    float64 `json:"minMs"`
}

func main() {
	data := flag.String("data", "data", "URL of the folder gen.mjs wrote")
	reps := flag.Int("reps", 5, "timed rounds, after one warm-up round")
	flag.Parse()
	out := map[string]any{"engine": "Go " + runtime.Version() + " js/wasm", "reps": *reps}
	if err := run(context.Background(), strings.TrimSuffix(*data, "/"), *reps, out); err != nil {
		out["error"] = err.Error()
	}
	raw, err := json.Marshal(out)
	if err != nil {
		raw = []byte(fmt.Sprintf(`{"error": %q}`, err.Error()))
	}
	browser.Publish(resultName, string(raw))
}

// run measures every size into out[size].
func run(ctx context.Context, data string, reps int, out map[string]any) error {
	if reps < 1 {
		return errors.New("reps must be at least 1")
	}
	for _, size := range sizes {
		old, err := get(ctx, data+"/text0-"+size+".txt")
		if err != nil {
			return err
		}
		text, err := get(ctx, data+"/text1-"+size+".txt")
		if err != nil {
			return err
		}
		raw, err := get(ctx, data+"/cases-"+size+".json")
		if err != nil {
			return err
		}
		var cases []benchCase
		if err := json.Unmarshal([]byte(raw), &cases); err != nil {
			return fmt.Errorf("cases-%s.json: %w", size, err)
		}
		// The hash of the text the selectors were made on, not of the
		// one they are resolved on: no selector takes the fast path.
		sum := sha256.Sum256([]byte(old))
		hash := hex.EncodeToString(sum[:])
		sels := make([]anchor.Selector, len(cases))
		for i, c := range cases {
			sels[i] = anchor.Selector{Exact: c.Exact, Prefix: c.Prefix, Suffix: c.Suffix, Start: c.Start, End: c.End, Hash: hash}
		}
		out[size] = measure(text, sels, cases, reps)
	}
	return nil
}

// measure times preparing the text and resolving every selector, as
// anchor.mjs's run does: round 0 warms up and is where the correct
// places are counted; the other rounds are timed.
func measure(text string, sels []anchor.Selector, cases []benchCase, reps int) sizeResult {
	res := sizeResult{Cases: len(cases)}
	var totals []float64
	for r := 0; r <= reps; r++ {
		start := time.Now()
		got := anchor.NewText(text, "").ResolveAll(sels)
		took := time.Since(start)
		if r == 0 {
			for i, c := range cases {
				switch {
				case got[i].Status == anchor.Orphaned:
					res.Orphaned++
				case abs(got[i].Start-c.ExpectStart) <= 2:
					res.Correct++
				}
			}
			continue
		}
		totals = append(totals, float64(took.Microseconds())/1000)
	}
	slices.Sort(totals)
	res.MedianMs = round2(totals[len(totals)/2])
	res.MinMs = round2(totals[0])
	return res
}

// get fetches url and returns its body, which must come with 200.
func get(ctx context.Context, url string) (string, error) {
	resp, err := browser.Fetch(ctx, "GET", url, nil)
	if err != nil {
		return "", err
	}
	if resp.Status != 200 {
		return "", fmt.Errorf("GET %s: status %d", url, resp.Status)
	}
	return string(resp.Body), nil
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func round2(x float64) float64 { return math.Round(x*100) / 100 }
