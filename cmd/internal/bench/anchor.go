package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

const (
	// anchorReps is how many timed rounds each side runs per size, after
	// one warm-up round.
	anchorReps    = 7
	anchorTimeout = 3 * time.Minute
	// anchorRatio is the target: Margin's median at most this share of the
	// reference's.
	anchorRatio = 0.5
	// anchorRefJS waits for the reference's result (bench.html sets
	// window.anchorResult when done and sends no event; its rounds are one
	// synchronous loop, so the check only runs between its fetches).
	anchorRefJS = `new Promise((resolve) => {
		const check = () => window.anchorResult ? resolve(JSON.stringify(window.anchorResult)) : setTimeout(check, 100);
		check();
	})`
	// anchorMarginJS waits for Margin's result, which comes with an event.
	anchorMarginJS = `new Promise((resolve) => {
		if (window.marginAnchorResult) { resolve(window.marginAnchorResult); return; }
		addEventListener("marginAnchorResult", () => resolve(window.marginAnchorResult), { once: true });
	})`
)

// anchorSizes are the corpus sizes, in the order both pages run them.
var anchorSizes = []string{"50k", "500k"}

// anchorRun is what either page publishes: per size, the fields of
// anchor.mjs's run.
type anchorRun struct {
	Engine string
	Error  string
	Sizes  map[string]anchorSize
}

type anchorSize struct {
	Cases    int     `json:"cases"`
	Correct  int     `json:"correct"`
	Orphaned *int    `json:"orphaned"` // Margin's page only
	MedianMs float64 `json:"medianMs"`
	MinMs    float64 `json:"minMs"`
}

func (a *anchorRun) UnmarshalJSON(raw []byte) error {
	var all map[string]json.RawMessage
	if err := json.Unmarshal(raw, &all); err != nil {
		return err
	}
	a.Sizes = map[string]anchorSize{}
	for k, v := range all {
		var err error
		switch k {
		case "engine":
			err = json.Unmarshal(v, &a.Engine)
		case "error":
			err = json.Unmarshal(v, &a.Error)
		case "reps":
		default:
			var s anchorSize
			if err := json.Unmarshal(v, &s); err != nil {
				return fmt.Errorf("%s: %w", k, err)
			}
			a.Sizes[k] = s
		}
		if err != nil {
			return fmt.Errorf("%s: %w", k, err)
		}
	}
	return nil
}

// anchorFiles are the folders of the anchor part, all under .bench.
type anchorFiles struct {
	ref  string // a copy of bench/anchor-js, with node_modules
	data string // what gen.mjs wrote
	wasm string // index.html, anchor.wasm, wasm_exec.js
}

// anchor measures re-anchoring: the reference (bench/anchor-js, the
// Hypothesis approach in JavaScript) and margin/app/anchor compiled to
// WebAssembly place the same 200 edited passages, in the same headless
// Chromium, one page after the other.
func (b *bench) anchor(ctx context.Context) error {
	f, err := b.prepareAnchor(ctx)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("/ref/", http.StripPrefix("/ref/", http.FileServer(http.Dir(f.ref))))
	mux.Handle("/data/", http.StripPrefix("/data/", http.FileServer(http.Dir(f.data))))
	mux.Handle("/wasm/", http.StripPrefix("/wasm/", http.FileServer(http.Dir(f.wasm))))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()
	base := "http://" + ln.Addr().String()

	t, err := b.newTab(ctx)
	if err != nil {
		return err
	}
	defer t.close()
	query := "?data=/data&reps=" + strconv.Itoa(anchorReps)
	b.step("anchor: the reference, %s", "/ref/bench.html"+query)
	ref, err := anchorPage(t, base+"/ref/bench.html"+query, anchorRefJS)
	if err != nil {
		return fmt.Errorf("reference: %w", err)
	}
	b.step("anchor: Margin, %s", "/wasm/index.html"+query)
	margin, err := anchorPage(t, base+"/wasm/index.html"+query, anchorMarginJS)
	if err != nil {
		return fmt.Errorf("margin: %w", err)
	}

	b.rep.printf("  200 passages annotated on a text, found again after edits (sentences inserted, a third of the\n")
	b.rep.printf("  passages changed by 1–3 characters; corpus by bench/anchor-js/gen.mjs). Each side prepares the\n")
	b.rep.printf("  text and places all 200, one warm-up round then %d timed; correct = within 2 code points of\n", anchorReps)
	b.rep.printf("  where the passage is now. Margin: anchor.NewText + ResolveAll, selectors carrying the old text's hash.\n")
	b.rep.printf("  reference: %s\n  margin:    %s\n", ref.Engine, margin.Engine)
	rows := [][]string{{"", "reference correct", "median", "min", "Margin correct", "median", "min", "Margin/reference"}}
	for _, size := range anchorSizes {
		r, m := ref.Sizes[size], margin.Sizes[size]
		mc := fmt.Sprintf("%d/%d", m.Correct, m.Cases)
		if m.Orphaned != nil && *m.Orphaned > 0 {
			mc += fmt.Sprintf(" (%d orphaned)", *m.Orphaned)
		}
		rows = append(rows, []string{size,
			fmt.Sprintf("%d/%d", r.Correct, r.Cases), ms(r.MedianMs), ms(r.MinMs),
			mc, ms(m.MedianMs), ms(m.MinMs), ratio(m.MedianMs, r.MedianMs)})
	}
	b.rep.table("l", rows)
	for _, size := range anchorSizes {
		r, m := ref.Sizes[size], margin.Sizes[size]
		if r.MedianMs > 0 {
			b.rep.atMost("re-anchoring "+size+": time, Margin/reference", m.MedianMs/r.MedianMs, anchorRatio)
		}
		b.rep.target("re-anchoring "+size+": placed correctly", fmt.Sprintf("%d/%d", m.Correct, m.Cases),
			fmt.Sprintf("%d/%d", m.Cases, m.Cases), m.Cases > 0 && m.Correct == m.Cases)
	}
	return nil
}

// anchorPage opens url in t, waits for the page's result with waitJS and
// checks it has every size.
func anchorPage(t *tab, url, waitJS string) (anchorRun, error) {
	var run anchorRun
	if err := t.navigate(url, anchorTimeout); err != nil {
		return run, err
	}
	raw, err := eval[string](t, waitJS, anchorTimeout)
	if err != nil {
		return run, err
	}
	if err := json.Unmarshal([]byte(raw), &run); err != nil {
		return run, fmt.Errorf("result %.200s: %w", raw, err)
	}
	if run.Error != "" {
		return run, errors.New(run.Error)
	}
	for _, size := range anchorSizes {
		if s, ok := run.Sizes[size]; !ok || s.Cases == 0 {
			return run, fmt.Errorf("no figures for %s in %.200s", size, raw)
		}
	}
	return run, nil
}

// prepareAnchor makes the three folders: the reference copied and its
// dependencies installed, the corpus generated, and Margin's program built.
func (b *bench) prepareAnchor(ctx context.Context) (anchorFiles, error) {
	var f anchorFiles
	shared, err := sharedDir(b.root)
	if err != nil {
		return f, err
	}
	src := filepath.Join(shared, "bench", "anchor-js")
	if f.ref, err = b.freshDir("anchor-js"); err != nil {
		return f, err
	}
	files, err := os.ReadDir(src)
	if err != nil {
		return f, fmt.Errorf("the reference: %w", err)
	}
	for _, e := range files {
		if e.Type().IsRegular() {
			if err := copyFile(filepath.Join(src, e.Name()), filepath.Join(f.ref, e.Name())); err != nil {
				return f, err
			}
		}
	}
	b.step("anchor: npm install in %s", rel(b.root, f.ref))
	if err := command(ctx, f.ref, "npm", "install", "--no-audit", "--no-fund"); err != nil {
		return f, err
	}
	// gen.mjs reads the sample article at ../../seed beside itself, so it
	// runs from the shared folder (it only writes to the folder it is given).
	if f.data, err = b.freshDir("anchor-data"); err != nil {
		return f, err
	}
	b.step("anchor: node gen.mjs %s", rel(b.root, f.data))
	if err := command(ctx, b.root, "node", filepath.Join(src, "gen.mjs"), f.data); err != nil {
		return f, err
	}

	if f.wasm, err = b.freshDir("anchor-wasm"); err != nil {
		return f, err
	}
	if err := b.goRun(ctx, wasmEnv, append(append([]string{"build"}, releaseFlags...), "-o", filepath.Join(f.wasm, "anchor.wasm"), "./cmd/internal/bench/anchorwasm")...); err != nil {
		return f, fmt.Errorf("anchor wasm: %w", err)
	}
	goroot, err := b.goOutput(ctx, nil, "env", "GOROOT")
	if err != nil {
		return f, err
	}
	for from, to := range map[string]string{
		filepath.Join(strings.TrimSpace(goroot), "lib", "wasm", "wasm_exec.js"):       "wasm_exec.js",
		filepath.Join(b.root, "cmd", "internal", "bench", "anchorwasm", "index.html"): "index.html",
	} {
		if err := copyFile(from, filepath.Join(f.wasm, to)); err != nil {
			return f, err
		}
	}
	return f, nil
}

// command runs name with args in dir; its output only shows when it fails.
func command(ctx context.Context, dir, name string, args ...string) error {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s %s: %w\n%s", name, strings.Join(args, " "), err, indent(string(out)))
	}
	return nil
}
