package account

import (
	"crypto/rand"
	"encoding/base64"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// TokenPrefix starts every API token's secret, so that a token pasted
// where it should not be (a log, a public repository) is recognisable
// for what it is, by people and by secret scanners.
const TokenPrefix = "mgn_"

// TokenLen is the length of a token's secret: the prefix and 32 random
// bytes in base64url.
var TokenLen = len(TokenPrefix) + base64.RawURLEncoding.EncodedLen(secretLen)

// Scopes a token may hold. Import is the only one so far: the
// bookmarklet's and scripts' POST /api/import.
const ScopeImport = "import"

// Scopes lists every scope there is.
var Scopes = []string{ScopeImport}

// Limits of tokens.
const (
	MaxTokenName = 100 // characters
	MaxTokens    = 50  // per user
)

// NewToken returns a new API token's secret, which the user is shown
// once, and the hash the store keeps.
func NewToken() (secret, hash string) {
	var b [secretLen]byte
	rand.Read(b[:])
	return TokenPrefix + base64.RawURLEncoding.EncodeToString(b[:]), hashSecret(b[:])
}

// TokenHash returns the stored hash of the token whose secret is
// secret, or false when secret is not one NewToken could have made. It
// looks at the length first, so a huge header costs nothing.
func TokenHash(secret string) (string, bool) {
	if len(secret) != TokenLen || !strings.HasPrefix(secret, TokenPrefix) {
		return "", false
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(secret[len(TokenPrefix):])
	if err != nil || len(b) != secretLen {
		return "", false
	}
	return hashSecret(b), true
}

// CheckTokenName reports whether name may name a token: 1 to 100
// characters of text, no control characters, not only spaces. The
// name is trimmed first by the caller.
func CheckTokenName(name string) error {
	if !utf8.ValidString(name) {
		return ruleError("A token's name must be text.")
	}
	if n := utf8.RuneCountInString(name); n == 0 || n > MaxTokenName || strings.TrimSpace(name) == "" {
		return ruleError("A token's name is 1 to 100 characters long.")
	}
	if strings.ContainsFunc(name, unicode.IsControl) {
		return ruleError("A token's name may not hold control characters or line breaks.")
	}
	return nil
}

// CheckScopes returns scopes without repeats, in Scopes' order, or an
// error naming the first scope that does not exist; at least one is
// needed.
func CheckScopes(scopes []string) ([]string, error) {
	if len(scopes) == 0 {
		return nil, ruleError(`Say what the token may do: "scopes": ["import"].`)
	}
	for _, s := range scopes {
		if !slices.Contains(Scopes, s) {
			return nil, ruleError(`There is no scope ` + quoteShort(s) + `; the scopes are: ` + strings.Join(Scopes, ", ") + ".")
		}
	}
	var out []string
	for _, s := range Scopes {
		if slices.Contains(scopes, s) {
			out = append(out, s)
		}
	}
	return out, nil
}

// quoteShort quotes s for a message, cut to 40 characters.
func quoteShort(s string) string {
	if r := []rune(s); len(r) > 40 {
		s = string(r[:40]) + "…"
	}
	return strconv.Quote(s)
}
