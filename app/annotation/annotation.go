package annotation

import (
	"time"

	"margin/app/anchor"
)

// Color is a highlight colour, one of Colors.
type Color string

// The highlight colours, in the order the toolbar shows them.
const (
	Yellow Color = "yellow"
	Green  Color = "green"
	Blue   Color = "blue"
	Pink   Color = "pink"
	Purple Color = "purple"
)

// Colors lists every highlight colour; Yellow is the default.
var Colors = []Color{Yellow, Green, Blue, Pink, Purple}

// Annotation is one mark a reader made on an article: a highlighted range,
// maybe with a note (Markdown) and tags.
type Annotation struct {
	ID       string          `json:"id"`               // UUIDv7, made by the client
	Article  string          `json:"article"`          // the article's id in Margin
	Source   string          `json:"source,omitempty"` // the article's original URL, if any
	Target   anchor.Selector `json:"target"`
	Color    Color           `json:"color"`
	Note     string          `json:"note,omitempty"`
	Tags     []string        `json:"tags,omitempty"`
	Created  time.Time       `json:"created"`
	Modified time.Time       `json:"modified"`
}
