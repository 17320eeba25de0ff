package anchor

import (
	"encoding/json"
	"fmt"
	"os"
	"testing"
	"time"
)

type expCase struct {
	ID                     int
	Exact, Prefix, Suffix  string
	Start, End             int
	ExpectStart, ExpectEnd int
	Edits                  int
}

func TestExpBench(t *testing.T) {
	dirs := []string{"data"}
	if os.Getenv("ALLSEEDS") != "" {
		dirs = append(dirs, "data1", "data2", "data3", "data4", "data5")
	}
	for _, dir := range dirs {
	for _, size := range []string{"50k", "500k"} {
		t0, _ := os.ReadFile("/tmp/anc/" + dir + "/text0-" + size + ".txt")
		t1, _ := os.ReadFile("/tmp/anc/" + dir + "/text1-" + size + ".txt")
		raw, _ := os.ReadFile("/tmp/anc/" + dir + "/cases-" + size + ".json")
		var cases []expCase
		json.Unmarshal(raw, &cases)
		h := NewText(string(t0), "").Hash()
		sels := make([]Selector, len(cases))
		for i, c := range cases {
			sels[i] = Selector{Exact: c.Exact, Prefix: c.Prefix, Suffix: c.Suffix, Start: c.Start, End: c.End, Hash: h}
		}
		start := time.Now()
		var res []Result
		for range 5 {
			res = NewText(string(t1), "").ResolveAll(sels)
		}
		el := time.Since(start) / 5
		correct := 0
		for i, c := range cases {
			r := res[i]
			ok := r.Status != Orphaned && abs(r.Start-c.ExpectStart) <= 2
			if ok {
				correct++
			} else {
				fmt.Printf("%s case %d edits %d m=%d: got %v %d-%d %.3f cand %v, want %d (old %d)\n", size, c.ID, c.Edits, len(c.Exact), r.Status, r.Start, r.End, r.Score, r.Candidates, c.ExpectStart, c.Start)
			}
		}
		fmt.Printf("%s %s: %d/%d correct, %v per ResolveAll\n", dir, size, correct, len(cases), el)
	}
	}
}

func TestExpDebug(t *testing.T) {
	size := "50k"
	dir := os.Getenv("DIR")
	t0, _ := os.ReadFile("/tmp/anc/" + dir + "/text0-" + size + ".txt")
	t1, _ := os.ReadFile("/tmp/anc/" + dir + "/text1-" + size + ".txt")
	raw, _ := os.ReadFile("/tmp/anc/" + dir + "/cases-" + size + ".json")
	var cases []expCase
	json.Unmarshal(raw, &cases)
	h := NewText(string(t0), "").Hash()
	tx := NewText(string(t1), "")
	sels := make([]Selector, len(cases))
	for i, c := range cases {
		sels[i] = Selector{Exact: c.Exact, Prefix: c.Prefix, Suffix: c.Suffix, Start: c.Start, End: c.End, Hash: h}
	}
	res := tx.ResolveAll(sels)
	var ids []int
	json.Unmarshal([]byte(os.Getenv("IDS")), &ids)
	for _, id := range ids {
		c := cases[id]
		fmt.Printf("case %d old %d expect %d got %d shift-prev? exact=%q\n", id, c.Start, c.ExpectStart, res[id].Start, c.Exact)
		r := tx.newResolver()
		prevShift := res[id-1].Start - cases[id-1].Start
		out := r.resolve(sels[id], c.Start+prevShift, c.Start+prevShift)
		fmt.Printf("  predicted %d -> %v %d\n", c.Start+prevShift, out.Status, out.Start)
		for _, cd := range r.top {
			fmt.Printf("   cand %d-%d score %.4f rank %.4f text=%q pre=%q\n", cd.start, cd.end, cd.score, cd.rank, tx.Slice(cd.start, cd.end), tx.Slice(cd.start-32, cd.start))
		}
		fmt.Printf("   want prefix %q suffix %q\n", c.Prefix, c.Suffix)
		fmt.Printf("   truth: %q pre %q suf %q\n", tx.Slice(c.ExpectStart, c.ExpectEnd), tx.Slice(c.ExpectStart-32, c.ExpectStart), tx.Slice(c.ExpectEnd, c.ExpectEnd+32))
	}
}

func TestExpStats(t *testing.T) {
	for _, size := range []int{50_000, 500_000} {
		old, edited, cases := editedCorpus(t, size, 200, 1)
		hash := NewText(old, "").Hash()
		tx := NewText(edited, "")
		r := tx.newResolver()
		hits, full, cands := 0, 0, 0
		for _, c := range cases {
			s := c.sel
			s.Hash = hash
			at := min(max(c.start, 0), tx.Len())
			r.resolve(s, at, at)
			hits += len(r.hits)
			cands += len(r.top)
			if r.lo == 0 && r.hi == tx.Len() {
				full++
			}
		}
		fmt.Printf("%d: hits %d, full scans %d, top %d\n", size, hits, full, cands)
	}
}

func TestExpRandomContext(t *testing.T) {
	art := readArticle(t)
	tx := NewText(art, "")
	r := tx.newResolver()
	n := tx.Len()
	sum, cnt := 0.0, 0
	for i := 100; i+100 < n; i += 37 {
		j := (i*7919 + 501) % (n - 100)
		if j < 50 { continue }
		suf := tx.Slice(i, i+32)
		syms := tx.appendSyms(nil, suf)
		r.suffix.set(syms, false, len(tx.runes))
		d := r.contextDist(&r.suffix, j)
		sum += 1 - float64(d)/32
		cnt++
	}
	fmt.Printf("mean random context similarity %.3f over %d\n", sum/float64(cnt), cnt)
}
