package article

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxInput is the largest source, in bytes, that a constructor accepts.
// Beyond it a reader has nothing sensible to show, and refusing early keeps
// a hostile page from costing the browser tab seconds of work.
const MaxInput = 10 << 20

// MaxNesting is how deeply lists and quotes may nest in an article. Deeper
// lists and quotes are unwrapped: their content stays, their nesting goes.
// It keeps rendered HTML well inside what an HTML parser accepts, so that an
// article converts back from its own HTML unchanged.
const MaxNesting = 64

// ErrTooLarge is returned, wrapped, for a source larger than MaxInput.
var ErrTooLarge = errors.New("article: the document is too large")

// sizeError says how large the refused document was; it matches ErrTooLarge.
type sizeError struct{ n int }

func (e sizeError) Error() string {
	// Rounded up, so that a document just over the limit does not read
	// as being at it.
	mb := math.Ceil(float64(e.n)*10/(1<<20)) / 10
	return fmt.Sprintf("article: the document is %.1f MB; the limit is %d MB", mb, MaxInput>>20)
}

func (e sizeError) Unwrap() error { return ErrTooLarge }

// checkSize refuses a source larger than MaxInput.
func checkSize(src string) error {
	if len(src) > MaxInput {
		return sizeError{len(src)}
	}
	return nil
}

// clean repairs a source before any parser sees it: invalid UTF-8 becomes
// U+FFFD, line ends become "\n", form feed and vertical tab become spaces,
// and every other control character except tab and newline is removed.
func clean(s string) string {
	if !needsClean(s) {
		return s
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == '\r':
			b.WriteByte('\n')
			if i < len(s) && s[i] == '\n' {
				i++
			}
		case r == '\f' || r == '\v':
			b.WriteByte(' ')
		case r == '\t' || r == '\n':
			b.WriteRune(r)
		case unicode.IsControl(r):
			// dropped
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// needsClean reports whether clean would change s; most sources are clean
// and then need no copy.
func needsClean(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if (c < 0x20 && c != '\t' && c != '\n') || c == 0x7f {
				return true
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			return true
		}
		if unicode.IsControl(r) {
			return true
		}
		i += size
	}
	return false
}
