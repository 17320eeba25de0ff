package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

const (
	longWords   = 20000
	longTitle   = "Twenty Thousand Words Along the Northern Canal"
	longTimeout = 2 * time.Minute
	// longBudget is the target for rendering the article in the WASM.
	longBudget = 150.0 // ms
)

// longArticle measures the reader with a 20,000-word article: opened from
// the library inside the app (the WASM renders it), and opened directly
// (prerendered, then taken over by the WASM).
func (b *bench) longArticle(ctx context.Context) error {
	s, art, md, err := b.serveLong(ctx, "long")
	if err != nil {
		return err
	}
	defer s.stop()
	reader := "/a/" + art.ID
	page, err := get(ctx, s.url+reader, nil)
	if err != nil {
		return err
	}
	apiJSON, err := get(ctx, s.url+"/api/articles/"+art.ID, nil)
	if err != nil {
		return err
	}
	if err := warm(ctx, s.url, "/", "/web/app.wasm"); err != nil {
		return err
	}

	var navs, fetched, rendered, directs, blocks []float64
	for i := range longRuns {
		b.step("long %d/%d: / then goappNav(%q)", i+1, longRuns, reader)
		nav, err := b.navToArticle(ctx, s.url, reader, art.ID)
		if err != nil {
			return fmt.Errorf("in-app navigation, run %d: %w", i+1, err)
		}
		navs = append(navs, nav.painted)
		if nav.fetched >= 0 {
			fetched = append(fetched, nav.fetched)
			rendered = append(rendered, nav.painted-nav.fetched)
		}
		blocks = append(blocks, float64(nav.blocks))
		b.step("long %d/%d: %s directly", i+1, longRuns, reader)
		d, err := b.directArticle(ctx, s.url+reader)
		if err != nil {
			return fmt.Errorf("direct load, run %d: %w", i+1, err)
		}
		directs = append(directs, d)
	}
	nav, direct := summarize(navs), summarize(directs)
	b.rep.printf("  The article: %s words by the bench's count, %d by Margin's (/api/articles), %s of Markdown,\n",
		thousands(longWords), art.Meta.Words, bytesize(int64(len(md))))
	b.rep.printf("  %.0f blocks in the rendered article body; prerendered page %s; /api/articles/{id} %s.\n",
		summarize(blocks).median, bytesize(int64(len(page))), bytesize(int64(len(apiJSON))))
	rows := [][]string{
		{"", "median", "min–max", "budget", "median/budget"},
		{"in-app navigation → article painted", ms(nav.median), nav.spread(), ms(longBudget), ratio(nav.median, longBudget)},
	}
	if len(fetched) == len(navs) {
		f, r := summarize(fetched), summarize(rendered)
		rows = append(rows,
			[]string{"  of which: until the API's answer arrived", ms(f.median), f.spread(), "", ""},
			[]string{"  of which: from the answer to the paint", ms(r.median), r.spread(), "", ""})
	}
	rows = append(rows, []string{"direct load: navigation start → article painted", ms(direct.median), direct.spread(), "(extra figure)", ""})
	b.rep.table("l", rows)
	b.rep.printf("  every run, ms:  navigation %s | direct %s\n", list(navs), list(directs))
	b.rep.printf("  In-app: the library / is opened and mounted, then performance.mark(\"bench-nav\"); goappNav(\"%s\");\n", reader)
	b.rep.printf("  the figure is margin-article-painted.startTime − bench-nav.startTime (the fetch from the API included).\n")
	b.rep.under("20,000 words, in-app navigation to painted", nav.median, longBudget)
	return nil
}

// serveLong starts Margin with a data folder (named after part) holding
// the generated 20,000-word article, and returns the server, the
// article's summary and its Markdown. The caller stops the server.
func (b *bench) serveLong(ctx context.Context, part string) (*server, articleSummary, string, error) {
	var art articleSummary
	data, err := b.freshDir("data-" + part)
	if err != nil {
		return nil, art, "", err
	}
	md := generateArticle(longTitle, longWords, 20000)
	if err := os.MkdirAll(filepath.Join(data, "articles"), 0o755); err != nil {
		return nil, art, "", err
	}
	if err := os.WriteFile(filepath.Join(data, "articles", "twenty-thousand.md"), []byte(md), 0o644); err != nil {
		return nil, art, "", err
	}
	s, err := b.startMargin(ctx, "margin-"+part, data)
	if err != nil {
		return nil, art, "", err
	}
	art, err = findArticle(ctx, s.url, longTitle)
	if err != nil {
		s.stop()
		return nil, art, "", fmt.Errorf("the generated article: %w", err)
	}
	return s, art, md, nil
}

// navResult is one in-app navigation to the article, in ms from the mark
// put just before it.
type navResult struct {
	painted float64 // margin-article-painted
	fetched float64 // the end of the API response for the article; -1 if none was seen
	blocks  int     // the article body's blocks once painted
}

// navToArticle opens the library, waits for the app, navigates inside it to
// the article and times it.
func (b *bench) navToArticle(ctx context.Context, base, reader, id string) (navResult, error) {
	var res navResult
	t, err := b.newTab(ctx)
	if err != nil {
		return res, err
	}
	defer t.close()
	if err := t.navigate(base+"/", longTimeout); err != nil {
		return res, err
	}
	if _, err := t.entryTime("margin-mounted", "mark", 0, longTimeout); err != nil {
		return res, err
	}
	// go-app drops its loader once the WASM runs; then goappNav is the app's.
	if _, err := eval[bool](t, `new Promise((resolve) => {
		const check = () => document.getElementById("app-wasm-loader") ? setTimeout(check, 20) : resolve(true);
		check();
	})`, longTimeout); err != nil {
		return res, fmt.Errorf("waiting for go-app's loader to go: %w", err)
	}
	start, err := eval[float64](t, `(() => {
		performance.mark("bench-nav");
		goappNav(`+strconv.Quote(reader)+`);
		return performance.getEntriesByName("bench-nav").at(-1).startTime;
	})()`, longTimeout)
	if err != nil {
		return res, err
	}
	painted, err := t.entryTime("margin-article-painted", "mark", start, longTimeout)
	if err != nil {
		return res, err
	}
	res.painted = painted - start
	fetchedAt, err := eval[float64](t, `(() => {
		const e = performance.getEntriesByType("resource")
			.filter((e) => e.name.endsWith(`+strconv.Quote("/api/articles/"+id)+`) && e.startTime >= `+strconv.FormatFloat(start, 'f', -1, 64)+`);
		return e.length ? e[0].responseEnd : -1;
	})()`, longTimeout)
	if err != nil {
		return res, err
	}
	res.fetched = -1
	if fetchedAt >= 0 {
		res.fetched = fetchedAt - start
	}
	if res.blocks, err = eval[int](t, `document.querySelectorAll("article .article-body > *").length`, longTimeout); err != nil {
		return res, err
	}
	if path, err := eval[string](t, `location.pathname`, longTimeout); err != nil || path != reader {
		return res, fmt.Errorf("after goappNav the page is at %q, not %q (%v)", path, reader, err)
	}
	if res.blocks < 100 {
		return res, fmt.Errorf("the article body has %d blocks once painted; expected hundreds", res.blocks)
	}
	return res, nil
}

// directArticle opens the article's page in a fresh browser and returns
// the time from navigation start until the article was painted.
func (b *bench) directArticle(ctx context.Context, url string) (float64, error) {
	t, err := b.newTab(ctx)
	if err != nil {
		return 0, err
	}
	defer t.close()
	if err := t.navigate(url, longTimeout); err != nil {
		return 0, err
	}
	return t.entryTime("margin-article-painted", "mark", 0, longTimeout)
}
