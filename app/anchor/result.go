package anchor

import "strconv"

// Status says how a Selector was found in a text.
type Status int

const (
	// Anchored: the quote is exactly where the selector says, either in the
	// very text it was made on (same hash) or, after a search, at the same
	// position of a changed text.
	Anchored Status = iota
	// Moved: the passage was found somewhere else, or only approximately
	// (its wording or its context changed).
	Moved
	// Orphaned: no place is good enough. The annotation is kept and shown
	// apart; Result.Candidates offers the best places there are.
	Orphaned
)

// String returns the status in lower case: "anchored", "moved", "orphaned".
func (s Status) String() string {
	switch s {
	case Anchored:
		return "anchored"
	case Moved:
		return "moved"
	case Orphaned:
		return "orphaned"
	}
	return "status(" + strconv.Itoa(int(s)) + ")"
}

// Match is a range of the text, in code points (End exclusive), with how
// well it fits a selector: Score is 1 for a perfect fit and falls towards
// 0 as the quote and its context differ.
type Match struct {
	Start int     `json:"start"`
	End   int     `json:"end"`
	Score float64 `json:"score"`
}

// Result is where a Selector belongs in a text. For Anchored and Moved the
// embedded Match is the place and Candidates is empty. For Orphaned the
// Match is zero and Candidates holds up to MaxCandidates places, best
// first, that do not overlap; they scored below the acceptance threshold
// and a reader may re-attach the annotation to one of them. Candidates
// may be empty when nothing in the text resembles the quote.
type Result struct {
	Match
	Status     Status  `json:"status"`
	Candidates []Match `json:"candidates,omitempty"`
}

// MaxCandidates is the most places an orphan's Result offers.
const MaxCandidates = 3
