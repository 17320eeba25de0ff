package annotation

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"margin/app/anchor"
)

// Limits on the Web Annotation documents FromW3C reads.
const (
	MaxW3C      = 1 << 20 // bytes
	MaxW3CDepth = 32      // objects and arrays nested in each other
)

// maxRefine is how deeply FromW3C follows refinedBy and Choice.
const maxRefine = 8

// FromW3C reads a Web Annotation in JSON-LD (as ToW3C writes it, or as
// another client might: see the package documentation) and returns it as
// an Annotation.
//
// The annotation's ID is recovered from an id "urn:uuid:…" or
// "…/annotations/…" holding a UUID, its Article from a target scope
// ".../a/{article}", its times from created and modified (either one
// stands for both when only one is given). An annotation from elsewhere
// lacks some of these: they are left empty, for the caller to fill (with
// NewID, its own article, the time now) before Validate. Everything else
// is checked as Validate would.
//
// Embedded bodies become the note (joined by blank lines; HTML reduced to
// its text) or, with purpose tagging, tags (normalized); a body given only
// by its IRI becomes a line of the note holding that IRI, so that nothing
// the annotation said is lost. Prefixes and suffixes are cut to
// anchor.ContextLen code points. Without a TextPositionSelector that
// agrees with the quote's length, the range is 0 to the quote's length and
// the hash is empty: the position is unknown, and Margin finds the passage
// by its text. A source equal to the scope reads back as no Source.
//
// Errors match ErrTooLarge for a document over MaxW3C bytes or nested
// deeper than MaxW3CDepth; ErrUnsupported for an annotation with other
// than one target, or a target that does not quote text; and ErrInvalid
// for anything else amiss.
func FromW3C(data []byte) (Annotation, error) {
	a, err := fromW3C(data)
	if ke, ok := err.(*kindError); ok {
		ke.err = fmt.Errorf("reading W3C JSON: %w", ke.err)
	}
	return a, err
}

func fromW3C(data []byte) (Annotation, error) {
	if len(data) > MaxW3C {
		return Annotation{}, errorf(ErrTooLarge, "the document is %d bytes long; the most is %d", len(data), MaxW3C)
	}
	if depth(data) > MaxW3CDepth {
		return Annotation{}, errorf(ErrTooLarge, "the document nests objects and arrays more than %d deep", MaxW3CDepth)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return Annotation{}, errorf(ErrInvalid, "the document is not JSON: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return Annotation{}, errorf(ErrInvalid, "the document has more after its JSON value")
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return Annotation{}, errorf(ErrInvalid, "the document is not a JSON object")
	}
	var r reader
	return r.annotation(obj)
}

// reader gathers an annotation's parts from a Web Annotation.
type reader struct {
	notes    []string
	tags     []string
	tagsOnly bool // the motivation is tagging and nothing else
}

func (r *reader) annotation(obj map[string]any) (Annotation, error) {
	ctx, err := strs(obj["@context"], "@context")
	if err != nil {
		return Annotation{}, err
	}
	if !slices.Contains(ctx, Context) && !slices.Contains(ctx, "https://www.w3.org/ns/anno.jsonld") {
		return Annotation{}, errorf(ErrInvalid, "it is not a Web Annotation: its @context does not include %s", Context)
	}
	types, err := strs(obj["type"], "type")
	if err != nil {
		return Annotation{}, err
	}
	if !slices.Contains(types, "Annotation") {
		return Annotation{}, errorf(ErrInvalid, "it is not a Web Annotation: its type is not Annotation")
	}
	var a Annotation
	if id, ok := obj["id"].(string); ok {
		a.ID = annotationID(id)
	}
	if a.Created, err = readTime(obj, "created"); err != nil {
		return Annotation{}, err
	}
	if a.Modified, err = readTime(obj, "modified"); err != nil {
		return Annotation{}, err
	}
	switch {
	case a.Created.IsZero():
		a.Created = a.Modified
	case a.Modified.IsZero():
		a.Modified = a.Created
	case a.Modified.Before(a.Created):
		return Annotation{}, errorf(ErrInvalid, "modified (%s) is before created (%s)", formatTime(a.Modified), formatTime(a.Created))
	}

	motivations, err := strs(obj["motivation"], "motivation")
	if err != nil {
		return Annotation{}, err
	}
	r.tagsOnly = len(motivations) > 0 && !slices.ContainsFunc(motivations, func(m string) bool { return m != "tagging" })
	if bv := obj["bodyValue"]; bv != nil {
		s, ok := bv.(string)
		if !ok {
			return Annotation{}, errorf(ErrInvalid, "bodyValue is not a string")
		}
		r.notes = append(r.notes, s)
	}
	for _, b := range list(obj["body"]) {
		if err := r.body(b, 0); err != nil {
			return Annotation{}, err
		}
	}

	targets := list(obj["target"])
	switch {
	case len(targets) == 0:
		return Annotation{}, errorf(ErrInvalid, "the annotation has no target")
	case len(targets) > 1:
		return Annotation{}, errorf(ErrUnsupported, "the annotation has %d targets, and a Margin annotation marks one passage", len(targets))
	}
	classes, err := r.target(&a, targets[0])
	if err != nil {
		return Annotation{}, err
	}
	a.Color = Yellow
	for _, c := range classes {
		if slices.Contains(Colors, Color(c)) && styled(obj["stylesheet"], c) {
			a.Color = Color(c)
			break
		}
	}
	a.Note = strings.Join(r.notes, "\n\n")
	a.Tags = NormalizeTags(r.tags)

	if a.Article != "" {
		if err := checkArticle(a.Article); err != nil {
			return Annotation{}, err
		}
	}
	if err := checkContent(&a); err != nil {
		return Annotation{}, err
	}
	return a, nil
}

// body reads one body: embedded text becomes the note or a tag; a body
// given by its IRI, a line of the note. Of a Choice, the first item (the
// default) is read.
func (r *reader) body(v any, level int) error {
	switch b := v.(type) {
	case string:
		r.notes = append(r.notes, b)
		return nil
	case map[string]any:
		types, err := strs(b["type"], "a body's type")
		if err != nil {
			return err
		}
		if slices.Contains(types, "Choice") {
			items := list(b["items"])
			if len(items) == 0 || level >= maxRefine {
				return nil
			}
			return r.body(items[0], level+1)
		}
		if v := b["value"]; v != nil {
			s, ok := v.(string)
			if !ok {
				return errorf(ErrInvalid, "a TextualBody's value is not a string")
			}
			purposes, err := strs(b["purpose"], "a body's purpose")
			if err != nil {
				return err
			}
			formats, err := strs(b["format"], "a body's format")
			if err != nil {
				return err
			}
			if slices.Contains(purposes, "tagging") || len(purposes) == 0 && r.tagsOnly {
				r.tags = append(r.tags, s)
				return nil
			}
			if len(formats) > 0 && strings.EqualFold(formats[0], "text/html") {
				s = htmlText(s)
			}
			if s != "" {
				r.notes = append(r.notes, s)
			}
			return nil
		}
		for _, key := range []string{"source", "id"} {
			if iri, ok := iriOf(b[key]); ok {
				r.notes = append(r.notes, iri)
				return nil
			}
		}
		return nil
	default:
		return errorf(ErrInvalid, "a body is neither an IRI nor an object")
	}
}

// target reads the target into a and returns its style classes.
func (r *reader) target(a *Annotation, v any) ([]string, error) {
	t, ok := v.(map[string]any)
	if !ok {
		if iri, ok := v.(string); ok {
			return nil, errorf(ErrUnsupported, "the target is the whole of %s, not a passage of it; Margin annotates passages it can find by their text", clip(iri))
		}
		return nil, errorf(ErrInvalid, "the target is neither an IRI nor an object")
	}
	src, ok := iriOf(t["source"])
	if !ok {
		if _, has := t["selector"]; has || t["source"] != nil {
			return nil, errorf(ErrInvalid, "the target has no source IRI")
		}
		id, _ := t["id"].(string)
		return nil, errorf(ErrUnsupported, "the target is the whole of %s, not a passage of it; Margin annotates passages it can find by their text", clip(id))
	}
	selectors := list(t["selector"])
	if len(selectors) == 0 {
		return nil, errorf(ErrUnsupported, "the target has no selector, so it is the whole of %s; Margin annotates passages it can find by their text", clip(src))
	}

	// A TextQuoteSelector and a TextPositionSelector among the selectors,
	// or else a TextQuoteSelector that refines another selector: its text
	// is still in the source, though its position would count from the
	// start of the other selector's segment.
	var quote, position, refined map[string]any
	for _, s := range selectors {
		m, _ := s.(map[string]any)
		types, err := strs(m["type"], "a selector's type")
		if err != nil {
			return nil, err
		}
		switch {
		case quote == nil && slices.Contains(types, "TextQuoteSelector"):
			quote = m
		case position == nil && slices.Contains(types, "TextPositionSelector"):
			position = m
		case refined == nil && m != nil:
			refined = refinedQuote(m["refinedBy"], 0)
		}
	}
	if quote == nil {
		quote, position = refined, nil
	}
	if quote == nil {
		return nil, errorf(ErrUnsupported, "the target has no TextQuoteSelector; Margin finds a passage by the text it quotes, so it cannot find this one")
	}
	if err := readQuote(&a.Target, quote); err != nil {
		return nil, err
	}
	n := utf8.RuneCountInString(a.Target.Exact)
	a.Target.Start, a.Target.End = 0, n
	if position != nil {
		start, err := readOffset(position, "start")
		if err != nil {
			return nil, err
		}
		end, err := readOffset(position, "end")
		if err != nil {
			return nil, err
		}
		if end-start == n {
			a.Target.Start, a.Target.End = start, end
			a.Target.Hash = stateHash(t["state"])
		}
	}

	var scope string
	for _, s := range list(t["scope"]) {
		iri, _ := iriOf(s)
		if id, ok := articleID(iri); ok {
			a.Article, scope = id, iri
			break
		}
	}
	if src != scope {
		a.Source = src
	}
	return strs(t["styleClass"], "styleClass")
}

// refinedQuote returns the first TextQuoteSelector found by following
// refinedBy from a selector, or nil.
func refinedQuote(v any, level int) map[string]any {
	if level >= maxRefine {
		return nil
	}
	for _, s := range list(v) {
		m, ok := s.(map[string]any)
		if !ok {
			continue
		}
		if types, _ := strs(m["type"], ""); slices.Contains(types, "TextQuoteSelector") {
			return m
		}
		if q := refinedQuote(m["refinedBy"], level+1); q != nil {
			return q
		}
	}
	return nil
}

// readQuote reads a TextQuoteSelector into s, cutting prefix and suffix
// to the anchor.ContextLen code points next to the quote.
func readQuote(s *anchor.Selector, q map[string]any) error {
	exact, ok := q["exact"].(string)
	if !ok {
		return errorf(ErrInvalid, "a TextQuoteSelector has no exact text")
	}
	s.Exact = exact
	for _, f := range []struct {
		key string
		to  *string
	}{{"prefix", &s.Prefix}, {"suffix", &s.Suffix}} {
		v := q[f.key]
		if v == nil {
			continue
		}
		str, ok := v.(string)
		if !ok {
			return errorf(ErrInvalid, "a TextQuoteSelector's %s is not a string", f.key)
		}
		*f.to = str
	}
	if r := []rune(s.Prefix); len(r) > anchor.ContextLen {
		s.Prefix = string(r[len(r)-anchor.ContextLen:])
	}
	if r := []rune(s.Suffix); len(r) > anchor.ContextLen {
		s.Suffix = string(r[:anchor.ContextLen])
	}
	return nil
}

// readOffset reads a TextPositionSelector's start or end.
func readOffset(m map[string]any, key string) (int, error) {
	num, ok := m[key].(json.Number)
	if !ok {
		return 0, errorf(ErrInvalid, "a TextPositionSelector's %s is not a number", key)
	}
	n, err := num.Int64()
	if err != nil || n < 0 || n > 1<<40 {
		return 0, errorf(ErrInvalid, "a TextPositionSelector's %s, %s, is not a whole number from 0", key, clip(num.String()))
	}
	return int(n), nil
}
