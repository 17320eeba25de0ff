package extract

import (
	"strconv"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// lazySrc are the attributes lazy-loading scripts keep an image's real
// address in, best first; src often holds only a placeholder then.
var lazySrc = []string{"data-src", "data-original", "data-lazy-src", "data-lazy", "data-url", "data-hi-res-src"}

// imageAttrs are the attributes prepareImages replaces by a single src.
var imageAttrs = map[string]bool{
	"src": true, "srcset": true, "sizes": true, "data-srcset": true, "data-lazy-srcset": true,
	"data-src": true, "data-original": true, "data-lazy-src": true, "data-lazy": true,
	"data-url": true, "data-hi-res-src": true,
}

// prepareImages gives every img of doc the one address the article will
// show: the best candidate of its picture's sources and its own srcset,
// or its lazy-loading address, or its src. The other image attributes and
// picture's source elements go, so that later steps see plain images.
func prepareImages(doc *html.Node) {
	var imgs, pictures []*html.Node
	visit(doc, func(n *html.Node) bool {
		if n.Type == html.ElementNode && n.Namespace == "" {
			switch n.DataAtom {
			case atom.Img:
				imgs = append(imgs, n)
			case atom.Picture:
				pictures = append(pictures, n)
			}
		}
		return true
	})
	fromPicture := map[*html.Node]string{}
	for _, p := range pictures {
		var cands []candidate
		var img *html.Node
		for ch := p.FirstChild; ch != nil; {
			next := ch.NextSibling
			if ch.Type == html.ElementNode && ch.DataAtom == atom.Source {
				if t := attrOf(ch, "type"); t == "" || sniffable(t) {
					cands = append(cands, parseSrcset(attrOf(ch, "srcset"))...)
					cands = append(cands, parseSrcset(attrOf(ch, "data-srcset"))...)
				}
				p.RemoveChild(ch)
			} else if ch.Type == html.ElementNode && ch.DataAtom == atom.Img && img == nil {
				img = ch
			}
			ch = next
		}
		if img != nil {
			if best := bestCandidate(append(cands, imgCandidates(img)...)); best != "" {
				fromPicture[img] = best
			}
		}
	}
	for _, img := range imgs {
		src, ok := fromPicture[img]
		if !ok {
			src = bestCandidate(imgCandidates(img))
		}
		kept := img.Attr[:0]
		for _, a := range img.Attr {
			if !imageAttrs[a.Key] {
				kept = append(kept, a)
			}
		}
		img.Attr = kept
		if src != "" {
			img.Attr = append(img.Attr, html.Attribute{Key: "src", Val: src})
		}
	}
}

// sniffable reports whether a source's type is one the images step keeps.
func sniffable(t string) bool {
	switch strings.ToLower(strings.TrimSpace(t)) {
	case "image/png", "image/jpeg", "image/jpg", "image/gif", "image/webp", "image/avif", "image/svg+xml":
		return true
	}
	return false
}

// imgCandidates are an img's addresses: its srcsets, else its lazy
// address, else its src (when it is not an inline placeholder).
func imgCandidates(img *html.Node) []candidate {
	var cands []candidate
	for _, k := range []string{"srcset", "data-srcset", "data-lazy-srcset"} {
		cands = append(cands, parseSrcset(attrOf(img, k))...)
	}
	if len(cands) > 0 {
		return cands
	}
	for _, k := range lazySrc {
		if v := strings.TrimSpace(attrOf(img, k)); v != "" {
			return []candidate{{url: v, size: 1}}
		}
	}
	if v := strings.TrimSpace(attrOf(img, "src")); v != "" {
		return []candidate{{url: v, size: 1}}
	}
	return nil
}

// candidate is one address of a srcset with its width (w) or density (x)
// descriptor; widths and densities are not compared with each other.
type candidate struct {
	url   string
	size  float64
	width bool
}

// bestCandidate is the largest candidate: the widest when any has a width,
// else the densest. It returns "" when there is none.
func bestCandidate(cands []candidate) string {
	best := -1
	for i, c := range cands {
		if strings.HasPrefix(strings.ToLower(c.url), "data:") {
			continue
		}
		switch {
		case best < 0:
			best = i
		case c.width != cands[best].width:
			if c.width {
				best = i
			}
		case c.size > cands[best].size:
			best = i
		}
	}
	if best < 0 {
		return ""
	}
	return cands[best].url
}

// parseSrcset reads a srcset attribute: addresses separated by commas,
// each followed by an optional "300w" or "2x". A comma inside an address
// (image services use them) does not split it: an address ends at white
// space, or at a comma that ends it.
func parseSrcset(s string) []candidate {
	var out []candidate
	i := 0
	for i < len(s) {
		for i < len(s) && (isSpace(s[i]) || s[i] == ',') {
			i++
		}
		start := i
		for i < len(s) && !isSpace(s[i]) {
			i++
		}
		u := s[start:i]
		desc := ""
		if strings.HasSuffix(u, ",") {
			u = strings.TrimRight(u, ",")
		} else {
			j := strings.IndexByte(s[i:], ',')
			if j < 0 {
				j = len(s) - i
			}
			desc = strings.TrimSpace(s[i : i+j])
			i += j
		}
		if u == "" {
			continue
		}
		c := candidate{url: u, size: 1}
		if f := strings.Fields(desc); len(f) > 0 {
			d := strings.ToLower(f[0])
			if v, err := strconv.ParseFloat(d[:len(d)-1], 64); err == nil && v > 0 {
				switch d[len(d)-1] {
				case 'w':
					c.size, c.width = v, true
				case 'x':
					c.size = v
				}
			}
		}
		out = append(out, c)
	}
	return out
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' }

func attrOf(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == key {
			return a.Val
		}
	}
	return ""
}

// visit calls f on every node in document order, without recursion (the
// page may nest deeply); f returns false to skip a node's children.
func visit(root *html.Node, f func(*html.Node) bool) {
	stack := []*html.Node{root}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if !f(n) {
			continue
		}
		for ch := n.LastChild; ch != nil; ch = ch.PrevSibling {
			stack = append(stack, ch)
		}
	}
}
