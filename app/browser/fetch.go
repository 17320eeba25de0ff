package browser

import "errors"

// ErrOffline reports that a request never reached a server: the network is
// down or the server could not be contacted.
var ErrOffline = errors.New("browser: the server could not be reached")

// Response is what Fetch returns for a request that reached a server.
type Response struct {
	Status int
	Body   []byte
	// RetryAfter is the answer's Retry-After header, "" when it has none:
	// how long a busy or rate-limiting server asks to be left alone.
	RetryAfter string
}
