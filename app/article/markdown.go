//go:build !(js && wasm) || convert

package article

import (
	"bytes"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer/html"
)

// markdown renders CommonMark with GitHub tables, strikethrough, task
// lists and autolinks. Raw HTML passes through (WithUnsafe) on purpose:
// the result goes through the same allow-list as any HTML page, and raw
// HTML lets a Markdown source hold what Markdown cannot say, such as a
// figure with a caption.
var markdown = goldmark.New(
	goldmark.WithExtensions(extension.GFM),
	goldmark.WithRendererOptions(html.WithUnsafe()),
)

// FromMarkdown converts a Markdown document into an article. It may start
// with front matter (see the package documentation); a leading "# Heading"
// becomes the title when the front matter gives none, and leaves the blocks
// when it is the title. A malformed front matter date or URL is an error
// naming its line.
func FromMarkdown(src string) (*Article, error) {
	if err := checkSize(src); err != nil {
		return nil, err
	}
	src = clean(src)
	meta, body, err := frontMatter(src)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	if err := markdown.Convert([]byte(guardMarkdown(body)), &out); err != nil {
		return nil, err
	}
	a := convertHTML(clean(out.String()), "", false)
	a.Meta = meta
	if len(a.Blocks) > 0 && a.Blocks[0].Kind == Heading && a.Blocks[0].Level == 1 {
		h := foldString(strings.ReplaceAll(runsText(a.Blocks[0].Runs), "\n", " "))
		if meta.Title == "" || meta.Title == h {
			a.Meta.Title = h
			a.Blocks = a.Blocks[1:]
		}
	}
	a.Index()
	return a, nil
}
