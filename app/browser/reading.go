package browser

import (
	"encoding/json"
	"math"
)

// Position is where a reader stopped in an article: the top-level block at
// the reading line and how far into that block, so a changed text size or
// window width still lands on the same passage.
type Position struct {
	Block int     `json:"b"`
	Frac  float64 `json:"f"`
}

// positionKey is the localStorage key of an article's reading position.
func positionKey(articleID string) string { return "margin.pos." + articleID }

// SavedPosition returns the reading position stored for the article.
func SavedPosition(articleID string) (Position, bool) {
	raw := Pref(positionKey(articleID))
	if raw == "" {
		return Position{}, false
	}
	var p Position
	if err := json.Unmarshal([]byte(raw), &p); err != nil || p.Block < 0 || math.IsNaN(p.Frac) {
		return Position{}, false
	}
	p.Frac = math.Max(0, math.Min(1, p.Frac))
	return p, true
}

// savePosition stores p, or forgets it when the reader is back at the start.
func savePosition(articleID string, p Position) {
	if p.Block == 0 && p.Frac < 0.05 {
		SetPref(positionKey(articleID), "")
		return
	}
	b, _ := json.Marshal(Position{Block: p.Block, Frac: math.Round(p.Frac*1000) / 1000})
	SetPref(positionKey(articleID), string(b))
}

// StorePosition keeps p as the reading position of the article, as if
// the reader had stopped there on this device: one from another device.
func StorePosition(articleID string, p Position) {
	if p.Block < 0 || math.IsNaN(p.Frac) {
		return
	}
	p.Frac = math.Max(0, math.Min(1, p.Frac))
	savePosition(articleID, p)
}
