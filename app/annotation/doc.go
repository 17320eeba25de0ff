// Package annotation holds Margin's annotation record: a highlighted range
// of an article's canonical text, with a colour, maybe a Markdown note and
// tags.
//
// # Identity
//
// NewID makes the ids: UUIDv7 (RFC 9562), so that ids sort in the order
// they were made, across devices by time and within one process exactly.
// ValidID checks their form.
//
// # Validation
//
// Validate is the one definition of a well-formed annotation; the UI,
// the sync engine and the server all call it before storing. Its errors
// are sentences for a person and match ErrInvalid. Tags are stored in the
// form NormalizeTags gives them.
//
// # W3C Web Annotation Data Model
//
// ToW3C writes an annotation as a JSON-LD Web Annotation
// (https://www.w3.org/TR/annotation-model/) and FromW3C reads one back,
// accepting the variety the model allows: bodies and targets as IRIs,
// objects or arrays, selectors singly or in arrays, motivations and
// purposes singly or in arrays, extra properties ignored. The mapping:
//
//   - the note is a TextualBody with format text/markdown and purpose
//     commenting; each tag a TextualBody with purpose tagging;
//   - the motivation is commenting with a note, tagging with tags only,
//     highlighting with neither;
//   - the target is a SpecificResource whose source is the article's
//     original URL (or its page in Margin), whose scope is its page in
//     Margin (base + "/a/" + article id), and whose selectors are a
//     TextQuoteSelector and a TextPositionSelector;
//   - the hash of the canonical text is the target's State, named by an
//     RFC 6920 ni: URI;
//   - the colour is a styleClass on the target, defined by the
//     annotation's embedded CssStylesheet.
//
// Margin finds a passage by the text it quotes, so a Web Annotation whose
// target has no TextQuoteSelector is refused with ErrUnsupported, as is
// one with more than one target.
package annotation
