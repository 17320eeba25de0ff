// Package e2e tests the real margin binary end to end: started on a free
// loopback port, spoken to over HTTP, and driven in headless Chromium.
// The tests find the binary through MARGIN_BIN (make test sets it) and
// Chromium at /usr/bin/chromium (or CHROMIUM). Without either they skip,
// except under CI=true, where they fail.
package e2e
