package browser

// Key is a key press as the reader's shortcuts see it.
type Key struct {
	Key   string // the KeyboardEvent key: "h", "[", "Escape", …
	Shift bool
	Mod   bool // Control, Meta or Alt held: the shortcut belongs to someone else
}
