package article

import (
	"errors"
	"fmt"
	"unicode/utf8"
)

// ErrMalformed is returned, wrapped, by Check for an article that Margin's
// own constructors could not have made.
var ErrMalformed = errors.New("article: the article is malformed")

// Check reports whether a, decoded from JSON that another device sent, is
// an article the constructors could have made: known block kinds, heading
// levels 1 to 6, nesting within MaxNesting, valid UTF-8, and every link and
// image an address SafeURL keeps as it is. The renderer trusts the model,
// so a model from elsewhere passes here before it is shown.
func Check(a *Article) error {
	if a == nil {
		return fmt.Errorf("%w: there is no article", ErrMalformed)
	}
	for _, s := range []string{a.ID, a.Meta.Title, a.Meta.Byline, a.Meta.Site, a.Meta.Lang, a.Meta.Excerpt, a.Meta.Hash} {
		if !utf8.ValidString(s) {
			return fmt.Errorf("%w: its details are not valid UTF-8", ErrMalformed)
		}
	}
	if u := a.Meta.URL; u != "" {
		if got, ok := SafeURL(u, "", false); !ok || got != u {
			return fmt.Errorf("%w: address %.64q is not a plain http(s) address", ErrMalformed, u)
		}
	}
	if u := a.Meta.Image; u != "" && !imageSrcOK(u) {
		return fmt.Errorf("%w: image address %.64q is not a plain http(s) address", ErrMalformed, u)
	}
	switch a.Meta.Dir {
	case "", "ltr", "rtl":
	default:
		return fmt.Errorf("%w: writing direction %.16q", ErrMalformed, a.Meta.Dir)
	}
	return checkModelBlocks(a.Blocks, 0)
}

func checkModelBlocks(blocks []Block, depth int) error {
	if depth > MaxNesting {
		return fmt.Errorf("%w: lists and quotes nest deeper than %d", ErrMalformed, MaxNesting)
	}
	for i := range blocks {
		b := &blocks[i]
		switch b.Kind {
		case Heading:
			if b.Level < 1 || b.Level > 6 {
				return fmt.Errorf("%w: heading level %d", ErrMalformed, b.Level)
			}
		case Paragraph, Code, Rule:
		case Figure:
			if b.Image != nil {
				if !imageSrcOK(b.Image.Src) {
					return fmt.Errorf("%w: image address %.64q is not a plain http(s) address", ErrMalformed, b.Image.Src)
				}
				if !utf8.ValidString(b.Image.Alt) {
					return fmt.Errorf("%w: image text is not valid UTF-8", ErrMalformed)
				}
			}
		case List:
			for _, it := range b.Items {
				if err := checkModelBlocks(it.Blocks, depth+1); err != nil {
					return err
				}
			}
		case Quote:
			if err := checkModelBlocks(b.Blocks, depth+1); err != nil {
				return err
			}
		case Table:
			for _, row := range b.Rows {
				for _, c := range row.Cells {
					if err := checkModelRuns(c.Runs); err != nil {
						return err
					}
				}
			}
		default:
			return fmt.Errorf("%w: unknown block kind %.32q", ErrMalformed, b.Kind)
		}
		if err := checkModelRuns(b.Runs); err != nil {
			return err
		}
	}
	return nil
}

func checkModelRuns(runs []Run) error {
	for _, r := range runs {
		if !utf8.ValidString(r.Text) {
			return fmt.Errorf("%w: text is not valid UTF-8", ErrMalformed)
		}
		if r.Style >= Sup<<1 {
			return fmt.Errorf("%w: unknown inline style %d", ErrMalformed, r.Style)
		}
		if r.Href == "" {
			continue
		}
		if got, ok := SafeURL(r.Href, "", true); !ok || got != r.Href {
			return fmt.Errorf("%w: link %.64q is not an http(s) or mailto address", ErrMalformed, r.Href)
		}
	}
	return nil
}
