package anchor

import "slices"

// The thresholds of Resolve; README.md explains how they were chosen.
const (
	// maxErrorsDiv sets the most errors an approximate match of the quote
	// may have: one per maxErrorsDiv code points, rounded down.
	maxErrorsDiv = 5
	// offerErrorsDiv and offerMaxErrors set the most errors of the places
	// offered to an orphan: one per offerErrorsDiv code points, at most
	// offerMaxErrors, and never fewer than an accepted match may have.
	offerErrorsDiv = 3
	offerMaxErrors = 64
	// windowSlack is how far, in code points, the first search reaches on
	// each side of the place the quote is expected to start.
	windowSlack = 1024
	// boundarySlack is how many more errors than its best alignment an
	// alignment of the quote may have and still be weighed, with the
	// context, to place a candidate's start and end.
	boundarySlack = 3
	// contextSlack is how many code points beyond the stored prefix or
	// suffix the context comparison may read, so text inserted into the
	// context costs only its own length.
	contextSlack = 8
	// accept is the least Score a place needs to be taken.
	accept = 0.65
	// posWeight is the most the closeness to the expected place adds to a
	// candidate's rank (not to its Score): all of it up to posNear code
	// points from the expected start, half of it posNear+posScale away,
	// and so on. posTie adds a little more the nearer a candidate is, so
	// that of equal places the nearest wins.
	posWeight = 0.25
	posNear   = 128
	posScale  = 256.0
	posTie    = 0.01
	// topSize is how many of the best non-overlapping candidates a search
	// keeps.
	topSize = 8
)

// Weights of the Score: the quote counts most; prefix and suffix together
// a little less.
const (
	quoteWeight  = 50.0
	prefixWeight = 20.0
	suffixWeight = 20.0
	weightSum    = quoteWeight + prefixWeight + suffixWeight
)

// Resolve finds where s belongs in the text. It never fails: a selector
// that cannot be placed comes back Orphaned with the best candidates, and
// an invalid one (positions outside the text, an empty quote) is searched
// for by its quote or orphaned. The quote is expected at s.Start, clamped
// to the text; ResolveAll predicts the place better for many selectors.
func (t *Text) Resolve(s Selector) Result {
	r := t.newResolver()
	at := min(max(s.Start, 0), t.Len())
	return r.resolve(s, at, at)
}

// placedResult is the Result for a place taken: Anchored when it is the
// selector's own position and text, Moved otherwise.
func placedResult(t *Text, s Selector, c candidate) Result {
	st := Moved
	if c.start == s.Start && c.end == s.End && t.Slice(c.start, c.end) == s.Exact {
		st = Anchored
	}
	return Result{Match: Match{Start: c.start, End: c.end, Score: c.score}, Status: st}
}

// resolver holds the buffers of one Resolve or ResolveAll call, so the
// search allocates nothing per candidate.
type resolver struct {
	t              *Text
	quote, rquote  pattern // the quote, forwards and reversed
	prefix, suffix pattern // the prefix reversed, the suffix forwards
	s              searcher
	syms           []int32
	hits           []hit
	ds             []int
	top            []candidate // best first, not overlapping
	best           candidate   // the best candidate whose score is accepted
	expLo, expHi   int         // where the quote is expected to start
	k              int         // errors allowed in the quote
	offerOnly      bool        // the search looks for places to offer, not to accept
	lo, hi         int         // the range searched last
}

func (t *Text) newResolver() *resolver {
	return &resolver{t: t, top: make([]candidate, 0, topSize+1)}
}

// resolve places s, expecting its quote to start in [lo, hi].
func (r *resolver) resolve(s Selector, lo, hi int) Result {
	t := r.t
	n := t.Len()
	r.syms = t.appendSyms(r.syms[:0], s.Exact)
	q := r.syms
	m := len(q)
	r.top = r.top[:0]
	r.lo, r.hi = 0, 0
	if m == 0 {
		return Result{Status: Orphaned}
	}
	atOld := s.Start >= 0 && s.Start <= s.End && s.End <= n && s.End-s.Start == m && slices.Equal(t.syms[s.Start:s.End], q)
	if atOld && s.Hash != "" && s.Hash == t.Hash() {
		return Result{Match: Match{Start: s.Start, End: s.End, Score: 1}, Status: Anchored}
	}

	r.prepare(s, q)
	r.expLo, r.expHi = lo, hi
	r.best = candidate{score: -1}

	r.searchIn(max(0, lo-windowSlack), min(n, hi+m+windowSlack))
	if r.best.score < 0 && (r.lo > 0 || r.hi < n) {
		r.top = r.top[:0]
		r.searchIn(0, n)
	}
	if r.best.score >= 0 {
		return placedResult(t, s, r.best)
	}
	// Nothing to accept: look for places to offer with more errors.
	if k := max(r.k, min(m/offerErrorsDiv, offerMaxErrors)); k > r.k {
		r.k, r.offerOnly = k, true
		r.top = r.top[:0]
		r.searchIn(0, n)
		r.offerOnly = false
	}
	res := Result{Status: Orphaned}
	for _, c := range r.top[:min(len(r.top), MaxCandidates)] {
		res.Candidates = append(res.Candidates, Match{Start: c.start, End: c.end, Score: c.score})
	}
	return res
}

// prepare sets the matchers up for the quote q (s.Exact's symbols) and
// s's context.
func (r *resolver) prepare(s Selector, q []int32) {
	nsym := len(r.t.runes)
	r.quote.set(q, false, nsym)
	r.rquote.set(q, true, nsym)
	r.setContext(&r.prefix, s.Prefix, true)
	r.setContext(&r.suffix, s.Suffix, false)
	r.k = len(q) / maxErrorsDiv
}

// setContext prepares the prefix (reversed, nearest the quote first) or
// the suffix, at most ContextLen code points of it.
func (r *resolver) setContext(p *pattern, ctx string, prefix bool) {
	start := len(r.syms)
	r.syms = r.t.appendSyms(r.syms, ctx)
	c := r.syms[start:]
	if prefix {
		c = c[max(0, len(c)-ContextLen):]
	} else {
		c = c[:min(len(c), ContextLen)]
	}
	p.set(c, prefix, len(r.t.runes))
	r.syms = r.syms[:start]
}
