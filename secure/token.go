package secure

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"

	"github.com/emmansun/gmsm/sm3"
)

// NewToken returns a random URL-safe token with 256 bits of entropy, for
// session cookies, API tokens and CSRF tokens.
func NewToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("secure: no randomness: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// NewID returns an opaque random record ID (16 hex characters, 64 bits):
// short enough for URLs, not guessable from a count.
func NewID() string {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		panic("secure: no randomness: " + err.Error())
	}
	return hex.EncodeToString(b)
}

// TokenDigest is what the database keeps instead of a token, so that a copy
// of the database does not hand out live sessions.
func TokenDigest(token string) string {
	sum := sm3.Sum([]byte(token))
	return hex.EncodeToString(sum[:])
}
