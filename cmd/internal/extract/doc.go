// Package extract imports articles from the web: it fetches a page behind
// a network guard that refuses private addresses at dial time, finds the
// article in it with readability, converts that into Margin's document
// model, and fetches the article's images through the same guard, so the
// reader serves them from its own origin.
package extract
