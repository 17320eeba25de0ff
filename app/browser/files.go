package browser

// File is a file the reader picked or dropped on the page.
type File struct {
	Name string
	Size int    // in bytes
	Data []byte // nil when Size is over the limit OnFiles was given
}
