package browser

// Rect is a box in the viewport, in CSS pixels.
type Rect struct{ X, Y, W, H float64 }

// Selection is the part of the page's selection that lies in an article:
// a range of the canonical text, in code points, and where it is shown.
type Selection struct {
	Start, End int
	Rect       Rect // the whole selection's bounding box
	First      Rect // its first line box
	Last       Rect // its last line box
}
