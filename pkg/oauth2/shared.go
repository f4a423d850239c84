package oauth2

import (
	"errors"
	"strconv"
	"strings"
	"time"
)

// Store is the host's shared data, common to every worker VM of the plugin (proxy-wasm
// proxy_get_shared_data / proxy_set_shared_data).
type Store interface {
	// Get returns the value and its compare-and-swap version, or ErrNotFound.
	Get(key string) (value []byte, cas uint32, err error)
	// Set writes value if cas is the current version (0: unconditionally), else ErrCASMismatch.
	Set(key string, value []byte, cas uint32) error
}

// Errors a Store returns.
var (
	ErrNotFound    = errors.New("oauth2: shared data: not found")
	ErrCASMismatch = errors.New("oauth2: shared data: compare-and-swap mismatch")
)

// Shared data keys. Client credentials tokens get one key per cache key (bounded by the
// configuration); token exchange tokens share xchgSlots slots (one user's token may evict
// another's), because proxy-wasm shared data keys can never be deleted.
const (
	sharedPrefix = "mcp-rest-bridge.oauth2."
	xchgSlots    = 4096
)

// sharedValue is one decoded shared data entry: a token or a lease, for cache key key.
// Only what the other workers need is stored: the token, its two deadlines, or the lease
// owner and deadline.
type sharedValue struct {
	key   string
	lease bool
	owner string    // lease
	until time.Time // lease deadline
	e     entry     // token
}

// encodeToken: "t|<key>|<refreshAtMs>|<expiresAtMs>|<token>".
func encodeToken(key string, e entry) []byte {
	return []byte("t|" + key + "|" + strconv.FormatInt(e.refreshAt.UnixMilli(), 10) + "|" +
		strconv.FormatInt(e.expiresAt.UnixMilli(), 10) + "|" + e.token)
}

// encodeLease: "l|<key>|<owner>|<untilMs>".
func encodeLease(key, owner string, until time.Time) []byte {
	return []byte("l|" + key + "|" + owner + "|" + strconv.FormatInt(until.UnixMilli(), 10))
}

// decodeShared parses a shared value; ok is false for an empty, foreign or corrupt value,
// which the cache treats as absent.
func decodeShared(v []byte) (sharedValue, bool) {
	parts := strings.SplitN(string(v), "|", 5)
	switch {
	case len(parts) == 4 && parts[0] == "l":
		until, err := strconv.ParseInt(parts[3], 10, 64)
		if err != nil || parts[2] == "" {
			return sharedValue{}, false
		}
		return sharedValue{key: parts[1], lease: true, owner: parts[2], until: time.UnixMilli(until)}, true
	case len(parts) == 5 && parts[0] == "t":
		r, err1 := strconv.ParseInt(parts[2], 10, 64)
		x, err2 := strconv.ParseInt(parts[3], 10, 64)
		if err1 != nil || err2 != nil || !validToken(parts[4]) || parts[4] == "" {
			return sharedValue{}, false
		}
		return sharedValue{key: parts[1], e: entry{token: parts[4], refreshAt: time.UnixMilli(r), expiresAt: time.UnixMilli(x)}}, true
	}
	return sharedValue{}, false
}

// read returns the shared entry for key k (ok false when absent, foreign or corrupt) and the
// CAS version to write it back with.
func (c *Cache) read(sk, k string) (sv sharedValue, ok bool, cas uint32) {
	v, cas, err := c.store.Get(sk)
	if err != nil {
		return sharedValue{}, false, 0
	}
	sv, ok = decodeShared(v)
	if ok && sv.key != k {
		ok = false // another key's token or lease in a token exchange slot
	}
	return sv, ok, cas
}

// SharedKey is the shared data key under which workers share the token of (g, subject), for
// hosts and tests that inspect shared data. Its value is "t|<Key>|<refresh at, Unix ms>|
// <usable until, Unix ms>|<token>" or a lease "l|<Key>|<owner>|<until, Unix ms>".
func SharedKey(g *Grant, subject string) string { return sharedKey(g, Key(g, subject)) }

// sharedKey is the shared data key of cache key k.
func sharedKey(g *Grant, k string) string {
	if g.flow != TokenExchange {
		return sharedPrefix + g.scheme + "." + k
	}
	slot, _ := strconv.ParseUint(k[:4], 16, 32)
	return sharedPrefix + "xchg." + strconv.FormatUint(slot%xchgSlots, 10)
}
