package articles

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"margin/app/library"
	"margin/assets"
)

func TestSample(t *testing.T) {
	c, err := Load(assets.FS, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	sums, _ := c.Summaries(context.Background())
	if len(sums) != 1 {
		t.Fatalf("%d sample articles, want 1", len(sums))
	}
	a, err := c.Article(context.Background(), sums[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	m := a.Meta
	if m.Title != "Stoltenberg: NATO Mulls Options In Post-INF World, Doesn't Want Arms Race With Russia" ||
		m.Site != "RFE/RL" || m.Published.Format("2006-01-02") != "2019-02-13" || m.Lang != "en" {
		t.Errorf("sample metadata: %+v", m)
	}
	text := a.Text()
	caption := "NATO Secretary-General Jens Stoltenberg addresses the media before a meeting at NATO headquarters in Brussels on February 13."
	if !strings.HasPrefix(text, caption+"\n\n") || strings.Count(text, caption) != 1 {
		t.Error("the photo caption is not the article's one figure caption")
	}
	if a.Blocks[0].Kind != "figure" {
		t.Errorf("first block is a %s, want the figure", a.Blocks[0].Kind)
	}
	if !strings.HasSuffix(text, "With reporting by AP, AFP, and dpa") {
		t.Error("the credit line is not the article's last text")
	}
	for _, furniture := range []string{"Accessibility links", "Breaking News"} {
		if strings.Contains(text, furniture) {
			t.Errorf("page furniture %q in the article text", furniture)
		}
	}
	if m.Words < 400 || m.Minutes < 2 {
		t.Errorf("%d words, %d minutes", m.Words, m.Minutes)
	}
	// The id comes from the content, so it survives restarts.
	again, _ := Load(assets.FS, "", nil)
	if !again.Has(sums[0].ID) {
		t.Error("the sample's id changed between two loads")
	}
}

func TestDataFolder(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "articles"), 0o755)
	write := func(name, content string) {
		os.WriteFile(filepath.Join(dir, "articles", name), []byte(content), 0o644)
	}
	write("a.md", "---\ntitle: Newer\npublished: 2024-01-02\n---\n\nBody.\n")
	write("b.txt", "Plain text.\n\nTwo paragraphs.")
	write("c.html", "<p>Some <b>HTML</b><script>alert(1)</script></p>")
	write("bad.md", "---\npublished: yesterday\n---\n\nx")
	write("big.html", strings.Repeat("x", 11<<20))
	write("notes.pdf", "%PDF")
	var log bytes.Buffer
	c, err := Load(assets.FS, dir, slog.New(slog.NewTextHandler(&log, nil)))
	if err != nil {
		t.Fatal(err)
	}
	sums, _ := c.Summaries(context.Background())
	var titles []string
	for _, s := range sums {
		titles = append(titles, s.Meta.Title)
	}
	// Newest first; files without a date by title; the file name stands
	// in for a missing title.
	want := "Newer|Stoltenberg: NATO Mulls Options In Post-INF World, Doesn't Want Arms Race With Russia|b|c"
	if got := strings.Join(titles, "|"); got != want {
		t.Errorf("library order\n got %s\nwant %s", got, want)
	}
	for _, name := range []string{"bad.md", "big.html"} {
		if !strings.Contains(log.String(), name) {
			t.Errorf("%s was not reported:\n%s", name, log.String())
		}
	}
	if _, err := c.Article(context.Background(), "nope"); !errors.Is(err, library.ErrNotFound) {
		t.Errorf("unknown id: %v", err)
	}
}

func TestBrokenSampleIsAnError(t *testing.T) {
	fsys := fstest.MapFS{"articles/x.md": {Data: []byte("---\npublished: never\n---\n")}}
	if _, err := Load(fsys, "", nil); err == nil {
		t.Error("a broken sample loaded")
	}
}

func TestSameContentTwice(t *testing.T) {
	c := New()
	fsys := fstest.MapFS{"articles/a.txt": {Data: []byte("Same.")}, "articles/b.txt": {Data: []byte("Same.")}}
	if err := c.loadFS(fsys, "articles", nil); err != nil {
		t.Fatal(err)
	}
	sums, _ := c.Summaries(context.Background())
	if len(sums) != 2 || sums[0].ID == sums[1].ID {
		t.Errorf("two files with the same text: %+v", sums)
	}
}

// An article model (.json, as "margin import" writes a page into the
// data folder) loads with its id and its images' addresses as they were;
// a model that fails the checks is skipped like any broken file.
func TestModelFiles(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "articles"), 0o755)
	good := `{"id":"u0123456789abcdef0123","meta":{"title":"Imported page","url":"https://news.example/a"},
		"blocks":[{"kind":"paragraph","runs":[{"text":"Imported text."}]},
		{"kind":"figure","image":{"src":"/media/` + strings.Repeat("ab", 32) + `","alt":"A picture"}}]}`
	bad := `{"id":"x","meta":{"title":"Bad"},"blocks":[{"kind":"paragraph","runs":[{"text":"x","href":"javascript:alert(1)"}]}]}`
	badID := `{"id":"no spaces allowed","meta":{"title":"Renamed"},"blocks":[{"kind":"paragraph","runs":[{"text":"Kept all the same."}]}]}`
	for name, body := range map[string]string{"good.json": good, "bad.json": bad, "badid.json": badID, "broken.json": `{"id":`} {
		if err := os.WriteFile(filepath.Join(dir, "articles", name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var logs bytes.Buffer
	c, err := Load(assets.FS, dir, slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	a, err := c.Article(context.Background(), "u0123456789abcdef0123")
	if err != nil {
		t.Fatal(err)
	}
	if a.Meta.Title != "Imported page" || a.Text() != "Imported text." || a.Blocks[1].Image.Src != "/media/"+strings.Repeat("ab", 32) {
		t.Errorf("model file: %+v", a)
	}
	sums, _ := c.Summaries(context.Background())
	var titles []string
	for _, s := range sums {
		titles = append(titles, s.Meta.Title)
		if s.Meta.Title == "Renamed" && s.ID == "no spaces allowed" {
			t.Error("a model's invalid id was kept")
		}
	}
	if len(sums) != 3 || !strings.Contains(strings.Join(titles, "|"), "Renamed") || strings.Contains(strings.Join(titles, "|"), "Bad") {
		t.Errorf("library: %q", titles)
	}
	if strings.Count(logs.String(), "article file skipped") != 2 {
		t.Errorf("want two skipped files logged:\n%s", logs.String())
	}
}
