package oauth2

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"strconv"
	"strings"
	"time"
)

// Remote is an optional second tier shared by gateway replicas (Redis through Higress's Redis
// ABI). A worker that must fetch asks it first, and stores what it fetched. It is best effort:
// a Remote that fails or answers late only costs a token request.
type Remote interface {
	// Get looks key up; done is called once, later, with the stored value (ok false: absent or
	// failed). An error means the lookup was not sent (done is not called).
	Get(key string, done func(value []byte, ok bool)) error
	// Set stores value under key for ttl; Del removes key. Both are fire and forget.
	Set(key string, value []byte, ttl time.Duration)
	Del(key string)
}

// remoteKey is the Remote key of cache key k.
func remoteKey(k string) string { return "mcp-rest-bridge:oauth2:" + k }

// Remote values are sealed (AES-256-GCM) with a key derived from the client secret (and the
// subject token for token exchange): the Redis server, its other users and wasm-go's Redis
// client, which logs queries and answers at debug level, see ciphertext only. The additional
// data binds a value to its key.
func sealKey(g *Grant, subject string) []byte {
	sum := sha256.Sum256([]byte(keyDigest(g.sealKey, subject)))
	return sum[:]
}

// seal returns base64(nonce | ciphertext of "<refreshAtMs>|<expiresAtMs>|<token>").
func seal(g *Grant, subject, k string, e entry, random io.Reader) ([]byte, error) {
	aead, err := newAEAD(g, subject)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, aead.NonceSize(), aead.NonceSize()+len(e.token)+64)
	if _, err := io.ReadFull(random, nonce); err != nil {
		return nil, err
	}
	plain := strconv.FormatInt(e.refreshAt.UnixMilli(), 10) + "|" + strconv.FormatInt(e.expiresAt.UnixMilli(), 10) + "|" + e.token
	out := aead.Seal(nonce, nonce, []byte(plain), []byte(k))
	return []byte(base64.RawStdEncoding.EncodeToString(out)), nil
}

// unseal reverses seal; ok is false for anything that does not decrypt and parse.
func unseal(g *Grant, subject, k string, v []byte) (entry, bool) {
	aead, err := newAEAD(g, subject)
	if err != nil {
		return entry{}, false
	}
	raw, err := base64.RawStdEncoding.DecodeString(string(v))
	if err != nil || len(raw) < aead.NonceSize() {
		return entry{}, false
	}
	plain, err := aead.Open(nil, raw[:aead.NonceSize()], raw[aead.NonceSize():], []byte(k))
	if err != nil {
		return entry{}, false
	}
	parts := strings.SplitN(string(plain), "|", 3)
	if len(parts) != 3 || !validToken(parts[2]) || parts[2] == "" {
		return entry{}, false
	}
	r, err1 := strconv.ParseInt(parts[0], 10, 64)
	x, err2 := strconv.ParseInt(parts[1], 10, 64)
	if err1 != nil || err2 != nil {
		return entry{}, false
	}
	return entry{token: parts[2], refreshAt: time.UnixMilli(r), expiresAt: time.UnixMilli(x)}, true
}

func newAEAD(g *Grant, subject string) (cipher.AEAD, error) {
	block, err := aes.NewCipher(sealKey(g, subject))
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// fetch asks the Remote first, when there is one, then the token endpoint.
func (c *Cache) fetch(f *flight) error {
	f.deadline = c.now().Add(c.fetchTimeout)
	if c.remote == nil {
		return c.post(f)
	}
	err := c.remote.Get(remoteKey(f.key), func(v []byte, ok bool) {
		if e, valid := unseal(f.grant, f.subject, f.key, v); ok && valid && c.now().Before(e.refreshAt) {
			c.settle(f, e, false)
			return
		}
		if err := c.post(f); err != nil {
			c.fail(f, err)
		}
	})
	if err != nil {
		return c.post(f)
	}
	return nil
}

// publishRemote stores a token fetched from the token endpoint for the other replicas.
func (c *Cache) publishRemote(f *flight, e entry) {
	if c.remote == nil {
		return
	}
	v, err := seal(f.grant, f.subject, f.key, e, c.random)
	if err != nil {
		return
	}
	ttl := e.expiresAt.Sub(c.now())
	if ttl >= time.Second {
		c.remote.Set(remoteKey(f.key), v, ttl)
	}
}
