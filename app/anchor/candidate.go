package anchor

import (
	"cmp"
	"slices"
)

// candidate is one place the quote may be.
type candidate struct {
	start, end int
	score      float64 // on quote and context: Match.Score
	rank       float64 // score plus closeness
}

// searchIn looks for the quote in the code points [lo, hi) and scores
// every occurrence it finds.
func (r *resolver) searchIn(lo, hi int) {
	r.lo, r.hi = lo, hi
	r.hits = r.quote.search(&r.s, r.t.syms[lo:hi], lo, r.k, r.hits[:0])
	for _, h := range r.hits {
		start, pd := r.placeStart(h.end)
		end, errs, sd := r.placeEnd(start)
		r.consider(start, end, errs, pd, sd)
	}
}

// placeStart returns where the occurrence of the quote that ends at end
// starts, and the prefix's distance there. Edit distance alone often
// cannot tell (a word deleted at the start of the quote can be aligned
// one code point either way), so of the alignments within boundarySlack
// errors of the best, it takes the one with the fewest errors in quote
// and prefix together, then in the prefix, then the length nearest the
// quote's. A context more than half wrong is no guide and counts as
// wholly wrong.
func (r *resolver) placeStart(end int) (start, pd int) {
	m := r.quote.m
	from := max(0, end-m-r.k-boundarySlack)
	var least int
	least, r.ds = r.rquote.anchored(&r.s, r.t.syms[from:end], true, true, r.ds[:0])
	start, pd = max(0, end-m), -1
	best, bestP := 0, 0 // the total and prefix errors weighed for start
	for l, d := range r.ds {
		if l == 0 || d > least+boundarySlack {
			continue
		}
		p := r.contextDist(&r.prefix, end-l)
		w := guide(p, r.prefix.m)
		if pd < 0 || d+w < best || d+w == best && (w < bestP || w == bestP && abs(l-m) < abs(end-start-m)) {
			start, pd, best, bestP = end-l, p, d+w, w
		}
	}
	return start, max(pd, 0)
}

// placeEnd is placeStart's twin: where the occurrence that starts at
// start ends, with its errors and the suffix's distance there.
func (r *resolver) placeEnd(start int) (end, errs, sd int) {
	m := r.quote.m
	to := min(len(r.t.syms), start+m+r.k+boundarySlack)
	var least int
	least, r.ds = r.quote.anchored(&r.s, r.t.syms[start:to], false, true, r.ds[:0])
	end, errs, sd = min(to, start+m), m, -1
	best, bestS := 0, 0
	for l, d := range r.ds {
		if l == 0 || d > least+boundarySlack {
			continue
		}
		s := r.contextDist(&r.suffix, start+l)
		w := guide(s, r.suffix.m)
		if sd < 0 || d+w < best || d+w == best && (w < bestS || w == bestS && abs(l-m) < abs(end-start-m)) {
			end, errs, sd, best, bestS = start+l, d, s, d+w, w
		}
	}
	return end, errs, max(sd, 0)
}

// guide is the distance d of a context of length l as placeStart and
// placeEnd weigh it: all of l when more than half of it is wrong.
func guide(d, l int) int {
	if 2*d > l {
		return l
	}
	return d
}

// contextDist is the edit distance between the prefix (p is r.prefix) and
// the text before at, or the suffix and the text after at; the far end of
// the text is free, so an insertion into the context costs its length.
func (r *resolver) contextDist(p *pattern, at int) int {
	if p.m == 0 {
		return 0
	}
	if p == &r.prefix {
		d, _ := p.anchored(&r.s, r.t.syms[max(0, at-p.m-contextSlack):at], true, false, nil)
		return d
	}
	d, _ := p.anchored(&r.s, r.t.syms[at:min(len(r.t.syms), at+p.m+contextSlack)], false, false, nil)
	return d
}

// consider scores the occurrence [start, end), with errs errors in the
// quote, pd in the prefix and sd in the suffix, and keeps it if it is
// among the best.
func (r *resolver) consider(start, end, errs, pd, sd int) {
	c := candidate{start: start, end: end, score: r.score(errs, pd, sd)}
	c.rank = c.score + closeness(start, r.expLo, r.expHi)
	if !r.offerOnly && c.score >= accept && (r.best.score < 0 || c.rank > r.best.rank) {
		r.best = c
	}
	r.keep(c)
}

// score is the Score of a place with errs errors in the quote, pd in the
// prefix and sd in the suffix: the weighted mean of the three
// similarities, each 1 minus errors per code point; an empty context
// counts as similar.
func (r *resolver) score(errs, pd, sd int) float64 {
	sim := func(d int, p *pattern) float64 {
		if p.m == 0 {
			return 1
		}
		return 1 - float64(d)/float64(p.m)
	}
	s := quoteWeight*sim(errs, &r.quote) + prefixWeight*sim(pd, &r.prefix) + suffixWeight*sim(sd, &r.suffix)
	return max(s/weightSum, 0)
}

// keep adds c to the best candidates unless a better one overlaps it,
// and drops the worse ones it overlaps.
func (r *resolver) keep(c candidate) {
	for _, o := range r.top {
		if o.start < c.end && c.start < o.end && o.rank >= c.rank {
			return
		}
	}
	top := r.top[:0]
	for _, o := range r.top {
		if !(o.start < c.end && c.start < o.end) {
			top = append(top, o)
		}
	}
	i, _ := slices.BinarySearchFunc(top, c, func(a, b candidate) int { return cmp.Compare(b.rank, a.rank) })
	top = slices.Insert(top, i, c)
	r.top = top[:min(len(top), topSize)]
}

// closeness is what being near the expected start [lo, hi] adds to a
// candidate's rank: posWeight up to posNear code points from it, half as
// much posScale code points further, and so on; plus up to posTie, the
// more the nearer, so that of equal places the nearest wins.
func closeness(start, lo, hi int) float64 {
	d := 0
	if start < lo {
		d = lo - start
	} else if start > hi {
		d = start - hi
	}
	near := posWeight
	if d > posNear {
		near = posWeight / (1 + float64(d-posNear)/posScale)
	}
	return near + posTie/(1+float64(d)/posScale)
}
