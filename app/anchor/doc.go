// Package anchor attaches annotations to a canonical text and finds them
// again after the text has changed.
//
// A Selector describes a passage three ways at once: its quote with a
// little context (the W3C TextQuoteSelector), its position in code points
// (the TextPositionSelector) and the hash of the text it was made on. A
// Text is one canonical text prepared for anchoring: Describe makes a
// Selector for a range of it, and Resolve and ResolveAll find where stored
// Selectors belong in it now.
//
// Resolving never fails and never drops a selector. When the text is the
// one the selector was made on and the quote is where it says, the result
// is Anchored at once. Otherwise the quote is searched for, exactly and
// approximately (Myers' bit-parallel algorithm, up to about one error in
// five code points), first in a window around the place the old position
// maps to and then, if nothing good enough turns up, in the whole text.
// Every candidate is scored on the quote, the prefix, the suffix and its
// distance from the expected place; the best one above a threshold wins
// (Moved), and when none is good enough the result is Orphaned and lists
// the best few places so a reader can re-attach the annotation by hand.
//
// Offsets are Unicode code points, never bytes or UTF-16 units. README.md
// in this folder explains the algorithm and every threshold.
package anchor
