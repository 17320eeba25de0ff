package anchor

import (
	"cmp"
	"slices"
	"unicode/utf8"
)

// ResolveAll resolves every selector and returns the results in the same
// order. A text is edited by insertions and deletions whose effect adds up
// along it, so each selector is expected shifted as far as its neighbours
// were. It goes twice through the selectors in the order of their old
// Start: the first time it expects each one shifted as the last one placed
// before it; the second time, for the selectors that had more than one
// acceptable place, it expects the shift to lie between the shifts of the
// placed neighbours before and after, and takes the best place again.
func (t *Text) ResolveAll(sels []Selector) []Result {
	res := make([]Result, len(sels))
	order := make([]int, len(sels))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		return cmp.Or(cmp.Compare(sels[a].Start, sels[b].Start), cmp.Compare(sels[a].End, sels[b].End))
	})
	r := t.newResolver()
	n := t.Len()

	// First pass: expect the shift of the last selector placed.
	var open []ambiguity
	shift := 0
	for p, i := range order {
		s := sels[i]
		at := min(max(s.Start+shift, 0), n)
		res[i] = r.resolve(s, at, at)
		if res[i].Status == Orphaned || s.Start < 0 {
			continue
		}
		shift = res[i].Start - s.Start
		if a, ok := r.ambiguity(p); ok {
			open = append(open, a)
		}
	}
	if len(open) == 0 {
		return res
	}

	// Second pass, over the selectors with a choice: expect the shift
	// between those of the placed neighbours on either side, the one
	// before as this pass left it, the one after as the first did.
	shifts := make([]int, len(order)) // by place in order
	placed := make([]bool, len(order))
	for p, i := range order {
		if res[i].Status != Orphaned && sels[i].Start >= 0 {
			shifts[p], placed[p] = res[i].Start-sels[i].Start, true
		}
	}
	for _, a := range open {
		i := order[a.at]
		s := sels[i]
		lo, hi, ok := neighbourShifts(placed, shifts, a.at)
		if !ok {
			continue
		}
		elo, ehi := min(max(s.Start+lo, 0), n), min(max(s.Start+hi, 0), n)
		if elo >= a.lo && ehi+utf8.RuneCountInString(s.Exact) <= a.hi {
			res[i] = placedResult(t, s, a.choose(elo, ehi))
		} else {
			res[i] = r.resolve(s, elo, ehi) // the first search did not reach there
		}
		if res[i].Status == Orphaned {
			placed[a.at] = false
		} else {
			shifts[a.at] = res[i].Start - s.Start
		}
	}
	return res
}

// neighbourShifts returns the shifts of the nearest placed selectors
// before and after place p, lowest first; with one of them only, that one
// twice.
func neighbourShifts(placed []bool, shifts []int, p int) (lo, hi int, ok bool) {
	before, after := -1, -1
	for q := p - 1; q >= 0 && before < 0; q-- {
		if placed[q] {
			before = q
		}
	}
	for q := p + 1; q < len(placed) && after < 0; q++ {
		if placed[q] {
			after = q
		}
	}
	switch {
	case before >= 0 && after >= 0:
		return min(shifts[before], shifts[after]), max(shifts[before], shifts[after]), true
	case before >= 0:
		return shifts[before], shifts[before], true
	case after >= 0:
		return shifts[after], shifts[after], true
	}
	return 0, 0, false
}

// ambiguity is a selector that had more than one acceptable place: its
// place in ResolveAll's order, the places, and the range of the text that
// was searched for them.
type ambiguity struct {
	at     int
	lo, hi int
	places []candidate
}

// ambiguity returns the acceptable places of the last resolve, if there
// were two or more.
func (r *resolver) ambiguity(at int) (ambiguity, bool) {
	a := ambiguity{at: at, lo: r.lo, hi: r.hi}
	for _, c := range r.top {
		if c.score >= accept {
			a.places = append(a.places, c)
		}
	}
	return a, len(a.places) > 1
}

// choose returns the best place for a quote expected to start in
// [lo, hi].
func (a ambiguity) choose(lo, hi int) candidate {
	var best candidate
	for i, c := range a.places {
		c.rank = c.score + closeness(c.start, lo, hi)
		if i == 0 || c.rank > best.rank {
			best = c
		}
	}
	return best
}
