package oauth2

import (
	"io"
	"time"
)

// Transport dispatches a token request as an HTTP callout. done is called exactly once,
// later (never from within Post), with the HTTP status (0: no answer) and the body.
type Transport interface {
	Post(req Request, done func(status int, body []byte)) error
}

// Waiter receives the outcome of a token fetch it waited for: a token, or an error.
type Waiter func(token string, err error)

// Defaults of Options.
const (
	DefaultSkew         = time.Minute      // refresh this long before expiry (at most half the lifetime)
	DefaultFetchTimeout = 7 * time.Second  // a fetch (Remote lookup and token request) ends by then, or was lost
	DefaultLeaseTTL     = 10 * time.Second // a fetching worker's lease: at least FetchTimeout
	DefaultMaxEntries   = 4096             // tokens kept per worker VM
	// hardMargin: a token is not handed out in its last seconds (at most a tenth of its
	// lifetime), so that it does not expire on its way to the backend.
	hardMargin = 10 * time.Second
)

// Options configure a Cache. Store, Transport, Now and Owner are required; Remote (with
// Random, the source of its nonces) is optional.
type Options struct {
	Store     Store
	Transport Transport
	Remote    Remote
	Random    io.Reader
	Now       func() time.Time
	Owner     string // unique per worker VM (random), without '|'
	Skew      time.Duration
	// FetchTimeout bounds a fetch: the host's own timeouts answer every callout by then,
	// unless the callout was cancelled (its stream went away); Poll then sends it again.
	FetchTimeout time.Duration
	LeaseTTL     time.Duration
	MaxEntries   int
	// Fetched, when set, is told the outcome of each token request this worker sent to a
	// token endpoint (nil error: a token), for metrics. Tokens from the cache, shared data
	// or the Remote are not token requests.
	Fetched func(scheme string, err error)
}

// entry is a cached token: served until refreshAt, still served (while a refresh runs)
// until expiresAt.
type entry struct {
	token     string
	refreshAt time.Time
	expiresAt time.Time
	// seen is the shared data version (CAS) localEntry last decided on for this copy; 0: none.
	// The same version is the same value, hence the same decision: it is not decoded again.
	seen uint32
}

// flight is one token fetch in progress for a cache key, by this worker (remote false) or,
// as far as this worker knows, by another worker holding the lease (remote true: Poll
// watches the shared entry).
type flight struct {
	grant    *Grant
	subject  string
	key      string
	skey     string
	remote   bool
	deferred bool      // a background refresh, started by the next Poll
	deadline time.Time // this worker's fetch: answered by then, or its callout was lost
	retried  bool
	cas      uint32 // version of our lease in the store (0: no lease held)
	prev     *entry // the shared token our lease replaced (a refresh), put back if we fail
	waiters  []Waiter
}

// Cache hands out access tokens per worker VM. It is not safe for concurrent use: a
// proxy-wasm VM is single-threaded, and workers coordinate through the Store.
type Cache struct {
	store        Store
	transport    Transport
	remote       Remote
	random       io.Reader
	now          func() time.Time
	owner        string
	skew         time.Duration
	fetchTimeout time.Duration
	leaseTTL     time.Duration
	max          int
	fetched      func(scheme string, err error)
	entries      map[string]entry
	flights      map[string]*flight
	polling      bool     // inside Poll: waiters are held until its dispatches are done
	held         []func() // waiter calls held by Poll
}

// NewCache returns an empty cache.
func NewCache(o Options) *Cache {
	c := &Cache{store: o.Store, transport: o.Transport, remote: o.Remote, random: o.Random, now: o.Now, owner: o.Owner,
		skew: o.Skew, fetchTimeout: o.FetchTimeout, leaseTTL: o.LeaseTTL, max: o.MaxEntries, fetched: o.Fetched,
		entries: map[string]entry{}, flights: map[string]*flight{}}
	if c.skew <= 0 {
		c.skew = DefaultSkew
	}
	if c.fetchTimeout <= 0 {
		c.fetchTimeout = DefaultFetchTimeout
	}
	if c.leaseTTL <= 0 {
		c.leaseTTL = DefaultLeaseTTL
	}
	if c.leaseTTL < c.fetchTimeout {
		c.leaseTTL = c.fetchTimeout + 3*time.Second
	}
	if c.max <= 0 {
		c.max = DefaultMaxEntries
	}
	if c.remote != nil && c.random == nil {
		c.remote = nil // no nonces, no sealing: the Remote is not used
	}
	return c
}

// Key is the cache key: a digest of the scheme, client id, client secret, scopes and
// audience, and for token exchange of the subject token too. A rotated secret or another
// user's token never maps to a cached token.
func Key(g *Grant, subject string) string {
	if g.flow != TokenExchange {
		return g.digest
	}
	return keyDigest(g.digest, subject)
}

// Token returns a usable token at once (ok true), or queues w to receive the outcome of a
// fetch (ok false, err nil), or fails at once (err: the fetch could not be started; w is not
// called). A token in its refresh window is returned while a background fetch replaces it.
func (c *Cache) Token(g *Grant, subject string, w Waiter) (token string, ok bool, err error) {
	k := Key(g, subject)
	now := c.now()
	if e, hit := c.localEntry(g, k); hit {
		if now.Before(e.refreshAt) {
			return e.token, true, nil
		}
		if now.Before(e.expiresAt) {
			c.refreshAhead(g, subject, k, now)
			return e.token, true, nil
		}
		delete(c.entries, k)
	}
	if f := c.flights[k]; f != nil {
		f.waiters = append(f.waiters, w)
		return "", false, nil
	}
	skey := sharedKey(g, k)
	sv, found, cas := c.read(skey, k)
	if found && !sv.lease && now.Before(sv.e.expiresAt) {
		c.put(k, sv.e)
		if !now.Before(sv.e.refreshAt) {
			c.refreshAhead(g, subject, k, now)
		}
		return sv.e.token, true, nil
	}
	f := &flight{grant: g, subject: subject, key: k, skey: skey, waiters: []Waiter{w}}
	c.flights[k] = f
	if err := c.begin(f, sv, found, cas, now); err != nil {
		delete(c.flights, k)
		return "", false, err
	}
	return "", false, nil
}

// localEntry returns this worker's entry for k, unless another worker has since dropped its
// token from shared data (a backend answered 401 there) or replaced it: a worker's copy must
// not outlive the shared token, or each worker would send a rejected token once more. A
// token that was never shared, a lease (a refresh in flight) or another key's token in a
// token exchange slot leave the copy as it is. One shared data read per cached call, decoded
// only when its version differs from the one last decided on (the common case: unchanged).
func (c *Cache) localEntry(g *Grant, k string) (entry, bool) {
	e, hit := c.entries[k]
	if !hit {
		return entry{}, false
	}
	v, cas, err := c.store.Get(sharedKey(g, k))
	if err != nil || (cas != 0 && cas == e.seen) {
		return e, true
	}
	sv, ok := decodeShared(v)
	switch {
	case !ok && len(v) == 0: // dropped
		delete(c.entries, k)
		return entry{}, false
	case ok && sv.key == k && !sv.lease && sv.e.token != e.token: // replaced
		sv.e.seen = cas
		c.entries[k] = sv.e
		return sv.e, true
	}
	e.seen = cas
	c.entries[k] = e
	return e, true
}

// refreshAhead schedules a fetch nobody waits for, unless one runs here or another worker
// already refreshed the token. The next Poll starts it, from the root context: a callout
// dispatched from this call's stream would be cancelled when the stream ends.
func (c *Cache) refreshAhead(g *Grant, subject, k string, now time.Time) {
	if c.flights[k] != nil {
		return
	}
	skey := sharedKey(g, k)
	if sv, found, _ := c.read(skey, k); found && !sv.lease && now.Before(sv.e.refreshAt) {
		c.put(k, sv.e)
		return
	}
	c.flights[k] = &flight{grant: g, subject: subject, key: k, skey: skey, deferred: true}
}

// Drop forgets token for (g, subject), here and in the shared store if it is still the one
// stored there: the backend refused it (HTTP 401), so the next call fetches a new one.
func (c *Cache) Drop(g *Grant, subject, token string) {
	k := Key(g, subject)
	if e, hit := c.entries[k]; hit && e.token == token {
		delete(c.entries, k)
	}
	skey := sharedKey(g, k)
	if sv, found, cas := c.read(skey, k); found && !sv.lease && sv.e.token == token {
		_ = c.store.Set(skey, nil, cas) // lost race: someone already replaced it
	}
	if c.remote != nil {
		c.remote.Del(remoteKey(k)) // may remove a newer token of another replica: it is refetched
	}
}

// put stores e under k, evicting expired entries (then an arbitrary one) when full.
func (c *Cache) put(k string, e entry) {
	if _, hit := c.entries[k]; !hit && len(c.entries) >= c.max {
		now := c.now()
		for ek, ev := range c.entries {
			if !now.Before(ev.expiresAt) {
				delete(c.entries, ek)
			}
		}
		for ek := range c.entries {
			if len(c.entries) < c.max {
				break
			}
			delete(c.entries, ek)
		}
	}
	c.entries[k] = e
}

// Pending returns the number of fetches this worker runs or waits for (for tests and metrics).
func (c *Cache) Pending() int { return len(c.flights) }
