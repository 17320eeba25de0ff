package extract

import (
	"bytes"
	"compress/gzip"
	"context"
	"net/http"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// heapPeak samples the live heap until stop is called and returns the
// highest figure seen above the heap at the start.
func heapPeak() (stop func() uint64) {
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 {
		metrics.Read(sample)
		return sample[0].Value.Uint64()
	}
	base := read()
	var peak atomic.Uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		for {
			if v := read(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	})
	return func() uint64 {
		close(done)
		wg.Wait()
		if p := peak.Load(); p > base {
			return p - base
		}
		return 0
	}
}

// gzipBomb is about 10 MiB of gzip that expands to 10 GiB of zeros: one
// gzip member of 64 MiB of zeros, sent 160 times (readers decode
// concatenated members as one stream).
func gzipBomb(t *testing.T) (member []byte, times int) {
	t.Helper()
	var b bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	zeros := make([]byte, 1<<20)
	for range 64 {
		_, _ = zw.Write(zeros)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes(), 160
}

// TestBombs is X3: pages built to exhaust the importer end within its
// limits, with a bounded heap and no goroutine left behind.
func TestBombs(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	member, times := gzipBomb(t)
	para := "<p>" + strings.Repeat("These are the words of a perfectly ordinary paragraph of text. ", 8) + "</p>"
	big := bytes.Repeat([]byte("<p>filler filler filler filler filler filler filler</p>\n"), (50<<20)/56+1)
	pixel := tinyPNG()
	srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		switch r.URL.Path {
		case "/50mib":
			h.Set("Content-Type", "text/html")
			h.Set("Content-Length", strconv.Itoa(len(big)))
			_, _ = w.Write(big)
		case "/50mib-chunked":
			h.Set("Content-Type", "text/html")
			for i := 0; i < len(big); i += 1 << 20 {
				if _, err := w.Write(big[i:min(i+1<<20, len(big))]); err != nil {
					return
				}
			}
		case "/11mb":
			h.Set("Content-Type", "text/html")
			_, _ = w.Write(big[:11<<20])
		case "/gzip":
			h.Set("Content-Type", "text/html")
			h.Set("Content-Encoding", "gzip")
			for range times {
				if _, err := w.Write(member); err != nil {
					return
				}
			}
		case "/trickle":
			h.Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusOK)
			w.(http.Flusher).Flush()
			tick := time.NewTicker(time.Second)
			defer tick.Stop()
			for {
				select {
				case <-r.Context().Done():
					return
				case <-tick.C:
					if _, err := w.Write([]byte("<")); err != nil {
						return
					}
					w.(http.Flusher).Flush()
				}
			}
		case "/slow-headers":
			select {
			case <-r.Context().Done():
			case <-time.After(time.Minute):
			}
		case "/nested":
			h.Set("Content-Type", "text/html")
			_, _ = w.Write([]byte("<html><body>" + strings.Repeat("<div>", 100000) + para + para + para + strings.Repeat("</div>", 100000)))
		case "/inline":
			h.Set("Content-Type", "text/html")
			_, _ = w.Write([]byte("<html><body><article>" + para + "<p>" + strings.Repeat("<b><i><span>", 3334) + para + "</p></article>"))
		case "/images":
			h.Set("Content-Type", "text/html")
			var b strings.Builder
			b.WriteString("<html><body><article><h1>Fifty thousand pictures</h1>" + para + para + para)
			for i := range 50000 {
				b.WriteString(`<figure><img src="/img/` + strconv.Itoa(i) + `.png"></figure>`)
			}
			b.WriteString("</article></body></html>")
			_, _ = w.Write([]byte(b.String()))
		default:
			if strings.HasPrefix(r.URL.Path, "/img/") {
				h.Set("Content-Type", "image/png")
				_, _ = w.Write(pixel)
				return
			}
			http.NotFound(w, r)
		}
	}))
	e, _ := newTest(t, Config{AllowHosts: []string{srv.hostPort()}, Timeout: 3 * time.Second})
	const budget = 200 << 20
	for _, c := range []struct {
		path string
		kind Kind // 0: the import succeeds
	}{
		{"/50mib", KindTooLarge},
		{"/50mib-chunked", KindTooLarge},
		{"/11mb", KindTooLarge},
		{"/gzip", KindTooLarge},
		{"/trickle", KindTimeout},
		{"/slow-headers", KindTimeout},
		{"/nested", 0},
		{"/inline", 0},
		{"/images", 0},
	} {
		stop := heapPeak()
		r, err := e.Import(context.Background(), srv.URL+c.path)
		peak := stop()
		if c.kind != 0 {
			x := wantKind(t, c.path, err, c.kind)
			if c.kind == KindTooLarge && x != nil && x.Message != "The page is larger than 10 MB." {
				t.Errorf("%s: message %q", c.path, x.Message)
			}
		} else if err != nil {
			t.Errorf("%s: %v", c.path, err)
		} else if !strings.Contains(r.Article.Text(), "perfectly ordinary paragraph") {
			t.Errorf("%s: the text was lost", c.path)
		}
		if peak > budget {
			t.Errorf("%s: the heap grew by %d MiB, over the budget of %d MiB", c.path, peak>>20, budget>>20)
		}
		t.Logf("%s: heap +%d MiB", c.path, peak>>20)
		if c.path == "/images" && r != nil {
			if len(r.Images) != 1 {
				// Every picture is the same pixel: one image, once.
				t.Errorf("%d images kept, want 1", len(r.Images))
			}
		}
	}
	// A person who gives up cancels the fetch.
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	_, err := e.Import(ctx, srv.URL+"/trickle")
	wantKind(t, "cancelled", err, KindNetwork)
	e.guard.closeIdle()
	srv.Close()
}
