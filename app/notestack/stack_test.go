package notestack

import (
	"math"
	"testing"
)

// check fails the test when two notes overlap, come out of order, or
// stand above floor.
func check(t *testing.T, items []Item, tops []float64, gap, floor float64) {
	t.Helper()
	if len(tops) != len(items) {
		t.Fatalf("%d tops for %d items", len(tops), len(items))
	}
	for i := range tops {
		if math.IsNaN(tops[i]) || tops[i] < floor {
			t.Errorf("note %d at %v, above the floor %v", i, tops[i], floor)
		}
		if i > 0 && tops[i] < tops[i-1]+max(0, items[i-1].Height)+gap-1e-9 {
			t.Errorf("note %d at %v overlaps note %d (%v, height %v)", i, tops[i], i-1, tops[i-1], items[i-1].Height)
		}
	}
}

func TestLayout(t *testing.T) {
	tests := []struct {
		name     string
		items    []Item
		selected int
		want     []float64
	}{
		{"none", nil, -1, []float64{}},
		{"apart: each at its passage", []Item{{100, 50}, {300, 50}, {600, 80}}, -1, []float64{100, 300, 600}},
		{"close: stacked below", []Item{{100, 50}, {110, 50}, {120, 50}}, -1, []float64{100, 158, 216}},
		{"selected in the middle moves to its passage", []Item{{100, 50}, {110, 50}, {120, 50}}, 1, []float64{52, 110, 168}},
		{"selected last pushes the others up", []Item{{100, 50}, {110, 50}, {120, 50}}, 2, []float64{4, 62, 120}},
		{"no room above: floor, the rest below", []Item{{10, 50}, {20, 50}, {30, 50}}, 2, []float64{0, 58, 116}},
		{"out of range selection is none", []Item{{100, 50}, {110, 50}}, 7, []float64{100, 158}},
		{"above the floor", []Item{{-40, 10}}, -1, []float64{0}},
		{"negative height", []Item{{100, -30}, {100, 10}}, -1, []float64{100, 108}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Layout(tc.items, 8, tc.selected, 0)
			check(t, tc.items, got, 8, 0)
			for i := range tc.want {
				if got[i] != tc.want[i] {
					t.Fatalf("got %v, want %v", got, tc.want)
				}
			}
		})
	}
}

func TestFiftyNotesOnOneParagraph(t *testing.T) {
	items := make([]Item, 50)
	for i := range items {
		items[i] = Item{Want: 1200, Height: 40 + float64(i%7)*13}
	}
	for _, sel := range []int{-1, 0, 25, 49} {
		got := Layout(items, 12, sel, 80)
		check(t, items, got, 12, 80)
		if sel >= 0 && got[sel] != 1200 && got[0] != 80 {
			t.Errorf("selected %d at %v: neither at its passage nor the notes above it at the floor", sel, got[sel])
		}
		if sel < 0 && got[0] != 1200 {
			t.Errorf("the first note at %v, not at its passage", got[0])
		}
	}
}

func TestOverlappingPassages(t *testing.T) {
	// Passages that overlap start on the same line or one a line apart;
	// their notes come in reading order whatever their heights.
	items := []Item{{500, 300}, {500, 20}, {526, 20}, {526, 400}, {2000, 10}}
	got := Layout(items, 10, -1, 0)
	check(t, items, got, 10, 0)
	if got[4] != 2000 {
		t.Errorf("a note far below the crowd moved: %v", got)
	}
	got = Layout(items, 10, 3, 0)
	check(t, items, got, 10, 0)
	if got[3] != 526 {
		t.Errorf("the selected note is not at its passage: %v", got)
	}
}

func FuzzLayout(f *testing.F) {
	f.Add(100.0, 30.0, 90.0, 500.0, 3)
	f.Fuzz(func(t *testing.T, want, height, step, tall float64, sel int) {
		if math.IsNaN(want) || math.IsInf(want, 0) || math.Abs(want) > 1e9 || math.IsNaN(height) || math.Abs(height) > 1e6 ||
			math.IsNaN(step) || math.Abs(step) > 1e6 || math.IsNaN(tall) || math.Abs(tall) > 1e6 {
			t.Skip()
		}
		items := make([]Item, 20)
		for i := range items {
			items[i] = Item{Want: want + float64(i)*step, Height: height}
			if i%5 == 0 {
				items[i].Height = tall
			}
		}
		got := Layout(items, 6, sel%25, -50)
		for i := 1; i < len(got); i++ {
			if got[i] < got[i-1]+max(0, items[i-1].Height)+6-1e-6*math.Abs(got[i]) {
				t.Fatalf("overlap at %d: %v", i, got)
			}
		}
	})
}
