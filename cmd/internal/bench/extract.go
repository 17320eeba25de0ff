package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"margin/cmd/internal/extract"
	"margin/cmd/internal/extract/corpus"
)

const (
	// Timed runs of each side per page, after one warm-up run each; the
	// sides alternate run by run.
	extractRuns      = 21
	extractRunsLarge = 15
	// extractRatio is the target: Margin's median at most this multiple
	// of the reference's.
	extractRatio = 1.2
	extractWait  = 2 * time.Minute
	// newsURL is where the generated news page pretends to come from.
	newsURL = "https://radio-continental.example/a/nato-inf-options/29768114.html"
)

// refTiming is one run of the reference, as readability/index.html
// reports it.
type refTiming struct {
	ParseMs   float64 `json:"parseMs"`
	ExtractMs float64 `json:"extractMs"`
	Chars     int     `json:"chars"`
}

// refArticle is what the reference found in a page.
type refArticle struct {
	Title string `json:"title"`
	Text  string `json:"text"`
}

// extractPart measures article extraction: Margin's extract.Parse (the
// page parsed, go-readability, the conversion into Margin's document
// model, no images) in this process, beside Mozilla Readability in
// headless Chromium on the browser's own DOMParser (readability/, its
// version pinned in package-lock.json and installed by make bench), on
// the generated news page at two sizes; then both sides' accuracy on the
// extractor's corpus, and the time of a whole import with images on
// loopback.
func (b *bench) extractPart(ctx context.Context) error {
	shared, err := sharedDir(b.root)
	if err != nil {
		return err
	}
	raw, err := os.ReadFile(filepath.Join(shared, "seed", "article.txt"))
	if err != nil {
		return fmt.Errorf("seed article: %w", err)
	}
	seed, err := parseSeed(string(raw))
	if err != nil {
		return err
	}
	refDir := filepath.Join(b.root, "cmd", "internal", "bench", "readability")
	version, err := readabilityVersion(refDir)
	if err != nil {
		return err
	}
	pages, err := corpus.Load(filepath.Join(b.root, "cmd", "internal", "extract", "testdata", "corpus"))
	if err != nil {
		return err
	}
	served := map[string][]byte{}
	news := []struct {
		name string
		runs int
	}{{"news-1x", extractRuns}, {"news-10x", extractRunsLarge}}
	served["news-1x"] = []byte(newsPage(seed, 1))
	served["news-10x"] = []byte(newsPage(seed, 10))
	for _, p := range pages {
		served["corpus-"+p.Name] = p.HTML
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("/ref/", http.StripPrefix("/ref/", http.FileServer(http.Dir(refDir))))
	mux.HandleFunc("/pages/{name}", func(w http.ResponseWriter, r *http.Request) {
		page, ok := served[r.PathValue("name")]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write(page)
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()
	base := "http://" + ln.Addr().String()

	t, err := b.newTab(ctx)
	if err != nil {
		return err
	}
	defer t.close()
	if err := t.navigate(base+"/ref/index.html", extractWait); err != nil {
		return err
	}
	if ok, err := eval[bool](t, "window.referenceReady === true", extractWait); err != nil || !ok {
		return fmt.Errorf("the reference page did not load Readability.js (%v); run make bench, which runs npm ci in %s", err, rel(b.root, refDir))
	}

	b.rep.printf("  The seed article inside a generated news page (navigation, advertisements, related links, a comment\n")
	b.rep.printf("  thread, inline script and style); the 10× page has ten times the article and the furniture.\n")
	b.rep.printf("  Both sides are timed from the page's HTML text to the extracted article, parsing included:\n")
	b.rep.printf("    Margin:    extract.Parse in the bench's process (x/net/html, go-readability, conversion into the\n")
	b.rep.printf("               document model; no images fetched)\n")
	b.rep.printf("    reference: Mozilla Readability %s in headless %s: new DOMParser().parseFromString(html),\n", version, browserName(b.chromiumVersion(ctx)))
	b.rep.printf("               then new Readability(doc).parse(), timed by performance.now() inside the page\n")
	b.rep.printf("  One warm-up run each, then the sides alternate run by run; Go's garbage collector runs before each\n")
	b.rep.printf("  of Margin's runs, outside the timing, as V8 collects between the reference's calls when idle.\n")
	rows := [][]string{{"page", "size", "Margin median", "min–max", "reference median", "(parse + readability)", "min–max", "Margin/reference"}}
	type result struct {
		name           string
		margin, ref    stats
		refParse, ref2 float64
	}
	var results []result
	for _, n := range news {
		page := served[n.name]
		b.step("extract: %s (%d KB), %d runs a side", n.name, len(page)>>10, n.runs)
		var mt, rt, rp, rx []float64
		for i := 0; i <= n.runs; i++ {
			if err := ctx.Err(); err != nil {
				return err
			}
			// The garbage of the last run is collected first, outside the
			// timing, as V8 collects the page's in idle time between runs.
			runtime.GC()
			start := time.Now()
			r, err := extract.Parse(page, newsURL)
			d := float64(time.Since(start).Microseconds()) / 1000
			if err != nil {
				return fmt.Errorf("margin, %s: %w", n.name, err)
			}
			if !strings.Contains(r.Article.Text(), seed.paragraphs[0]) {
				return fmt.Errorf("margin, %s: the article's first paragraph is not in the text", n.name)
			}
			raw, err := eval[string](t, "timeOnce("+strconv.Quote(n.name)+")", extractWait)
			if err != nil {
				return fmt.Errorf("reference, %s: %w", n.name, err)
			}
			var rr refTiming
			if err := json.Unmarshal([]byte(raw), &rr); err != nil {
				return fmt.Errorf("reference, %s: %w", n.name, err)
			}
			if rr.Chars == 0 {
				return fmt.Errorf("reference, %s: no article found", n.name)
			}
			if i == 0 {
				continue // warm-up
			}
			mt = append(mt, d)
			rt = append(rt, rr.ParseMs+rr.ExtractMs)
			rp = append(rp, rr.ParseMs)
			rx = append(rx, rr.ExtractMs)
		}
		res := result{name: n.name, margin: summarize(mt), ref: summarize(rt), refParse: summarize(rp).median, ref2: summarize(rx).median}
		results = append(results, res)
		rows = append(rows, []string{n.name, fmt.Sprintf("%d KB", len(page)>>10), ms(res.margin.median), res.margin.spread(),
			ms(res.ref.median), fmt.Sprintf("(%.1f + %.1f)", res.refParse, res.ref2), res.ref.spread(), ratio(res.margin.median, res.ref.median)})
	}
	b.rep.table("l", rows)
	for _, r := range results {
		if r.ref.median > 0 {
			b.rep.atMost("extraction "+r.name+": time, Margin/reference", r.margin.median/r.ref.median, extractRatio)
		}
	}

	if err := b.extractAccuracy(t, pages); err != nil {
		return err
	}
	return b.importFigure(ctx, served["news-1x"])
}

// extractAccuracy scores both sides on the extractor's corpus.
func (b *bench) extractAccuracy(t *tab, pages []corpus.Page) error {
	b.step("extract: accuracy on %d corpus pages", len(pages))
	var mine, theirs corpus.Total
	rows := [][]string{{"corpus page", "Margin", "reference"}}
	for _, p := range pages {
		var ms corpus.Score
		if r, err := extract.Parse(p.HTML, p.URL); err == nil {
			ms = p.Score(r.Article.Meta.Title, r.Article.Text())
		} else {
			ms = p.Score("", "")
		}
		raw, err := eval[string](t, "extract("+strconv.Quote("corpus-"+p.Name)+")", extractWait)
		if err != nil {
			return fmt.Errorf("reference, %s: %w", p.Name, err)
		}
		var ra refArticle
		if err := json.Unmarshal([]byte(raw), &ra); err != nil {
			return fmt.Errorf("reference, %s: %w", p.Name, err)
		}
		rs := p.Score(ra.Title, ra.Text)
		mine.Add(p, ms)
		theirs.Add(p, rs)
		rows = append(rows, []string{p.Name, scoreWord(ms), scoreWord(rs)})
	}
	b.rep.printf("\n  Accuracy on the extractor's corpus (%d pages written for its tests): the title exactly, the\n", len(pages))
	b.rep.printf("  sentences each page must keep, and its furniture (navigation, ads, consent, sign-up boxes…) left out.\n")
	b.rep.table("l", rows)
	b.rep.printf("  Margin:    %s\n  reference: %s\n", mine, theirs)
	points := func(t corpus.Total) int { return t.TitlesOK + t.Kept + t.LeftOut }
	b.rep.target("extraction accuracy: points, Margin ≥ reference", fmt.Sprintf("%d", points(mine)),
		fmt.Sprintf("≥ %d", points(theirs)), points(mine) >= points(theirs))
	b.rep.target("extraction accuracy: pages right, Margin ≥ reference", fmt.Sprintf("%d/%d", mine.Passed, mine.Pages),
		fmt.Sprintf("≥ %d", theirs.Passed), mine.Passed >= theirs.Passed)
	return nil
}

// scoreWord is one page's score in a word or two.
func scoreWord(s corpus.Score) string {
	if s.Pass() {
		return "right"
	}
	var miss []string
	if !s.TitleOK {
		miss = append(miss, "title")
	}
	if n := len(s.Missing); n > 0 {
		miss = append(miss, fmt.Sprintf("%d lost", n))
	}
	if n := len(s.Extra); n > 0 {
		miss = append(miss, fmt.Sprintf("%d furniture", n))
	}
	return strings.Join(miss, ", ")
}

// readabilityVersion is the installed reference's version, which must be
// the one package-lock.json pins.
func readabilityVersion(dir string) (string, error) {
	var lock struct {
		Packages map[string]struct {
			Version string `json:"version"`
		} `json:"packages"`
	}
	var installed struct {
		Version string `json:"version"`
	}
	raw, err := os.ReadFile(filepath.Join(dir, "package-lock.json"))
	if err == nil {
		err = json.Unmarshal(raw, &lock)
	}
	if err != nil {
		return "", fmt.Errorf("the reference's package-lock.json: %w", err)
	}
	raw, err = os.ReadFile(filepath.Join(dir, "node_modules", "@mozilla", "readability", "package.json"))
	if err == nil {
		err = json.Unmarshal(raw, &installed)
	}
	if err != nil {
		return "", fmt.Errorf("the reference is not installed (make bench runs npm ci in %s): %w", dir, err)
	}
	pinned := lock.Packages["node_modules/@mozilla/readability"].Version
	if pinned == "" || installed.Version != pinned {
		return "", errors.New("the installed Readability " + installed.Version + " is not the pinned " + pinned + "; run npm ci")
	}
	return installed.Version, nil
}

// browserName is the browser's name and version from its --version line
// ("Chromium 156.0.8078.129 built on Debian…").
func browserName(version string) string {
	f := strings.Fields(version)
	if len(f) >= 2 {
		return f[0] + " " + f[1]
	}
	return version
}
