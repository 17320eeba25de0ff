package e2e

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"
)

func TestZZMarks(t *testing.T) {
	for i := 0; i < 4; i++ {
		for _, u := range []string{"http://127.0.0.1:8099/a/c733946f5105", "http://127.0.0.1:8097/"} {
			t.Run(fmt.Sprint(i), func(t *testing.T) {
				b := newBrowser(t)
				b.do(t, chromedp.Navigate(u))
				b.waitFor(t, `performance.getEntriesByName("margin-mounted").length > 0`)
				t.Log(u, eval[string](t, b, `(() => { let s = ""; 
			for (const r of performance.getEntriesByType("resource")) if (r.name.endsWith("wasm")) s += "wasm[" + r.fetchStart.toFixed(0) + "-" + r.responseEnd.toFixed(0) + "] ";
			return s + performance.getEntriesByType("mark").map(m => m.name + "=" + m.startTime.toFixed(1)).join(" "); })()`))
			})
		}
	}
}
