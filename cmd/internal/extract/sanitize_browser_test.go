package extract

import (
	"context"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// TestSanitizerInBrowser is the browser half of X4: the article HTML that
// each vector becomes is shown in headless Chromium, which must open no
// dialog and report no console error or exception. The page has no CSP,
// so only the sanitizer stands in the way. Chromium resolves no name but
// 127.0.0.1, so nothing leaves the machine.
func TestSanitizerInBrowser(t *testing.T) {
	chromium := os.Getenv("CHROMIUM")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	if _, err := os.Stat(chromium); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("Chromium (%s) is missing, and CI=true does not allow skipping", chromium)
		}
		t.Skipf("Chromium (%s) is missing: %v", chromium, err)
	}
	filler := "<p>" + strings.Repeat("The committee met again on Monday to discuss the harbour wall. ", 6) + "</p>"
	var pages []string
	srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if i, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/v/")); err == nil && i >= 0 && i < len(pages) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			_, _ = w.Write([]byte(pages[i]))
			return
		}
		w.Header().Set("Content-Type", "image/png")
		_, _ = w.Write(tinyPNG())
	}))
	for i, v := range xssVectors {
		r, err := Parse([]byte("<html><body><article>"+filler+v+filler+"</article></body></html>"), srv.URL+"/story")
		if err != nil {
			t.Fatalf("vector %d: %v", i, err)
		}
		pages = append(pages, `<!DOCTYPE html><html><head><meta charset="utf-8"><title>v</title></head><body><article>`+
			r.Article.HTML()+`</article></body></html>`)
	}

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	ctx, cancelCtx := chromedp.NewContext(actx)
	defer cancelCtx()
	ctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()
	if err := chromedp.Do(ctx); err != nil {
		t.Fatal(err)
	}
	// Every dialog and console error, with the page it came from.
	var current atomic.Int64
	var mu sync.Mutex
	var seen []string
	heardDialog, heardConsole := make(chan struct{}, 1), make(chan struct{}, 1)
	note := func(heard chan struct{}, what string) {
		i := current.Load()
		if int(i) == len(xssVectors) {
			select {
			case heard <- struct{}{}:
			default:
			}
			return
		}
		mu.Lock()
		seen = append(seen, "vector "+strconv.Itoa(int(i))+": "+what)
		mu.Unlock()
	}
	dialogEvents := chromedp.Events(ctx, page.JavascriptDialogOpening)
	go func() {
		for ev, err := range dialogEvents {
			if err != nil {
				return
			}
			note(heardDialog, "dialog "+ev.Message)
			_, _ = chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
		}
	}()
	go func() {
		for m, err := range chromedp.Console(ctx) {
			if err != nil {
				return
			}
			// An image address that resolves nowhere (no name resolves
			// but 127.0.0.1) is the network's error, not the page's.
			if (m.Type == chromedp.ConsoleError || m.Type == chromedp.ConsoleException) && !strings.HasPrefix(m.Text, "Failed to load resource") {
				note(heardConsole, string(m.Type)+" "+m.Text)
			}
		}
	}()
	// A last page that does run script shows that the listeners hear it.
	pages = append(pages, `<!DOCTYPE html><script>alert("control"); console.error("control")</script>`)
	for i := range pages {
		current.Store(int64(i))
		if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/v/"+strconv.Itoa(i))); err != nil {
			t.Fatalf("page %d: %v", i, err)
		}
		// Handlers that fire on load or on the first frame have run once
		// the page answers after its next frame.
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`new Promise((r) => requestAnimationFrame(() => setTimeout(() => r(true), 0)))`, chromedp.EvalAwaitPromise)); err != nil {
			t.Fatalf("page %d: %v", i, err)
		}
	}
	for _, heard := range []chan struct{}{heardDialog, heardConsole} {
		select {
		case <-heard:
		case <-ctx.Done():
			t.Fatal("the control page's alert or console error was never reported: the listeners hear nothing")
		}
	}
	mu.Lock()
	defer mu.Unlock()
	for _, s := range seen {
		t.Error(s)
	}
}
