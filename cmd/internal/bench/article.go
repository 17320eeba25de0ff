package main

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The long article is made up, but shaped like a long read: paragraphs of
// uneven length under section headings, one list and one quotation, and
// some emphasis and links. The same seed gives the same text every run.

var (
	nouns = strings.Fields(`city river council harbour winter market village report
		bridge archive railway letter engineer minister farmer museum garden road
		season island factory treaty century school border library station
		committee budget storm harvest tunnel mayor doctor journalist family
		forest valley coast witness province audience question answer decision
		network machine signal engine cargo crew captain island lighthouse
		mountain glacier canal warehouse workshop neighbourhood square festival`)
	verbs = strings.Fields(`built opened closed crossed reported described carried
		changed moved measured recorded followed watched answered promised
		delayed repaired mapped funded questioned visited rebuilt remembered
		argued explained counted shipped borrowed defended abandoned restored`)
	adjectives = strings.Fields(`old new narrow quiet northern southern early late
		public private small large careful patient distant local heavy bright
		cold long short familiar uncertain modest ambitious wooden granite`)
	adverbs = strings.Fields(`slowly quickly carefully again later finally
		rarely often openly quietly eventually almost`)
	preps = strings.Fields(`near beyond under across behind along through beside
		after before during without against toward`)
	joins = []string{"and", "but", "while", "because", "although", "so", "until", "since"}
	dets  = []string{"the", "the", "the", "a", "every", "one", "that", "this", "their", "its"}
)

// generateArticle returns Markdown with front matter and exactly words words
// of text, counted as whitespace-separated tokens outside the front matter
// and the Markdown markers.
func generateArticle(title string, words int, seed uint64) string {
	g := &textGen{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
	var out strings.Builder
	fmt.Fprintf(&out, "---\ntitle: %s\n---\n\n", title)
	left := words
	emit := func(prefix string, ws []string) {
		out.WriteString(prefix)
		out.WriteString(strings.Join(ws, " "))
		out.WriteString("\n\n")
		left -= len(ws)
	}
	paragraphs := 0
	for left > 0 {
		switch {
		case paragraphs > 0 && paragraphs%24 == 0 && left > 200:
			emit("## ", g.heading())
		case paragraphs == 40 && left > 200:
			// One list, of short items.
			for range 6 {
				ws := g.sentence(5 + g.rng.IntN(8))
				out.WriteString("- " + strings.Join(ws, " ") + "\n")
				left -= len(ws)
			}
			out.WriteString("\n")
		case paragraphs == 90 && left > 200:
			emit("> ", g.paragraph(35+g.rng.IntN(25)))
		}
		n := min(left, 18+g.rng.IntN(80))
		emit("", g.paragraph(n))
		paragraphs++
	}
	return out.String()
}

type textGen struct{ rng *rand.Rand }

func (g *textGen) pick(list []string) string { return list[g.rng.IntN(len(list))] }

// paragraph returns sentences totalling exactly n words.
func (g *textGen) paragraph(n int) []string {
	var ws []string
	for len(ws) < n {
		k := min(n-len(ws), 6+g.rng.IntN(20))
		if rest := n - len(ws) - k; rest > 0 && rest < 4 {
			k = n - len(ws) // no stub of a sentence at the end
		}
		ws = append(ws, g.sentence(k)...)
	}
	return ws
}

// sentence returns n words: clauses joined by conjunctions, capitalised,
// with a full stop, now and then an emphasised word or a link.
func (g *textGen) sentence(n int) []string {
	var ws []string
	for len(ws) < n {
		if len(ws) > 0 {
			ws[len(ws)-1] += ","
			ws = append(ws, g.pick(joins))
		}
		ws = append(ws, g.clause()...)
	}
	ws = ws[:n]
	ws[0] = capitalize(ws[0])
	last := strings.TrimRight(ws[n-1], ",")
	ws[n-1] = last + "."
	switch i := g.rng.IntN(len(ws)); {
	case g.rng.IntN(9) == 0 && !strings.ContainsAny(ws[i], ",."):
		ws[i] = "*" + ws[i] + "*"
	case g.rng.IntN(25) == 0 && !strings.ContainsAny(ws[i], ",."):
		ws[i] = fmt.Sprintf("[%s](https://example.org/notes/%d)", ws[i], g.rng.IntN(1000))
	}
	return ws
}

func (g *textGen) clause() []string {
	ws := []string{g.pick(dets)}
	if g.rng.IntN(2) == 0 {
		ws = append(ws, g.pick(adjectives))
	}
	ws = append(ws, g.pick(nouns))
	if g.rng.IntN(4) == 0 {
		ws = append(ws, g.pick(adverbs))
	}
	ws = append(ws, g.pick(verbs), g.pick(dets), g.pick(nouns))
	if g.rng.IntN(2) == 0 {
		ws = append(ws, g.pick(preps), "the", g.pick(nouns))
	}
	return ws
}

func (g *textGen) heading() []string {
	ws := []string{capitalize(g.pick(dets)), g.pick(adjectives), g.pick(nouns), g.pick(preps), "the", g.pick(nouns)}
	return ws[:3+g.rng.IntN(4)]
}

func capitalize(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[size:]
}
