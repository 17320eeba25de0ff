package respond

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// MaxDepth is how deeply a request's JSON may nest. Margin's messages
// nest a dozen levels at most; the bound keeps a hostile body from
// costing more than its size.
const MaxDepth = 64

// strict are the decoding options for every request body. Beyond
// go-json-experiment's defaults (member names matched case-sensitively,
// duplicate names and invalid UTF-8 refused, nothing after the value),
// unknown members are refused too. So {"ID":1} is an unknown member, not
// a second spelling of "id", and {"id":1,"ID":2} is refused rather than
// read differently by different parsers.
var strict = json.JoinOptions(json.RejectUnknownMembers(true))

// ErrTooDeep is returned, wrapped, by Unmarshal for JSON nested deeper
// than MaxDepth.
var ErrTooDeep = errors.New("respond: JSON nests too deeply")

// DecodeJSON reads r's body, at most limit bytes of application/json,
// into v, strictly (see strict). When the body is refused it writes the
// answer (415, 413 or 400) and returns false.
func DecodeJSON(w http.ResponseWriter, r *http.Request, limit int64, v any) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		Error(w, r, Problem{Status: http.StatusUnsupportedMediaType, Code: "unsupported_media_type",
			Message: "Send the request's body as JSON, with Content-Type: application/json."}, err)
		return false
	}
	if r.ContentLength > limit {
		Error(w, r, TooLarge(limit), fmt.Errorf("content length %d", r.ContentLength))
		return false
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			Error(w, r, TooLarge(limit), err)
			return false
		}
		Error(w, r, Problem{Status: http.StatusBadRequest, Code: "unreadable",
			Message: "The server could not read the request's body."}, err)
		return false
	}
	if err := Unmarshal(body, v); err != nil {
		Error(w, r, BadJSON(err), err)
		return false
	}
	return true
}

// Unmarshal decodes b into v with the same strict rules as DecodeJSON.
func Unmarshal(b []byte, v any) error {
	if depth(b) > MaxDepth {
		return fmt.Errorf("%w: more than %d levels", ErrTooDeep, MaxDepth)
	}
	return json.Unmarshal(b, v, strict)
}

// depth returns how deeply b's arrays and objects nest, counting no
// further than MaxDepth+1. It only counts brackets outside strings;
// whether b is valid JSON is the decoder's business.
func depth(b []byte) int {
	d, deepest, inString := 0, 0, false
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case inString && c == '\\':
			i++
		case c == '"':
			inString = !inString
		case inString:
		case c == '[' || c == '{':
			d++
			if d > deepest {
				deepest = d
				if deepest > MaxDepth {
					return deepest
				}
			}
		case c == ']' || c == '}':
			d--
		}
	}
	return deepest
}

// TooLarge is the answer to a body over limit bytes.
func TooLarge(limit int64) Problem {
	return Problem{Status: http.StatusRequestEntityTooLarge, Code: "too_large",
		Message: fmt.Sprintf("The request is too large: this address takes at most %d KiB.", limit>>10)}
}

// BadJSON is the answer to a body that is not the JSON expected; err
// says why, and the sentence names the offending member when it can.
func BadJSON(err error) Problem {
	msg := "The request's body is not valid JSON."
	var serr *json.SemanticError
	var terr *jsontext.SyntacticError
	switch {
	case errors.Is(err, json.ErrUnknownName) && errors.As(err, &serr):
		msg = fmt.Sprintf("The request has a field this address does not take, at %q. Names are case-sensitive.", serr.JSONPointer)
	case errors.Is(err, jsontext.ErrDuplicateName) && errors.As(err, &terr):
		msg = fmt.Sprintf("The request names a field twice, at %q.", terr.JSONPointer)
	case errors.As(err, &serr):
		msg = fmt.Sprintf("The request has a value of the wrong type at %q.", serr.JSONPointer)
	case errors.As(err, &terr):
		msg = fmt.Sprintf("The request's body is not valid JSON (at byte %d).", terr.ByteOffset)
	case errors.Is(err, ErrTooDeep):
		msg = fmt.Sprintf("The request's JSON nests more than %d levels deep.", MaxDepth)
	}
	return Problem{Status: http.StatusBadRequest, Code: "bad_json", Message: msg}
}
