package anchor

import "testing"

// BenchmarkResolveAll times what the reader does when an article changed:
// prepare the new text and place 200 annotations made on the old one,
// a third of them with their quote edited. The hash is the old text's, so
// nothing takes the fast path.
func BenchmarkResolveAll(b *testing.B) {
	for _, size := range []struct {
		name string
		n    int
	}{{"50k", 50_000}, {"500k", 500_000}} {
		b.Run(size.name, func(b *testing.B) {
			old, edited, cases := editedCorpus(b, size.n, 200, 1)
			hash := NewText(old, "").Hash()
			sels := make([]Selector, len(cases))
			for i, c := range cases {
				sels[i] = c.sel
				sels[i].Hash = hash
			}
			var res []Result
			b.ReportAllocs()
			for b.Loop() {
				res = NewText(edited, "").ResolveAll(sels)
			}
			correct := 0
			for i, c := range cases {
				if res[i].Status != Orphaned && abs(res[i].Start-c.start) <= 2 {
					correct++
				}
			}
			b.ReportMetric(float64(correct), "correct")
		})
	}
}

// BenchmarkNewText times preparing a 500k-code-point text.
func BenchmarkNewText(b *testing.B) {
	_, edited, _ := editedCorpus(b, 500_000, 200, 1)
	b.ReportAllocs()
	for b.Loop() {
		NewText(edited, "")
	}
}
