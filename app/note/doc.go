// Package note renders annotation notes, which are written in a small
// subset of Markdown, for reading: HTML shows a note formatted, Plain gives
// its text for one-line previews and search.
//
// The subset:
//
//   - paragraphs, separated by blank lines; within one, each line end is a
//     line break, as people typing a note expect;
//   - *emphasis* or _emphasis_, **strong** or __strong__, `code`;
//   - [text](url) links and bare http:// and https:// URLs;
//   - lists, "- ", "* " or "+ " for bullets and "1. " or "1) " for
//     numbers, one level deep (indented items join the list);
//   - "> " quotes, which may hold the rest.
//
// A backslash before ASCII punctuation makes it literal. Anything else is
// text.
//
// Safety does not rest on the input: every piece of text is escaped, the
// only elements written are p, br, em, strong, code, a, ul, ol, li and
// blockquote, the only attributes href, rel and target on a and start on
// ol, and a link is written only when its URL parses with the scheme http
// or https and a host, or mailto; rel="noopener noreferrer nofollow" and
// target="_blank" go on every link. A link with any other URL is shown as
// the text it was written as. Elements are written whole, so the output is
// always well formed, and the parser takes time linear in the input (with
// a bounded nesting depth), whatever the input.
package note
