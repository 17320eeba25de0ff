package anchor

// The bit-parallel edit distance of Myers (1999) in the block form of
// Hyyrö (2003): a pattern of m code points is split into blocks of 64 rows,
// and one column of the dynamic programming matrix (pattern × text) is kept
// as two bit vectors per block, the rows where the value goes up (pv) or
// down (mv) by one from the row above. One step of the text costs a dozen
// word operations per block whatever the pattern's length.

const wordBits = 64

// pattern is a string prepared for the matcher: peq holds, for each symbol
// of the text and each block, the rows where the pattern has that symbol.
type pattern struct {
	m       int      // length in code points
	blocks  int      // ceil(m / 64)
	lastBit uint     // the last row's bit in the last block: (m-1) % 64
	peq     []uint64 // symbol*blocks + block → rows; zero outside used rows
	used    []int32  // symbols whose peq rows are set, to clear them again
}

// set prepares the pattern syms (reversed when rev) for a text of nsym
// symbols. Symbols below zero occur nowhere in the text and match nothing.
func (p *pattern) set(syms []int32, rev bool, nsym int) {
	p.clear()
	p.m = len(syms)
	if p.m == 0 {
		return
	}
	p.blocks = (p.m + wordBits - 1) / wordBits
	p.lastBit = uint((p.m - 1) % wordBits)
	if need := nsym * p.blocks; len(p.peq) < need {
		p.peq = make([]uint64, need)
	}
	for i, c := range syms {
		if c < 0 {
			continue
		}
		row := i
		if rev {
			row = p.m - 1 - i
		}
		base := int(c) * p.blocks
		if allZero(p.peq[base : base+p.blocks]) {
			p.used = append(p.used, c)
		}
		p.peq[base+row/wordBits] |= 1 << uint(row%wordBits)
	}
}

// clear zeroes the rows set sets, so peq can serve the next pattern.
func (p *pattern) clear() {
	for _, c := range p.used {
		base := int(c) * p.blocks
		clear(p.peq[base : base+p.blocks])
	}
	p.used = p.used[:0]
	p.m = 0
}

func allZero(xs []uint64) bool {
	for _, x := range xs {
		if x != 0 {
			return false
		}
	}
	return true
}

// hit is the end of an approximate occurrence found by search: the
// pattern matches, with errs errors, a substring ending just before end.
type hit struct{ end, errs int }

// advance runs one block of the matcher over one text symbol. eq is the
// block's peq for the symbol. The change of the value in the row above the
// block from the previous column to this one comes in as hp (1 if +1) and
// hm (1 if -1); the same for the block's last row, whose bit is top, goes
// out as op and om.
func advance(pv, mv, eq, hp, hm uint64, top uint) (npv, nmv, op, om uint64) {
	eq |= hm
	xv := eq | mv
	xh := (((eq & pv) + pv) ^ pv) | eq
	ph := mv | ^(xh | pv)
	mh := pv & xh
	op, om = ph>>top&1, mh>>top&1
	ph = ph<<1 | hp
	mh = mh<<1 | hm
	return mh | ^(xv | ph), ph & xv, op, om
}

// searcher holds the per-block state of a search, reused between searches.
type searcher struct {
	pv, mv []uint64
	score  []int // the value in each block's last row
}

func (s *searcher) grow(blocks int) {
	if len(s.pv) < blocks {
		s.pv = make([]uint64, blocks)
		s.mv = make([]uint64, blocks)
		s.score = make([]int, blocks)
	}
}

// search finds where the pattern occurs in text with at most k errors
// (Levenshtein distance, the start free) and appends to hits the ends
// whose error count is a local minimum, plus off. Blocks whose rows all
// exceed k are not computed (Ukkonen's cut-off), so a search costs about
// k/64+1 block steps per symbol rather than m/64.
func (p *pattern) search(s *searcher, text []int32, off, k int, hits []hit) []hit {
	if p.m == 0 || k < 0 {
		return hits
	}
	if p.blocks == 1 {
		return p.search1(text, off, k, hits)
	}
	nb := p.blocks
	last := nb - 1
	s.grow(nb)
	pv, mv, score := s.pv[:nb], s.mv[:nb], s.score[:nb]
	lastRows := p.m - last*wordBits
	y := min(max(1, (k+wordBits-1)/wordBits)-1, last) // last active block
	for b := 0; b <= y; b++ {
		pv[b], mv[b] = ^uint64(0), 0
		score[b] = min((b+1)*wordBits, p.m)
	}
	peq := p.peq
	lm := localMin{k: k, prev: k + 1, pending: -1}
	for j, c := range text {
		eq := peq[int(c)*nb : int(c)*nb+nb]
		var hp, hm uint64 // the top row is D[0][j] = 0: no change
		for b := 0; b < y; b++ {
			pv[b], mv[b], hp, hm = advance(pv[b], mv[b], eq[b], hp, hm, wordBits-1)
			score[b] += int(hp) - int(hm)
		}
		top := uint(wordBits - 1)
		if y == last {
			top = p.lastBit
		}
		pv[y], mv[y], hp, hm = advance(pv[y], mv[y], eq[y], hp, hm, top)
		carry := int(hp) - int(hm)
		score[y] += carry
		if y < last && score[y]-carry <= k && (eq[y+1]&1 != 0 || carry < 0) {
			// The block below may hold values within k from now on.
			y++
			rows, top := wordBits, uint(wordBits-1)
			if y == last {
				rows, top = lastRows, p.lastBit
			}
			pv[y], mv[y], hp, hm = advance(^uint64(0), 0, eq[y], hp, hm, top)
			score[y] = score[y-1] + rows - carry + int(hp) - int(hm)
		} else {
			for y > 0 && score[y] >= k+wordBits {
				y--
			}
		}
		errs := k + 1
		if y == last {
			errs = score[y]
		}
		hits = lm.step(j+off, errs, hits)
	}
	return lm.finish(hits)
}

// search1 is search for a pattern of one block, where there is nothing to
// cut off.
func (p *pattern) search1(text []int32, off, k int, hits []hit) []hit {
	pv, mv := ^uint64(0), uint64(0)
	errs := p.m
	top := p.lastBit
	peq := p.peq
	lm := localMin{k: k, prev: k + 1, pending: -1}
	for j, c := range text {
		eq := peq[c]
		xv := eq | mv
		xh := (((eq & pv) + pv) ^ pv) | eq
		ph := mv | ^(xh | pv)
		mh := pv & xh
		errs += int(ph>>top&1) - int(mh>>top&1)
		ph <<= 1
		mh <<= 1
		pv = mh | ^(xv | ph)
		mv = ph & xv
		if errs <= k || lm.pending >= 0 {
			hits = lm.step(j+off, errs, hits)
		} else {
			lm.prev = errs
		}
	}
	return lm.finish(hits)
}

// localMin picks, from the error counts of consecutive ends, those at most
// k that are not higher than the ends on either side: the best end of each
// occurrence, all of them when several are equally good (a periodic text
// has exact occurrences one code point apart).
type localMin struct {
	k       int
	prev    int // errors at the previous end
	pending int // previous end, if it may be a local minimum; else -1
}

// step takes the errors of the occurrence ending after text index j.
func (l *localMin) step(j, errs int, hits []hit) []hit {
	if l.pending >= 0 {
		if errs >= l.prev {
			hits = append(hits, hit{end: l.pending, errs: l.prev})
		}
		l.pending = -1
	}
	if errs <= l.k && errs <= l.prev {
		l.pending = j + 1
	}
	l.prev = errs
	return hits
}

// finish ends the scan.
func (l *localMin) finish(hits []hit) []hit {
	if l.pending >= 0 {
		hits = append(hits, hit{end: l.pending, errs: l.prev})
		l.pending = -1
	}
	return hits
}

// anchored computes the edit distance between the pattern and each
// prefix of text, the start of the alignment fixed at the text's start and
// its end free. It returns the least of them and, when all is set, appends
// them all to ds, for the prefix lengths 0 to len(text). With rev the text
// is read backwards from its end (and the pattern should be set reversed),
// for the prefixes of the text that end at a given place.
func (p *pattern) anchored(s *searcher, text []int32, rev, all bool, ds []int) (dist int, _ []int) {
	d := p.m // D[m][0]: every pattern symbol deleted
	dist = d
	if all {
		ds = append(ds, d)
	}
	if p.m == 0 {
		for range text {
			if all {
				ds = append(ds, 0)
			}
		}
		return 0, ds
	}
	nb := p.blocks
	last := nb - 1
	s.grow(nb)
	pv, mv := s.pv[:nb], s.mv[:nb]
	for b := range pv {
		pv[b], mv[b] = ^uint64(0), 0
	}
	n := len(text)
	for j := 0; j < n; j++ {
		c := text[j]
		if rev {
			c = text[n-1-j]
		}
		eq := p.peq[int(c)*nb : int(c)*nb+nb]
		hp, hm := uint64(1), uint64(0) // the top row is D[0][j] = j
		for b := 0; b < last; b++ {
			pv[b], mv[b], hp, hm = advance(pv[b], mv[b], eq[b], hp, hm, wordBits-1)
		}
		pv[last], mv[last], hp, hm = advance(pv[last], mv[last], eq[last], hp, hm, p.lastBit)
		d += int(hp) - int(hm)
		dist = min(dist, d)
		if all {
			ds = append(ds, d)
		}
	}
	return dist, ds
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
