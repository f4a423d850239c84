package clientauth

import (
	"crypto/sha256"
	"crypto/subtle"
)

// APIKey is one configured key and the consumer it authenticates.
type APIKey struct {
	Consumer string
	Key      string // the resolved key; only its digest is kept by NewAuthenticator
}

type keyDigest struct {
	consumer string
	sum      [sha256.Size]byte
}

// matchKey returns the consumer whose key is presented, comparing SHA-256 digests in constant
// time: every configured key is compared, and equal-length digests hide the key length.
func matchKey(keys []keyDigest, presented string) (string, bool) {
	sum := sha256.Sum256([]byte(presented))
	found := -1
	for i := range keys {
		if subtle.ConstantTimeCompare(keys[i].sum[:], sum[:]) == 1 {
			found = i
		}
	}
	if found < 0 {
		return "", false
	}
	return keys[found].consumer, true
}
