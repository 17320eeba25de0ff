package e2e

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/chromedp/chromedp"
)

// The harness sees a violation: a page whose policy forbids its own
// inline script and image is reported, so a test of Margin's pages that
// met one would fail.
func TestCSPViolationsAreSeen(t *testing.T) {
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Security-Policy", "default-src 'none'; script-src 'self'")
		io.WriteString(w, `<!doctype html><title>strict</title><p>strict</p><img src="/pic.png"><script>document.title = "ran"</script>`)
	}))
	t.Cleanup(site.Close)
	b := newBrowser(t)
	b.do(t, chromedp.Navigate(site.URL+"/"))
	b.waitFor(t, `document.readyState === "complete"`)
	if title := eval[string](t, b, `document.title`); title != "strict" {
		t.Errorf("the inline script ran under a policy that forbids it: title %q", title)
	}
	// Reports arrive as console events, after the page has loaded.
	for i := 0; i < 100 && len(b.cspReports()) < 2; i++ {
		eval[bool](t, b, `new Promise(r => setTimeout(() => r(true), 50))`)
	}
	if n := len(b.cspReports()); n < 2 {
		t.Fatalf("%d violations reported, want the script's and the image's: %q", n, b.cspReports())
	}
	// Seen, as they should be: they are this page's, not a failure.
	b.allowCSP("")
}
