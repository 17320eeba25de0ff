package anchor

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// at returns the code point range of the n-th (from 1) occurrence of
// quote in s, or fails the test.
func at(tb testing.TB, s, quote string, n int) (start, end int) {
	tb.Helper()
	from := 0
	for range n {
		i := strings.Index(s[from:], quote)
		if i < 0 {
			tb.Fatalf("occurrence %d of %q not in the text", n, quote)
		}
		from += i + len(quote)
	}
	end = utf8.RuneCountInString(s[:from])
	return end - utf8.RuneCountInString(quote), end
}

// An edit turns the article into its next version.
type edit func(string) string

// replace replaces the first occurrence of old, which must exist.
func replace(old, new string) edit {
	return func(s string) string {
		if !strings.Contains(s, old) {
			panic(fmt.Sprintf("%q not in the text", old))
		}
		return strings.Replace(s, old, new, 1)
	}
}

// moveToEnd takes the paragraph that starts with first and puts it last.
func moveToEnd(first string) edit {
	return func(s string) string {
		paras := strings.Split(s, "\n\n")
		for i, p := range paras {
			if strings.HasPrefix(p, first) {
				paras = append(slices.Delete(paras, i, i+1), p)
				return strings.Join(paras, "\n\n")
			}
		}
		panic(fmt.Sprintf("no paragraph starts with %q", first))
	}
}

// chain applies edits in order.
func chain(edits ...edit) edit {
	return func(s string) string {
		for _, e := range edits {
			s = e(s)
		}
		return s
	}
}

// ledger is filler text with no phrase of the article in it: n distinct
// sentences.
func ledger(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "Ledger line %d: %d crates of %s delivered to wharf %d. ", i, i*7%53, []string{"slate", "coal", "grain", "timber"}[i%4], i%9)
	}
	return b.String()
}

// longArticle is the article followed by about 9,000 code points of
// filler, so a paragraph moved to the end travels beyond the first search.
func longArticle(tb testing.TB) string {
	return readArticle(tb) + "\n\n" + ledger(150)
}

func TestResolveEdits(t *testing.T) {
	article := readArticle(t)
	for _, tc := range []struct {
		name   string
		old    string // the text annotated; the article when empty
		quote  string // the passage annotated
		quoteN int    // which occurrence of quote; the first when 0
		edit   edit
		want   Status
		// Where the passage is in the new text: the occurrence number
		// atN (1 when 0) of at. For an orphan, the first candidate offered,
		// or "" for none.
		at  string
		atN int
	}{
		{
			name:  "unchanged text, other hash",
			quote: "the locks rusted shut",
			edit:  func(s string) string { return s },
			want:  Anchored, at: "the locks rusted shut",
		},
		{
			name:  "words inserted before",
			quote: "The hardest part was the locks.",
			edit:  replace("For most of the last century", "For most of the last hundred years or so"),
			want:  Moved, at: "The hardest part was the locks.",
		},
		{
			name:  "words inserted inside",
			quote: "Barges stopped using it in the 1950s, the locks rusted shut",
			edit:  replace("the locks rusted shut", "the old locks rusted shut"),
			want:  Moved, at: "Barges stopped using it in the 1950s, the old locks rusted shut",
		},
		{
			name:  "words deleted inside",
			quote: "a small group of volunteers began clearing the towpath on Saturday mornings",
			edit:  replace("a small group of", "a group of"),
			want:  Moved, at: "a group of volunteers began clearing the towpath on Saturday mornings",
		},
		{
			name:  "sentence deleted before",
			quote: "Money came from everywhere.",
			edit:  replace(" They had no plan beyond cutting back the brambles between the old mill and the second lock.", ""),
			want:  Moved, at: "Money came from everywhere.",
		},
		{
			name:  "text after changed only",
			quote: "Brandt told a group of students last spring",
			edit:  replace("Not everyone was pleased.", "Some neighbours complained."),
			want:  Anchored, at: "Brandt told a group of students last spring",
		},
		{
			name:  "paragraph moved near",
			quote: "a rule that moorings near houses are for daytime only",
			edit:  moveToEnd("Not everyone was pleased."),
			want:  Moved, at: "a rule that moorings near houses are for daytime only",
		},
		{
			name:  "paragraph moved far, beyond the first search",
			old:   longArticle(t),
			quote: "a brewery paid for the new bridge at the mill",
			edit:  moveToEnd("Money came from everywhere."),
			want:  Moved, at: "a brewery paid for the new bridge at the mill",
		},
		{
			name:  "paragraph moved far and edited",
			old:   longArticle(t),
			quote: "a brewery paid for the new bridge at the mill",
			edit:  chain(moveToEnd("Money came from everywhere."), replace("the new bridge", "the new footbridge")),
			want:  Moved, at: "a brewery paid for the new footbridge at the mill",
		},
		{
			name:  "quote repeated nearby, edited in place",
			quote: "The trust hired two retired lock keepers to teach the volunteers how the mechanisms worked.",
			edit: chain(
				replace("to teach the volunteers", "to show the volunteers"),
				replace("and a rule that moorings", "and, as the minutes put it, The trust hired two retired lock keepers to teach the volunteers how the mechanisms worked. And a rule that moorings"),
			),
			want: Moved, at: "The trust hired two retired lock keepers to show the volunteers how the mechanisms worked.",
		},
		{
			name:  "quote repeated far away, edited in place",
			old:   longArticle(t),
			quote: "The trust hired two retired lock keepers to teach the volunteers how the mechanisms worked.",
			edit: chain(
				replace("to teach the volunteers", "to show the volunteers"),
				func(s string) string {
					return s + "\n\nFrom the minutes: The trust hired two retired lock keepers to teach the volunteers how the mechanisms worked. End of minutes."
				},
			),
			want: Moved, at: "The trust hired two retired lock keepers to show the volunteers how the mechanisms worked.",
		},
		{
			name:   "same passage twice, annotation on the second",
			old:    strings.Replace(article, "Not everyone was pleased.", "Not everyone was pleased. Some owners of houses along the water worried about noise.", 1),
			quote:  "Some owners of houses along the water worried about noise",
			quoteN: 2,
			edit:   replace("Barges stopped", "Commercial barges stopped"),
			want:   Moved, at: "Some owners of houses along the water worried about noise", atN: 2,
		},
		{
			name:   "same passage twice, the first edited, annotation on the second",
			old:    strings.Replace(article, "Not everyone was pleased.", "Not everyone was pleased. Some owners of houses along the water worried about noise.", 1),
			quote:  "Some owners of houses along the water worried about noise",
			quoteN: 2,
			edit:   replace("Some owners of houses along the water worried about noise.", "Some owners of houses along the canal worried about noise."),
			want:   Anchored, at: "Some owners of houses along the water worried about noise",
		},
		{
			name:  "white space changed",
			quote: "the locks.\nEach of the six gates had to be rebuilt from oak",
			old:   strings.Replace(article, "the locks. Each of", "the locks.\nEach of", 1),
			edit:  replace("the locks.\nEach of", "the locks.  Each of"),
			want:  Moved, at: "the locks.  Each of the six gates had to be rebuilt from oak",
		},
		{
			name:  "typos fixed inside",
			quote: "Hundrds of peple walked alongside it",
			old:   strings.Replace(article, "Hundreds of people walked", "Hundrds of peple walked", 1),
			edit: func(s string) string {
				return strings.Replace(s, "Hundrds of peple walked", "Hundreds of people walked", 1)
			},
			want: Moved,
			at:   "Hundreds of people walked alongside it",
		},
		{
			name:  "passage deleted entirely",
			quote: "The volunteers still meet on Saturday mornings, because the brambles still grow back.",
			edit:  replace("The volunteers still meet on Saturday mornings, because the brambles still grow back.", ""),
			want:  Orphaned,
		},
		{
			name:  "passage deleted, a similar one elsewhere offered",
			old:   strings.Replace(article, "Local schools adopted", "The volunteers still meet on Sunday mornings, because the nettles still grow back. Local schools adopted", 1),
			quote: "The volunteers still meet on Saturday mornings, because the brambles still grow back.",
			edit:  replace("The volunteers still meet on Saturday mornings, because the brambles still grow back.", ""),
			want:  Orphaned,
			at:    "The volunteers still meet on Sunday mornings, because the nettles still grow back.",
		},
		{
			name:  "passage rewritten beyond an accepted match, offered",
			quote: "Within a year they had cleared four kilometres, and the council noticed.",
			edit:  replace("Within a year they had cleared four kilometres, and the council noticed.", "Within one single year they had cleared four kilometres; the town council took notice."),
			want:  Orphaned,
			at:    "Within one single year they had cleared four kilometres; the town council took notice.",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			old := tc.old
			if old == "" {
				old = article
			}
			start, end := at(t, old, tc.quote, max(1, tc.quoteN))
			sel, err := NewText(old, "").Describe(start, end)
			if err != nil {
				t.Fatal(err)
			}
			edited := tc.edit(old)
			tx := NewText(edited, "")
			got := tx.Resolve(sel)
			all := tx.ResolveAll([]Selector{sel})
			if !equalResult(got, all[0]) {
				t.Errorf("ResolveAll = %+v, Resolve = %+v", all[0], got)
			}
			if got.Status != tc.want {
				t.Fatalf("status %v, want %v; got %+v (%q)", got.Status, tc.want, got, tx.Slice(got.Start, got.End))
			}
			checkResult(t, tx, got)
			if tc.want == Orphaned && tc.at == "" {
				if len(got.Candidates) > 0 {
					t.Errorf("candidates %s, want none", describeCandidates(tx, got.Candidates))
				}
				return
			}
			wantStart, wantEnd := at(t, edited, tc.at, max(1, tc.atN))
			if tc.want == Orphaned {
				if len(got.Candidates) == 0 || got.Candidates[0].Start != wantStart || got.Candidates[0].End != wantEnd {
					t.Errorf("candidates %s, want [%d, %d) %q first", describeCandidates(tx, got.Candidates), wantStart, wantEnd, tc.at)
				}
				return
			}
			if got.Start != wantStart || got.End != wantEnd {
				t.Errorf("got [%d, %d) %q, want [%d, %d) %q", got.Start, got.End, tx.Slice(got.Start, got.End), wantStart, wantEnd, tc.at)
			}
		})
	}
}

// checkResult checks what holds for every Result.
func checkResult(t *testing.T, tx *Text, r Result) {
	t.Helper()
	n := tx.Len()
	switch r.Status {
	case Anchored, Moved:
		if r.Start < 0 || r.End > n || r.Start >= r.End {
			t.Errorf("placed at [%d, %d) in a text of %d", r.Start, r.End, n)
		}
		if r.Score < accept || r.Score > 1 {
			t.Errorf("placed with score %v", r.Score)
		}
		if len(r.Candidates) > 0 {
			t.Errorf("placed, yet candidates %v", r.Candidates)
		}
	case Orphaned:
		if r.Match != (Match{}) {
			t.Errorf("orphan with a match %+v", r.Match)
		}
		if len(r.Candidates) > MaxCandidates {
			t.Errorf("%d candidates, more than %d", len(r.Candidates), MaxCandidates)
		}
		for i, c := range r.Candidates {
			if c.Start < 0 || c.End > n || c.Start >= c.End || c.Score > 1 || math.IsNaN(c.Score) {
				t.Errorf("candidate %d: %+v in a text of %d", i, c, n)
			}
			for _, o := range r.Candidates[:i] {
				if o.Start < c.End && c.Start < o.End {
					t.Errorf("candidates %+v and %+v overlap", o, c)
				}
			}
		}
	default:
		t.Errorf("status %d", r.Status)
	}
}

func describeCandidates(tx *Text, cs []Match) string {
	var parts []string
	for _, c := range cs {
		parts = append(parts, fmt.Sprintf("[%d, %d) %.3f %q", c.Start, c.End, c.Score, tx.Slice(c.Start, c.End)))
	}
	return strings.Join(parts, "; ")
}

func TestResolveInvalidSelectors(t *testing.T) {
	article := readArticle(t)
	tx := NewText(article, "")
	quote := "the stone chambers had to be pumped dry"
	start, end := at(t, article, quote, 1)
	good, err := tx.Describe(start, end)
	if err != nil {
		t.Fatal(err)
	}
	moved := func(s Selector) Selector { s.Hash = "old"; return s }
	for _, tc := range []struct {
		name string
		sel  Selector
		want Status // Moved or Anchored: at [start, end)
	}{
		{"start after end", func() Selector { s := good; s.Start, s.End = s.End, s.Start; return s }(), Moved},
		{"start = end", func() Selector { s := good; s.End = s.Start; return s }(), Moved},
		{"far out of range", func() Selector { s := good; s.Start, s.End = 1<<40, 1<<40+39; return s }(), Moved},
		{"largest ints", func() Selector { s := good; s.Start, s.End = math.MaxInt, math.MinInt; return s }(), Moved},
		{"negative", func() Selector { s := good; s.Start, s.End = -50, -10; return s }(), Moved},
		{"wrong hash", moved(good), Anchored},
		{"no hash", func() Selector { s := good; s.Hash = ""; return s }(), Anchored},
		{"right hash, wrong place", func() Selector { s := good; s.Start, s.End = s.Start+3, s.End+3; return s }(), Moved},
		{"right hash, wrong length", func() Selector { s := good; s.End += 5; return s }(), Moved},
		{"no context", func() Selector { s := moved(good); s.Prefix, s.Suffix = "", ""; return s }(), Anchored},
		{"context longer than kept", func() Selector { s := moved(good); s.Prefix = strings.Repeat("x", 500) + s.Prefix; return s }(), Anchored},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := tx.Resolve(tc.sel)
			checkResult(t, tx, got)
			if got.Status != tc.want || got.Start != start || got.End != end {
				t.Errorf("got %+v, want %v at [%d, %d)", got, tc.want, start, end)
			}
		})
	}

	for _, tc := range []struct {
		name string
		sel  Selector
	}{
		{"empty quote", Selector{Start: 3, End: 9, Hash: tx.Hash()}},
		{"empty quote, empty text range", Selector{}},
		{"quote not in the text", Selector{Exact: "zyzzyva quux", Start: 10, End: 22}},
		{"quote of code points the text lacks", Selector{Exact: "日本語のテキスト", Start: 0, End: 8}},
		{"invalid UTF-8", Selector{Exact: "\xff\xfe\xfd", Prefix: "\xc3", Start: 5, End: 2}},
		{"quote longer than the text", Selector{Exact: article + article, Start: 0, End: 2 * tx.Len()}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := tx.Resolve(tc.sel)
			checkResult(t, tx, got)
			if got.Status != Orphaned {
				t.Errorf("got %+v, want an orphan", got)
			}
		})
	}

	t.Run("empty text", func(t *testing.T) {
		empty := NewText("", "")
		for _, s := range []Selector{good, {}, {Exact: "x", Start: -1, End: 1 << 50}} {
			got := empty.Resolve(s)
			checkResult(t, empty, got)
			if got.Status != Orphaned || len(got.Candidates) > 0 {
				t.Errorf("Resolve(%+v) on an empty text = %+v", s, got)
			}
		}
		if res := empty.ResolveAll([]Selector{good, {}}); len(res) != 2 {
			t.Errorf("ResolveAll gave %d results for 2 selectors", len(res))
		}
	})
}

func TestResolveAll(t *testing.T) {
	article := longArticle(t)
	old := NewText(article, "")
	quotes := []string{
		"For most of the last century",
		"volunteers began clearing the towpath",
		"Marta Kowalski, who organised the first work parties",
		"Each of the six gates had to be rebuilt from oak",
		"open the paddles a little at a time",
		"a crowdfunding appeal raised enough",
		"a speed limit for boats",
		"It took four hours.",
		"the museum in the cottage counts more visitors",
		"You keep it open by using it.",
		"Ledger line 12: 31 crates of slate delivered to wharf 3.",
		"Ledger line 140: 26 crates of slate delivered to wharf 5.",
	}
	var sels []Selector
	for _, q := range quotes {
		s, err := old.Describe(at(t, article, q, 1))
		if err != nil {
			t.Fatal(err)
		}
		sels = append(sels, s)
	}
	// Selectors in no particular order, one of them twice, one invalid.
	sels = append(sels, sels[3], Selector{Exact: "nowhere to be found", Start: 7, End: 26})
	slices.Reverse(sels)

	for _, tc := range []struct {
		name string
		edit edit
	}{
		{"unchanged", func(s string) string { return s }},
		{"long insertion at the start", func(s string) string { return strings.Repeat("A preface about barges. ", 1000) + "\n\n" + s }},
		{"insertions and deletions all along", chain(
			replace("The Canal Comes Back", "The Canal Comes Back: How Volunteers Reopened a Waterway"),
			replace("That changed when", "Then, one spring, that changed when"),
			replace(" The trust hired two retired lock keepers to teach the volunteers how the mechanisms worked.", ""),
			replace("Not everyone was pleased.", "Not everyone was pleased, and some said so loudly at public meetings."),
			// The ledger repeats itself line after line: a jump much
			// larger than this makes a neighbouring line at the expected
			// place win (README.md, "Limits").
			replace("Ledger line 50:", strings.Repeat("An aside about barges. ", 9)+"Ledger line 50:"),
			replace("Ledger line 100:", "Ledger line 100 (amended):"),
		)},
		{"paragraphs moved", chain(moveToEnd("Money came from everywhere."), moveToEnd("For most of the last century"))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			edited := tc.edit(article)
			tx := NewText(edited, "")
			got := tx.ResolveAll(sels)
			if len(got) != len(sels) {
				t.Fatalf("%d results for %d selectors", len(got), len(sels))
			}
			for i, s := range sels {
				checkResult(t, tx, got[i])
				if one := tx.Resolve(s); one.Status == Orphaned != (got[i].Status == Orphaned) {
					t.Errorf("%q: Resolve says %v, ResolveAll %v", s.Exact, one.Status, got[i].Status)
				}
				if s.Exact == "nowhere to be found" {
					if got[i].Status != Orphaned {
						t.Errorf("%q: got %+v, want an orphan", s.Exact, got[i])
					}
					continue
				}
				wantStart, wantEnd := at(t, edited, s.Exact, 1)
				if got[i].Status == Orphaned || got[i].Start != wantStart || got[i].End != wantEnd {
					t.Errorf("%q: got %+v, want [%d, %d)", s.Exact, got[i], wantStart, wantEnd)
				}
			}
		})
	}
}

// TestResolveAllCorpus runs the benchmark's corpus: a long text that
// repeats its phrases, 200 passages, sentences inserted between them and a
// third of them edited. Every passage must be found where it is now.
func TestResolveAllCorpus(t *testing.T) {
	for _, tc := range []struct {
		name       string
		size, seed int
	}{
		{"50k", 50_000, 1},
		{"50k, other edits", 50_000, 2},
		{"500k", 500_000, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			old, edited, cases := editedCorpus(t, tc.size, 200, uint64(tc.seed))
			hash := NewText(old, "").Hash()
			sels := make([]Selector, len(cases))
			for i, c := range cases {
				sels[i] = c.sel
				sels[i].Hash = hash
			}
			tx := NewText(edited, "")
			for i, r := range tx.ResolveAll(sels) {
				c := cases[i]
				checkResult(t, tx, r)
				if r.Status == Orphaned || abs(r.Start-c.start) > 2 {
					t.Errorf("case %d (quote edited: %v): got %+v, want [%d, %d) %q", i, c.quoteEdited, r, c.start, c.end, tx.Slice(c.start, c.end))
				}
			}
		})
	}
}
