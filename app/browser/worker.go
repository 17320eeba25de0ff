package browser

import "errors"

// ErrWorker reports that a worker could not be started or stopped
// answering: its script or module did not load (offline, before the
// service worker had cached it), or it failed.
var ErrWorker = errors.New("browser: the worker is unavailable")
