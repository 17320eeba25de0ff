package server

import (
	"bytes"
	"net/http"
	"regexp"
	"strconv"
)

// go-app's app.js starts the service worker and the WASM as soon as the
// page is parsed. Both then compete with the page's first paint for the
// CPU: the worker precaches the whole app shell (app.wasm again among it)
// and the browser compiles the WASM. Margin's page is readable without
// either, so app.js starts the WASM after the first paint, and the worker
// once the app has mounted and painted (the app calls marginStartWorker,
// see browser.StartWorker), the page has been idle, and 2 s more have
// passed, so that its downloads do not slow the reader's first clicks
// either. A page whose WASM cannot run starts it 10 s after its load.
var (
	appJSStart = []byte("goappInitServiceWorker();\n")
	appJSWasm  = []byte("goappInitWebAssembly();\n")

	appJSStartLater = []byte(`var marginWorker = false;
function marginStartWorker() {
  if (marginWorker) return;
  marginWorker = true;
  const idle = window.requestIdleCallback || ((f) => setTimeout(f, 1));
  idle(() => setTimeout(goappInitServiceWorker, 2000), { timeout: 3000 });
}
window.addEventListener("load", () => setTimeout(marginStartWorker, 10000));
`)
	appJSWasmLater = []byte(`requestAnimationFrame(() => setTimeout(goappInitWebAssembly, 0));` + "\n")
)

// go-app's app.js also pipes app.wasm through a JavaScript stream to count
// its bytes for the loader's percentage, which Margin does not show. That
// stream runs on the page's main thread, chunk by chunk, so the download
// waits on the page's own work. A plain fetch hands the bytes to the
// browser's compiler directly.
var appJSFetch = regexp.MustCompile(`fetchWithProgress\(("[^"\\]*"), showProgress\)`)

// serveAppJS serves go-app's app.js with its start-up deferred and its
// download plain, as above. If go-app's script no longer has the expected
// lines, it goes out as it is: slower, but working.
func (s *Server) serveAppJS(w http.ResponseWriter, r *http.Request) {
	rec := &recorder{header: http.Header{}}
	s.app.ServeHTTP(rec, r)
	body := rec.body.Bytes()
	if rec.status == http.StatusOK &&
		bytes.Count(body, appJSStart) == 1 && bytes.Count(body, appJSWasm) == 1 {
		body = bytes.Replace(body, appJSStart, appJSStartLater, 1)
		body = bytes.Replace(body, appJSWasm, appJSWasmLater, 1)
		if len(appJSFetch.FindAllIndex(body, 2)) == 1 {
			body = appJSFetch.ReplaceAll(body, []byte("fetch($1)"))
		}
		rec.header.Set("Content-Length", strconv.Itoa(len(body)))
	}
	copyHeader(w.Header(), rec.header)
	if rec.status != 0 {
		w.WriteHeader(rec.status)
	}
	w.Write(body)
}
