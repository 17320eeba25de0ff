package account

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"time"
)

// SessionTTL is how long a session lasts after sign-in.
const SessionTTL = 30 * 24 * time.Hour

const secretLen = 32

// NewSession returns a new session secret as the cookie carries it
// (base64url of 32 random bytes) and the hash the store keeps. A copy of
// the database therefore opens no sessions.
func NewSession() (cookie, hash string) {
	var secret [secretLen]byte
	rand.Read(secret[:])
	return base64.RawURLEncoding.EncodeToString(secret[:]), hashSecret(secret[:])
}

// SessionHash returns the stored hash of the session whose cookie value
// is cookie, or false when cookie is not one NewSession could have made.
func SessionHash(cookie string) (string, bool) {
	if len(cookie) != base64.RawURLEncoding.EncodedLen(secretLen) {
		return "", false
	}
	secret, err := base64.RawURLEncoding.DecodeString(cookie)
	if err != nil || len(secret) != secretLen {
		return "", false
	}
	return hashSecret(secret), true
}

func hashSecret(secret []byte) string {
	sum := sha256.Sum256(secret)
	return hex.EncodeToString(sum[:])
}
