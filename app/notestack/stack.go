// Package notestack lays out notes in a margin beside a text: each note
// as near as it can be to the passage it belongs to, none overlapping,
// in the order of their passages. It is arithmetic only, so the reader,
// the share page and their tests share one answer; measuring the page
// is the caller's work.
package notestack

// Item is one note to place: Want is the top of its passage's first line
// and Height the note's own height, in the same units (CSS pixels of the
// page). Items are given in reading order.
type Item struct {
	Want, Height float64
}

// Layout returns the top of each item, in the order given. Notes keep
// their order and stand at least gap apart. Without a selection
// (selected < 0 or out of range) each note is at its passage or, when
// the notes before it reach further, just below them. The selected note
// stands exactly at its passage: the notes after it are pushed down and
// those before it up, as far as they must, but none above floor; if
// they cannot all fit above the selected one, they stay at floor and
// push the rest down. Negative heights count as zero.
func Layout(items []Item, gap float64, selected int, floor float64) []float64 {
	n := len(items)
	out := make([]float64, n)
	if n == 0 {
		return out
	}
	h := func(i int) float64 { return max(0, items[i].Height) }
	if selected < 0 || selected >= n {
		out[0] = max(items[0].Want, floor)
		for i := 1; i < n; i++ {
			out[i] = max(items[i].Want, out[i-1]+h(i-1)+gap)
		}
		return out
	}
	out[selected] = max(items[selected].Want, floor)
	for i := selected + 1; i < n; i++ {
		out[i] = max(items[i].Want, out[i-1]+h(i-1)+gap)
	}
	for i := selected - 1; i >= 0; i-- {
		out[i] = min(items[i].Want, out[i+1]-h(i)-gap)
	}
	if out[0] >= floor {
		return out
	}
	// Too many notes above the selected one for the room above it: they
	// start at floor, and everything after them moves down.
	out[0] = floor
	for i := 1; i < n; i++ {
		out[i] = max(out[i], out[i-1]+h(i-1)+gap)
	}
	return out
}
