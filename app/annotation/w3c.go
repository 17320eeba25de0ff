package annotation

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/url"
	"strings"
	"time"
)

// Context is the JSON-LD context of the Web Annotation Data Model.
const Context = "http://www.w3.org/ns/anno.jsonld"

// timeFormat is how times are written: RFC 3339 in UTC, to the
// millisecond, as xsd:dateTime with the zone "Z" that the model requires.
const timeFormat = "2006-01-02T15:04:05.000Z07:00"

// W3C is an annotation in the Web Annotation Data Model, as ToW3C writes
// it. Embedded in an AnnotationPage, it should go without its Context.
type W3C struct {
	Context    string            `json:"@context,omitempty"`
	ID         string            `json:"id"`
	Type       string            `json:"type"`       // "Annotation"
	Motivation string            `json:"motivation"` // highlighting, commenting or tagging
	Created    string            `json:"created"`
	Modified   string            `json:"modified"`
	Stylesheet *Stylesheet       `json:"stylesheet,omitempty"`
	Body       []TextualBody     `json:"body,omitempty"`
	Target     *SpecificResource `json:"target"`
}

// TextualBody is a body embedded in the annotation: the note, or a tag.
type TextualBody struct {
	Type    string `json:"type"` // "TextualBody"
	Value   string `json:"value"`
	Format  string `json:"format,omitempty"` // "text/markdown" for the note
	Purpose string `json:"purpose"`          // commenting or tagging
}

// SpecificResource is the annotation's target: a passage of an article.
type SpecificResource struct {
	Type       string         `json:"type"`            // "SpecificResource"
	Source     string         `json:"source"`          // the article's URL, or its page in Margin
	Scope      string         `json:"scope,omitempty"` // the article's page in Margin
	State      *State         `json:"state,omitempty"` // names the canonical text by its hash
	StyleClass string         `json:"styleClass"`      // the colour
	Selector   []TextSelector `json:"selector"`        // quote, then position
}

// State names the representation of the source the selectors apply to.
type State struct {
	ID string `json:"id"` // an RFC 6920 ni: URI of the canonical text's SHA-256
}

// TextSelector is a TextQuoteSelector (Exact, Prefix, Suffix) or a
// TextPositionSelector (Start, End).
type TextSelector struct {
	Type   string `json:"type"`
	Exact  string `json:"exact,omitempty"`
	Prefix string `json:"prefix,omitempty"`
	Suffix string `json:"suffix,omitempty"`
	Start  *int   `json:"start,omitempty"`
	End    *int   `json:"end,omitempty"`
}

// Stylesheet is a CSS stylesheet embedded in the annotation.
type Stylesheet struct {
	Type  string `json:"type"` // "CssStylesheet"
	Value string `json:"value"`
}

// The highlight colours as CSS, for the stylesheet ToW3C embeds.
var colorCSS = map[Color]string{
	Yellow: "#fde68a",
	Green:  "#bbf7d0",
	Blue:   "#bfdbfe",
	Pink:   "#fbcfe8",
	Purple: "#e9d5ff",
}

// ToW3C returns a as a Web Annotation in JSON-LD (see NewW3C).
func ToW3C(a Annotation, base string) ([]byte, error) {
	w, err := NewW3C(a, base)
	if err != nil {
		return nil, err
	}
	return json.Marshal(w)
}

// NewW3C returns a as a Web Annotation. base is the origin of the Margin
// server, such as "https://margin.example"; the annotation's IRI is
// base + "/annotations/" + ID and its article's base + "/a/" + Article.
// With base "", they are "urn:uuid:" + ID and the relative "/a/" +
// Article. The error, for an annotation that fails Validate or a base that
// is not an http or https origin, matches ErrInvalid.
func NewW3C(a Annotation, base string) (W3C, error) {
	if err := Validate(&a); err != nil {
		return W3C{}, err
	}
	base = strings.TrimSuffix(base, "/")
	if base != "" && !isOrigin(base) {
		return W3C{}, errorf(ErrInvalid, "writing W3C JSON: base %q is not an http or https origin", clip(base))
	}

	w := W3C{
		Context:    Context,
		ID:         "urn:uuid:" + a.ID,
		Type:       "Annotation",
		Motivation: "highlighting",
		Created:    formatTime(a.Created),
		Modified:   formatTime(a.Modified),
	}
	if base != "" {
		w.ID = base + "/annotations/" + a.ID
	}
	if a.Note != "" {
		w.Motivation = "commenting"
		w.Body = append(w.Body, TextualBody{Type: "TextualBody", Value: a.Note, Format: "text/markdown", Purpose: "commenting"})
	} else if len(a.Tags) > 0 {
		w.Motivation = "tagging"
	}
	for _, t := range a.Tags {
		w.Body = append(w.Body, TextualBody{Type: "TextualBody", Value: t, Purpose: "tagging"})
	}

	// The colour. The model records how a target is to be drawn with a
	// styleClass on the SpecificResource, defined by a CSS stylesheet
	// attached to the annotation (section 4.4, Styles), and a class
	// without such a definition must be ignored, so the stylesheet is
	// embedded. The alternative, a TextualBody with purpose highlighting
	// and value "yellow", would tell every other client that the
	// annotation says "yellow" about the passage.
	w.Stylesheet = &Stylesheet{Type: "CssStylesheet", Value: "." + string(a.Color) + " { background-color: " + colorCSS[a.Color] + "; }"}

	page := base + "/a/" + url.PathEscape(a.Article)
	t := &SpecificResource{
		Type:       "SpecificResource",
		Source:     page,
		Scope:      page,
		StyleClass: string(a.Color),
	}
	if a.Source != "" {
		t.Source = a.Source
	}
	if a.Target.Hash != "" {
		t.State = &State{ID: hashIRI(a.Target.Hash)}
	}
	start, end := a.Target.Start, a.Target.End
	t.Selector = []TextSelector{
		{Type: "TextQuoteSelector", Exact: a.Target.Exact, Prefix: a.Target.Prefix, Suffix: a.Target.Suffix},
		{Type: "TextPositionSelector", Start: &start, End: &end},
	}
	w.Target = t
	return w, nil
}

// isOrigin reports whether s is an http or https origin: a scheme, a host
// and perhaps a port, nothing more.
func isOrigin(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" &&
		s == u.Scheme+"://"+u.Host
}

// hashIRI names a hex SHA-256 as an RFC 6920 "ni" URI.
//
// The hash says which text the positions count in: the model's place for
// that is the State of the SpecificResource (section 4.3), "the intended
// state of a resource as applied to the particular Annotation". A State
// may be given by its IRI alone (the model's example 30), and an ni URI is
// the standard IRI for content named by its hash, so the hash travels
// without a property from outside the model's context.
func hashIRI(h string) string {
	b, _ := hex.DecodeString(h) // Validate checked h
	return "ni:///sha-256;" + base64.RawURLEncoding.EncodeToString(b)
}

// formatTime writes t as the model wants it.
func formatTime(t time.Time) string { return t.UTC().Format(timeFormat) }
