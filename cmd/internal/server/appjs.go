package server

import (
	"bytes"
	"net/http"
	"strconv"
)

// go-app's app.js starts the service worker and the WASM as soon as the
// page is parsed. Both then compete with the page's first paint for the
// CPU: the worker precaches the whole app shell (app.wasm again among it)
// and the browser compiles the WASM. Margin's page is readable without
// either, so app.js starts the WASM after the first paint and the worker
// once the page has loaded.
var (
	appJSStart = []byte("goappInitServiceWorker();\n")
	appJSWasm  = []byte("goappInitWebAssembly();\n")

	appJSStartLater = []byte(`window.addEventListener("load", () => goappInitServiceWorker());` + "\n")
	appJSWasmLater  = []byte(`requestAnimationFrame(() => setTimeout(goappInitWebAssembly, 0));` + "\n")
)

// serveAppJS serves go-app's app.js with its start-up deferred as above.
// If go-app's script no longer has the expected lines, it goes out as it
// is: slower to paint, but working.
func (s *Server) serveAppJS(w http.ResponseWriter, r *http.Request) {
	rec := &recorder{header: http.Header{}}
	s.app.ServeHTTP(rec, r)
	body := rec.body.Bytes()
	if rec.status == http.StatusOK &&
		bytes.Count(body, appJSStart) == 1 && bytes.Count(body, appJSWasm) == 1 {
		body = bytes.Replace(body, appJSStart, appJSStartLater, 1)
		body = bytes.Replace(body, appJSWasm, appJSWasmLater, 1)
		rec.header.Set("Content-Length", strconv.Itoa(len(body)))
	}
	copyHeader(w.Header(), rec.header)
	if rec.status != 0 {
		w.WriteHeader(rec.status)
	}
	w.Write(body)
}
