package anchor

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"sync"
	"unicode/utf8"
)

// Text is a canonical text prepared for anchoring: its code points, each
// replaced by a small symbol number so the matchers can index tables with
// it, and its hash. A Text is read-only once made and safe for concurrent
// use.
type Text struct {
	s     string
	ascii bool    // s is all ASCII: byte offsets are code point offsets
	syms  []int32 // one symbol per code point of s
	runes []rune  // symbol → code point

	asciiSym [utf8.RuneSelf]int32 // ASCII code point → symbol+1; 0 when absent
	otherSym map[rune]int32       // other code points → symbol

	hashOnce sync.Once
	hash     string // hex SHA-256 of s; computed on first use when not given
}

// NewText prepares s for anchoring. hash is the hex SHA-256 of s's UTF-8
// bytes if the caller already has it (article.Meta.Hash); with "" it is
// computed, when first needed. Invalid UTF-8 counts as U+FFFD, one code
// point per bad byte, as ranging over a Go string does.
func NewText(s, hash string) *Text {
	t := &Text{s: s, hash: hash}
	if hash != "" {
		t.hashOnce.Do(func() {})
	}
	syms := make([]int32, 0, len(s))
	ascii := true
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			id := t.asciiSym[c] - 1
			if id < 0 {
				id = t.intern(rune(c))
			}
			syms = append(syms, id)
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		syms = append(syms, t.intern(r))
		i += size
		ascii = false
	}
	t.syms = syms[:len(syms):len(syms)]
	t.ascii = ascii
	return t
}

// intern returns r's symbol, giving it the next one when r is new.
func (t *Text) intern(r rune) int32 {
	if r < utf8.RuneSelf {
		if id := t.asciiSym[r]; id != 0 {
			return id - 1
		}
		id := int32(len(t.runes))
		t.runes = append(t.runes, r)
		t.asciiSym[r] = id + 1
		return id
	}
	if id, ok := t.otherSym[r]; ok {
		return id
	}
	if t.otherSym == nil {
		t.otherSym = map[rune]int32{}
	}
	id := int32(len(t.runes))
	t.runes = append(t.runes, r)
	t.otherSym[r] = id
	return id
}

// sym returns r's symbol, or -1 when r does not occur in the text (and so
// can match nothing in it).
func (t *Text) sym(r rune) int32 {
	if r < utf8.RuneSelf {
		return t.asciiSym[r] - 1
	}
	if id, ok := t.otherSym[r]; ok {
		return id
	}
	return -1
}

// appendSyms appends the symbols of s's code points to dst.
func (t *Text) appendSyms(dst []int32, s string) []int32 {
	for _, r := range s {
		dst = append(dst, t.sym(r))
	}
	return dst
}

// Len returns the length of the text in code points.
func (t *Text) Len() int { return len(t.syms) }

// Hash returns the hex SHA-256 of the text's UTF-8 bytes.
func (t *Text) Hash() string {
	t.hashOnce.Do(func() {
		sum := sha256.Sum256([]byte(t.s))
		t.hash = hex.EncodeToString(sum[:])
	})
	return t.hash
}

// String returns the text.
func (t *Text) String() string { return t.s }

// Slice returns the code points [start, end) of the text, with start and
// end clamped to it; "" when nothing is left.
func (t *Text) Slice(start, end int) string {
	start = max(start, 0)
	end = min(end, len(t.syms))
	if start >= end {
		return ""
	}
	if t.ascii {
		return t.s[start:end]
	}
	var b strings.Builder
	b.Grow(end - start)
	for _, id := range t.syms[start:end] {
		b.WriteRune(t.runes[id])
	}
	return b.String()
}
