//go:build !(js && wasm)

package article

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// TestOffsets asserts exact code-point offsets of runs and leaves, for text
// where bytes, UTF-16 units, code points and graphemes all differ.
func TestOffsets(t *testing.T) {
	type run struct {
		text   string
		offset int
	}
	cases := []struct {
		name   string
		src    string
		text   string
		runs   []run    // every run in document order; "\n" for a break
		leaves [][2]int // Offset, End of each leaf
	}{
		{"ascii", "<p>ab <b>cd</b></p><p>e</p>", "ab cd\n\ne",
			[]run{{"ab ", 0}, {"cd", 3}, {"e", 7}}, [][2]int{{0, 5}, {7, 8}}},
		{"emoji", "<p>\U0001F600 <b>x</b></p>", "\U0001F600 x",
			[]run{{"\U0001F600 ", 0}, {"x", 2}}, [][2]int{{0, 3}}},
		{"zwj family", "<p>\U0001F468\u200D\U0001F469\u200D\U0001F467<i>!</i></p>", "\U0001F468\u200D\U0001F469\u200D\U0001F467!",
			[]run{{"\U0001F468\u200D\U0001F469\u200D\U0001F467", 0}, {"!", 5}}, [][2]int{{0, 6}}},
		{"skin tone", "<p>\U0001F44D\U0001F3FD<b>a</b></p>", "\U0001F44D\U0001F3FDa",
			[]run{{"\U0001F44D\U0001F3FD", 0}, {"a", 2}}, [][2]int{{0, 3}}},
		{"flags", "<p>\U0001F1EB\U0001F1F7\U0001F1EF\U0001F1F5<em>f</em></p>", "\U0001F1EB\U0001F1F7\U0001F1EF\U0001F1F5f",
			[]run{{"\U0001F1EB\U0001F1F7\U0001F1EF\U0001F1F5", 0}, {"f", 4}}, [][2]int{{0, 5}}},
		{"cjk", "<h2>日本語</h2><p>中文<b>한국어</b>カタカナ</p>", "日本語\n\n中文한국어カタカナ",
			[]run{{"日本語", 0}, {"中文", 5}, {"한국어", 7}, {"カタカナ", 10}}, [][2]int{{0, 3}, {5, 14}}},
		{"arabic", "<p>مرحبا <b>بالعالم</b></p>", "مرحبا بالعالم",
			[]run{{"مرحبا ", 0}, {"بالعالم", 6}}, [][2]int{{0, 13}}},
		{"hebrew with break", "<p>שלום<br>עולם</p>", "שלום\nעולם",
			[]run{{"שלום", 0}, {"\n", 4}, {"עולם", 5}}, [][2]int{{0, 9}}},
		{"combining marks", "<p>e\u0301te\u0301 <i>cafe\u0301</i></p>", "e\u0301te\u0301 cafe\u0301",
			[]run{{"e\u0301te\u0301 ", 0}, {"cafe\u0301", 6}}, [][2]int{{0, 11}}},
		{"table and list leaves", "<ul><li>α</li><li>β<ul><li>γ</li></ul></li></ul><table><tr><td>\U0001F600</td><td></td><td>z</td></tr></table>",
			"α\n\nβ\n\nγ\n\n\U0001F600\n\nz",
			[]run{{"α", 0}, {"β", 3}, {"γ", 6}, {"\U0001F600", 9}, {"z", 12}},
			[][2]int{{0, 1}, {3, 4}, {6, 7}, {9, 10}, {10, 10}, {12, 13}}},
		{"code keeps white space", "<p>\U0001F600</p><pre>a\n\t\U0001F600 b</pre><figure><img src=https://x.example/i.png></figure><figure><figcaption>c</figcaption></figure>",
			"\U0001F600\n\na\n\t\U0001F600 b\n\nc",
			[]run{{"\U0001F600", 0}, {"a\n\t\U0001F600 b", 3}, {"c", 11}},
			[][2]int{{0, 1}, {3, 9}, {9, 9}, {11, 12}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a, err := FromHTML(c.src, "")
			if err != nil {
				t.Fatal(err)
			}
			if a.Text() != c.text {
				t.Fatalf("text %q, want %q", a.Text(), c.text)
			}
			var got []run
			var ls [][2]int
			for _, l := range leaves(a.Blocks, nil) {
				ls = append(ls, [2]int{l.start, l.end})
				for _, r := range l.runs {
					tx := r.Text
					if r.Break {
						tx = "\n"
					}
					got = append(got, run{tx, r.Offset})
				}
			}
			if !reflect.DeepEqual(got, c.runs) {
				t.Fatalf("runs %v, want %v", got, c.runs)
			}
			if !reflect.DeepEqual(ls, c.leaves) {
				t.Fatalf("leaves %v, want %v", ls, c.leaves)
			}
			check(t, a)
		})
	}
}

func TestWordsAndMinutes(t *testing.T) {
	cases := []struct {
		text           string
		words, minutes int
	}{
		{"", 0, 0},
		{"one", 1, 1},
		{"one two  three", 3, 1},
		{"日本語", 3, 1},
		{"hello世界 ok", 4, 1},
		{"한국어 텍스트", 6, 1},
		{"\U0001F600 e\u0301", 2, 1},
		{strings.Repeat("w ", 230), 230, 1},
		{strings.Repeat("w ", 231), 231, 2},
	}
	for _, c := range cases {
		a, _ := FromText(c.text)
		if a.Meta.Words != c.words || a.Meta.Minutes != c.minutes {
			t.Errorf("%q: %d words, %d minutes; want %d, %d", c.text, a.Meta.Words, a.Meta.Minutes, c.words, c.minutes)
		}
	}
}

func TestExcerpt(t *testing.T) {
	long := strings.Repeat("word ", 60) // 300 code points
	cases := []struct{ name, src, want string }{
		{"short", "<h1>x</h1><p>Short <b>one</b>.</p><p>second</p>", "Short one."},
		{"first paragraph in a list", "<h2>h</h2><ul><li>item</li></ul><p>p</p>", "item"},
		{"break becomes space", "<p>a<br>b</p>", "a b"},
		{"cut at a word", "<p>" + long + "</p>", strings.TrimSpace(strings.Repeat("word ", 40)) + "…"},
		{"cut cjk", "<p>" + strings.Repeat("語", 300) + "</p>", strings.Repeat("語", 199) + "…"},
		{"no paragraph", "<h2>x</h2>", ""},
		{"combining mark kept whole", "<p>" + strings.Repeat("a", 198) + "e\u0301xyz</p>", strings.Repeat("a", 198) + "…"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a, _ := FromHTML(c.src, "")
			if a.Meta.Excerpt != c.want {
				t.Fatalf("excerpt %q, want %q", a.Meta.Excerpt, c.want)
			}
			if n := len([]rune(a.Meta.Excerpt)); n > excerptLen {
				t.Fatalf("excerpt of %d code points", n)
			}
		})
	}
}

func TestJSONRoundTrip(t *testing.T) {
	a, err := FromHTML("<h2>T</h2><p>a <b>\U0001F600</b><br>b</p><ul><li>x</li></ul><table><tr><td>1</td><td>2</td></tr></table>", "")
	if err != nil {
		t.Fatal(err)
	}
	a.ID = "id1"
	data, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), "offset") || strings.Contains(string(data), `"end"`) {
		t.Fatalf("offsets serialized: %s", data)
	}
	var b Article
	if err := json.Unmarshal(data, &b); err != nil {
		t.Fatal(err)
	}
	if b.Text() != a.Text() || !reflect.DeepEqual(a, &b) {
		t.Fatalf("round trip differs:\n%+v\n%+v", a, &b)
	}
	check(t, &b)

	// Decoding always indexes, even into a used article.
	var c Article
	c.Meta.Words = 99
	if err := json.Unmarshal([]byte(`{"blocks":[{"kind":"paragraph","runs":[{"text":"one "},{"text":"two"}]}]}`), &c); err != nil {
		t.Fatal(err)
	}
	if c.Text() != "one two" || c.Blocks[0].Runs[1].Offset != 4 || c.Meta.Words != 2 || c.Blocks[0].End != 7 {
		t.Fatalf("not indexed: %q %+v", c.Text(), c)
	}
	if err := json.Unmarshal([]byte(`{"blocks":7}`), &c); err == nil {
		t.Fatal("bad JSON accepted")
	}
}
