package anchor

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// naiveEnds is search done the slow way: the full dynamic programming
// matrix, free start, the same local minima.
func naiveEnds(pat, text []int32, k int) []hit {
	m := len(pat)
	col := make([]int, m+1)
	for i := range col {
		col[i] = i
	}
	lm := localMin{k: k, prev: k + 1, pending: -1}
	var hits []hit
	for j, c := range text {
		diag := col[0] // D[0][j-1] = 0
		col[0] = 0
		for i := 1; i <= m; i++ {
			cost := 1
			if pat[i-1] == c {
				cost = 0
			}
			v := min(diag+cost, col[i]+1, col[i-1]+1)
			diag, col[i] = col[i], v
		}
		hits = lm.step(j, min(col[m], k+1), hits)
	}
	return lm.finish(hits)
}

// naiveAnchored is anchored done the slow way.
func naiveAnchored(pat, text []int32) (dist int, ds []int) {
	m := len(pat)
	col := make([]int, m+1)
	for i := range col {
		col[i] = i
	}
	dist, ds = m, []int{m}
	for j, c := range text {
		diag := col[0]
		col[0] = j + 1
		for i := 1; i <= m; i++ {
			cost := 1
			if pat[i-1] == c {
				cost = 0
			}
			v := min(diag+cost, col[i]+1, col[i-1]+1)
			diag, col[i] = col[i], v
		}
		dist = min(dist, col[m])
		ds = append(ds, col[m])
	}
	return dist, ds
}

func randSyms(r *rand.Rand, n, alphabet int) []int32 {
	s := make([]int32, n)
	for i := range s {
		s[i] = int32(r.IntN(alphabet))
	}
	return s
}

// mutate applies up to n random edits (substitute, insert, delete).
func mutate(r *rand.Rand, s []int32, n, alphabet int) []int32 {
	s = slices.Clone(s)
	for range n {
		if len(s) == 0 {
			break
		}
		i := r.IntN(len(s))
		switch r.IntN(3) {
		case 0:
			s[i] = int32(r.IntN(alphabet))
		case 1:
			s = slices.Insert(s, i, int32(r.IntN(alphabet)))
		default:
			s = slices.Delete(s, i, i+1)
		}
	}
	return s
}

func TestSearchMatchesNaive(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var p pattern
	var s searcher
	for _, tc := range []struct {
		name             string
		minM, maxM, runs int
		alphabet         int
	}{
		{"one block, small alphabet", 1, 64, 300, 3},
		{"one block, letters", 1, 64, 300, 26},
		{"two to four blocks", 65, 256, 100, 4},
		{"many blocks, letters", 100, 400, 20, 26},
		{"exact block multiples", 128, 128, 50, 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for run := range tc.runs {
				m := tc.minM + r.IntN(tc.maxM-tc.minM+1)
				pat := randSyms(r, m, tc.alphabet)
				text := randSyms(r, r.IntN(3*m+50), tc.alphabet)
				// Plant a few edited copies so there is something to find.
				for range r.IntN(3) {
					at := r.IntN(len(text) + 1)
					text = slices.Insert(text, at, mutate(r, pat, r.IntN(m/4+1), tc.alphabet)...)
				}
				k := r.IntN(m/3 + 2)
				p.set(pat, false, tc.alphabet)
				got := p.search(&s, text, 0, k, nil)
				want := naiveEnds(pat, text, k)
				if !slices.Equal(got, want) {
					t.Fatalf("run %d: m=%d k=%d len=%d\n got %v\nwant %v", run, m, k, len(text), got, want)
				}
				// Reversed pattern, anchored at the text's end.
				p.set(pat, true, tc.alphabet)
				rp := slices.Clone(pat)
				slices.Reverse(rp)
				rt := slices.Clone(text)
				slices.Reverse(rt)
				gd, gl := p.anchored(&s, text, true, true, nil)
				wd, wl := naiveAnchored(rp, rt)
				if gd != wd || !slices.Equal(gl, wl) {
					t.Fatalf("run %d: anchored rev: got (%d, %v), want (%d, %v)", run, gd, gl, wd, wl)
				}
				// Forwards.
				p.set(pat, false, tc.alphabet)
				gd, gl = p.anchored(&s, text, false, true, nil)
				wd, wl = naiveAnchored(pat, text)
				if gd != wd || !slices.Equal(gl, wl) {
					t.Fatalf("run %d: anchored: got (%d, %v), want (%d, %v)", run, gd, gl, wd, wl)
				}
			}
		})
	}
}

func TestPatternSymbolsNotInText(t *testing.T) {
	var p pattern
	var s searcher
	p.set([]int32{0, -1, 1}, false, 2)
	got := p.search(&s, []int32{0, 1, 0, 0, 1}, 0, 1, nil)
	want := naiveEnds([]int32{0, -1, 1}, []int32{0, 1, 0, 0, 1}, 1)
	if !slices.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
}
