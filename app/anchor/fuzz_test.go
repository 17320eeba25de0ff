package anchor

import (
	"errors"
	"slices"
	"testing"
	"unicode/utf8"
)

// FuzzResolve describes a range of a text, then resolves it on the same
// text, where it must come back exactly, and on the text after one edit
// (a deletion and an insertion at one place), where it must come back at
// the edited place, or at a place at least as good, or as an orphan; and
// never panic.
func FuzzResolve(f *testing.F) {
	f.Add("The locks rusted shut. The locks rusted shut again.", uint16(4), uint16(17), uint16(0), uint8(0), "Barges stopped. ")
	f.Add("abababababababab", uint16(3), uint16(5), uint16(8), uint8(2), "b")
	f.Add("Café 🎉 日本語 e\u0301 👩\u200d👧 🇫🇷 Café 🎉", uint16(5), uint16(9), uint16(2), uint8(4), "naïve ")
	f.Add("one two three four five six seven eight nine ten", uint16(8), uint16(22), uint16(10), uint8(6), "THREE and a half")
	f.Add("\xff\xfe bad \xc3 bytes \xff", uint16(1), uint16(6), uint16(3), uint8(1), "\x80")
	f.Fuzz(func(t *testing.T, text string, a, b, at uint16, del uint8, ins string) {
		if len(text) > 4000 || len(ins) > 400 {
			t.Skip()
		}
		tx := NewText(text, "")
		n := tx.Len()
		if n == 0 {
			checkResult(t, tx, tx.Resolve(Selector{Exact: ins, Start: int(a), End: int(b)}))
			return
		}
		start := int(a) % n
		end := start + 1 + int(b)%min(n-start, 80)
		sel, err := tx.Describe(start, end)
		if err != nil {
			if !errors.Is(err, ErrEmpty) {
				t.Fatalf("Describe(%d, %d) of a text of %d: %v", start, end, n, err)
			}
			sel = Selector{Exact: tx.Slice(start, end), Start: start, End: end}
			checkResult(t, tx, tx.Resolve(sel))
			return
		}

		// The same text, with its hash and without.
		want := Result{Match: Match{Start: start, End: end, Score: 1}, Status: Anchored}
		if got := tx.Resolve(sel); !equalResult(got, want) {
			t.Fatalf("same text: got %+v, want %+v", got, want)
		}
		if got := NewText(text, "other").Resolve(sel); !equalResult(got, want) {
			t.Fatalf("same text, other hash: got %+v, want %+v", got, want)
		}

		// One edit: delete del code points at at, insert ins there.
		runes := []rune(text)
		edAt := int(at) % (n + 1)
		edDel := min(int(del)%40, n-edAt)
		edIns := utf8.RuneCountInString(ins)
		edited := string(runes[:edAt]) + ins + string(runes[edAt+edDel:])
		moved := func(p int) int { // where the boundary p went
			switch {
			case p <= edAt:
				return p
			case p >= edAt+edDel:
				return p + edIns - edDel
			}
			return edAt
		}
		wantStart, wantEnd := moved(start), max(moved(end), moved(start))
		et := NewText(edited, "")
		got := et.Resolve(sel)
		checkResult(t, et, got)
		all := et.ResolveAll([]Selector{sel, sel, {Exact: ins, Start: edAt, End: edAt + edIns}})
		for _, r := range all {
			checkResult(t, et, r)
		}

		// How good the true place is: a place further away must be at
		// least as good, but for what being near the expected place is
		// worth.
		truth := scoreAt(et, sel, wantStart, wantEnd)
		untouched := edAt+edDel < start-ContextLen-contextSlack || edAt > end+ContextLen+contextSlack
		if untouched && got.Status == Orphaned {
			t.Fatalf("edit at %d far from [%d, %d), yet orphaned: %+v", edAt, start, end, got)
		}
		if got.Status == Orphaned {
			return
		}
		if abs(got.Start-wantStart) > edIns+edDel+2 && got.Score < truth-posWeight-posTie {
			t.Fatalf("placed at [%d, %d) %q (score %.3f); the passage is at [%d, %d) %q (score %.3f)",
				got.Start, got.End, et.Slice(got.Start, got.End), got.Score, wantStart, wantEnd, et.Slice(wantStart, wantEnd), truth)
		}
	})
}

// scoreAt returns the Score the place [start, end) of tx gets for s.
func scoreAt(tx *Text, s Selector, start, end int) float64 {
	r := tx.newResolver()
	q := tx.appendSyms(nil, s.Exact)
	if len(q) == 0 || start >= end {
		return 0
	}
	r.prepare(s, q)
	_, ds := r.quote.anchored(&r.s, tx.syms[start:end], false, true, nil)
	return r.score(ds[end-start], r.contextDist(&r.prefix, start), r.contextDist(&r.suffix, end))
}

// FuzzSearch checks the bit-parallel matcher against the dynamic
// programming it stands for, on a four-letter alphabet so that there is
// something to find.
func FuzzSearch(f *testing.F) {
	f.Add([]byte("abcab"), []byte("xxabcabyyabdabzz"), uint8(1))
	f.Add([]byte("aaaa"), []byte("aaaaaaa"), uint8(0))
	f.Add(make([]byte, 130), append(make([]byte, 100), make([]byte, 100)...), uint8(20))
	f.Fuzz(func(t *testing.T, pat, text []byte, k uint8) {
		if len(pat) == 0 || len(pat) > 300 || len(text) > 2000 {
			t.Skip()
		}
		syms := func(b []byte) []int32 {
			s := make([]int32, len(b))
			for i, c := range b {
				s[i] = int32(c % 4)
			}
			return s
		}
		p, x := syms(pat), syms(text)
		var pt pattern
		var s searcher
		pt.set(p, false, 4)
		if got, want := pt.search(&s, x, 0, int(k), nil), naiveEnds(p, x, int(k)); !slices.Equal(got, want) {
			t.Fatalf("search k=%d: got %v, want %v", k, got, want)
		}
		gd, gs := pt.anchored(&s, x, false, true, nil)
		wd, ws := naiveAnchored(p, x)
		if gd != wd || !slices.Equal(gs, ws) {
			t.Fatalf("anchored: got %d %v, want %d %v", gd, gs, wd, ws)
		}
	})
}
