// Package corpus loads the article pages the extractor is measured on and
// scores an extraction of each: the title exactly, the sentences that
// must be kept, and the page furniture that must be left out. The
// extractor's tests and the benchmark score Margin and the reference
// extractor with the same code.
package corpus

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Page is one page of the corpus: NAME.html and NAME.json in the folder.
type Page struct {
	Name string
	HTML []byte
	// URL is the address the page pretends to come from.
	URL     string   `json:"url"`
	Title   string   `json:"title"`
	Must    []string `json:"must"`
	MustNot []string `json:"mustNot"`
	// Lang and Dir, when set, are what Margin's extraction must report.
	Lang string `json:"lang"`
	Dir  string `json:"dir"`
}

// Load reads every page of dir, in name order.
func Load(dir string) ([]Page, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, fmt.Errorf("corpus %s: %w", dir, err)
	}
	sort.Strings(names)
	var pages []Page
	for _, jf := range names {
		var p Page
		b, err := os.ReadFile(jf)
		if err != nil {
			return nil, fmt.Errorf("corpus: %w", err)
		}
		if err := json.Unmarshal(b, &p); err != nil {
			return nil, fmt.Errorf("corpus %s: %w", jf, err)
		}
		p.Name = strings.TrimSuffix(filepath.Base(jf), ".json")
		if p.HTML, err = os.ReadFile(strings.TrimSuffix(jf, ".json") + ".html"); err != nil {
			return nil, fmt.Errorf("corpus: %w", err)
		}
		if p.URL == "" || p.Title == "" || len(p.Must) == 0 || len(p.MustNot) == 0 {
			return nil, fmt.Errorf("corpus %s: url, title, must and mustNot are all required", jf)
		}
		pages = append(pages, p)
	}
	if len(pages) == 0 {
		return nil, fmt.Errorf("corpus %s: no pages", dir)
	}
	return pages, nil
}

// Score is how one extraction of one page fared.
type Score struct {
	TitleOK bool
	Kept    int      // must-sentences found in the text
	Left    int      // mustNot-sentences absent from the text
	Missing []string // must-sentences not found
	Extra   []string // mustNot-sentences found
}

// Pass reports whether the extraction is right in every respect.
func (s Score) Pass() bool { return s.TitleOK && len(s.Missing) == 0 && len(s.Extra) == 0 }

// Score compares an extraction's title and text with what p expects.
// White space is folded on both sides; case and punctuation count.
func (p Page) Score(title, text string) Score {
	text = Fold(text)
	s := Score{TitleOK: Fold(title) == Fold(p.Title)}
	for _, m := range p.Must {
		if strings.Contains(text, Fold(m)) {
			s.Kept++
		} else {
			s.Missing = append(s.Missing, m)
		}
	}
	for _, m := range p.MustNot {
		if strings.Contains(text, Fold(m)) {
			s.Extra = append(s.Extra, m)
		} else {
			s.Left++
		}
	}
	return s
}

// Fold collapses runs of white space to one space and trims the ends.
func Fold(s string) string { return strings.Join(strings.Fields(s), " ") }

// Total sums scores over a corpus.
type Total struct {
	Pages, Passed                int
	Titles, TitlesOK             int
	Must, Kept, MustNot, LeftOut int
}

// Add counts one page's score for p.
func (t *Total) Add(p Page, s Score) {
	t.Pages++
	if s.Pass() {
		t.Passed++
	}
	t.Titles++
	if s.TitleOK {
		t.TitlesOK++
	}
	t.Must += len(p.Must)
	t.Kept += s.Kept
	t.MustNot += len(p.MustNot)
	t.LeftOut += s.Left
}

// String is the total as the benchmark prints it.
func (t Total) String() string {
	return fmt.Sprintf("titles %d/%d, must kept %d/%d, furniture left out %d/%d, pages right %d/%d",
		t.TitlesOK, t.Titles, t.Kept, t.Must, t.LeftOut, t.MustNot, t.Passed, t.Pages)
}
