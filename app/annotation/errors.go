package annotation

import (
	"errors"
	"fmt"
)

// The kinds of error this package returns. Each error it returns matches
// one of them (errors.Is) and reads as a sentence for a person.
var (
	// ErrInvalid is an annotation that breaks one of Validate's rules, or
	// a document that is not a well-formed Web Annotation.
	ErrInvalid = errors.New("annotation: invalid")
	// ErrUnsupported is a well-formed Web Annotation that Margin cannot
	// hold, such as one that does not quote the text it targets.
	ErrUnsupported = errors.New("annotation: not supported by Margin")
	// ErrTooLarge is a Web Annotation document over MaxW3C bytes or
	// nested deeper than MaxW3CDepth.
	ErrTooLarge = errors.New("annotation: document too large")
)

// kindError is an error whose message is a whole sentence and whose kind
// is one of the sentinel errors above.
type kindError struct {
	kind error
	err  error // the message, and whatever it wraps
}

func (e *kindError) Error() string   { return "annotation: " + e.err.Error() }
func (e *kindError) Unwrap() []error { return []error{e.kind, e.err} }

// errorf returns an error of the given kind whose message is
// "annotation: " and then format applied to args, as by fmt.Errorf (so
// %w wraps a cause).
func errorf(kind error, format string, args ...any) error {
	return &kindError{kind: kind, err: fmt.Errorf(format, args...)}
}
