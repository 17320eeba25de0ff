package browser

// StreamEvent is one message of a server-sent event stream.
type StreamEvent struct {
	Type string // the event's name: "hello", "change", …
	Data string
}
