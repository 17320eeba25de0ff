//go:build !(js && wasm) || convert

package article

import (
	"strings"
)

// FromText converts plain text into an article of paragraphs. Paragraphs
// are separated by blank lines (lines of only white space count as blank);
// the single newlines inside a paragraph fold into spaces like all other
// white space. Plain text has no title.
func FromText(src string) (*Article, error) {
	if err := checkSize(src); err != nil {
		return nil, err
	}
	a := &Article{Blocks: textBlocks(clean(src))}
	a.Index()
	return a, nil
}

func textBlocks(src string) []Block {
	blocks := []Block{}
	var para []string
	flush := func() {
		if runs := foldRuns([]Run{{Text: strings.Join(para, "\n")}}); runs != nil {
			blocks = append(blocks, Block{Kind: Paragraph, Runs: runs})
		}
		para = para[:0]
	}
	for line := range strings.Lines(src) {
		if strings.TrimSpace(line) == "" {
			flush()
			continue
		}
		para = append(para, line)
	}
	flush()
	return blocks
}
