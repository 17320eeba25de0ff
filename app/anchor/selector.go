package anchor

// ContextLen is the most code points of prefix and suffix a selector keeps.
const ContextLen = 32

// Selector says where an annotation's passage is: the W3C
// TextQuoteSelector (Exact with up to ContextLen code points of Prefix and
// Suffix), the TextPositionSelector (Start, End: code points of the
// canonical text, End exclusive) and Hash, the hex SHA-256 of the
// canonical text the selector was made on (article.Meta.Hash).
type Selector struct {
	Exact  string `json:"exact"`
	Prefix string `json:"prefix,omitempty"`
	Suffix string `json:"suffix,omitempty"`
	Start  int    `json:"start"`
	End    int    `json:"end"`
	Hash   string `json:"hash,omitempty"`
}
