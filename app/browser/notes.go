package browser

// Room is the space beside an article's column where its notes go.
type Room struct {
	OK    bool    // it holds a note column of the minimum width asked for
	RTL   bool    // the article reads right to left: the room is on its left
	Left  float64 // where the note column starts, in page coordinates
	Width float64 // the note column's width
	Top   float64 // the top of the article's column, in page coordinates
}

// NoteBox is a note shown in the margin as measured on the page: the top
// of its passage's first line and the note's own height, in CSS pixels of
// the page. Found is false when the passage has no mark on the page.
type NoteBox struct {
	ID     string
	Want   float64
	Height float64
	Found  bool
}
