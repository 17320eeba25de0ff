package anchor

import (
	"errors"
	"unicode"
)

// ErrRange reports a range that is not inside the text or is empty:
// start < 0, end > Len() or start >= end.
var ErrRange = errors.New("anchor: range outside the text or empty")

// ErrEmpty reports a range that holds only white space, which no reader
// can see highlighted.
var ErrEmpty = errors.New("anchor: range is only white space")

// Describe returns the Selector of the code points [start, end): the quote,
// up to ContextLen code points of prefix and suffix, the position and the
// text's hash. It returns ErrRange for a range that is outside the text or
// empty and ErrEmpty for one that is only white space.
func (t *Text) Describe(start, end int) (Selector, error) {
	if start < 0 || end > len(t.syms) || start >= end {
		return Selector{}, ErrRange
	}
	blank := true
	for _, id := range t.syms[start:end] {
		if !unicode.IsSpace(t.runes[id]) {
			blank = false
			break
		}
	}
	if blank {
		return Selector{}, ErrEmpty
	}
	return Selector{
		Exact:  t.Slice(start, end),
		Prefix: t.Slice(start-ContextLen, start),
		Suffix: t.Slice(end, end+ContextLen),
		Start:  start,
		End:    end,
		Hash:   t.Hash(),
	}, nil
}
