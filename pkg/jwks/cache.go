package jwks

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/clientauth"
)

// Default intervals (Options fields left zero take these).
const (
	DefaultRefresh            = 10 * time.Minute
	DefaultMinMaxAge          = time.Minute
	DefaultMaxMaxAge          = 24 * time.Hour
	DefaultUnknownKIDInterval = 30 * time.Second
	// DefaultRetry spaces fetches after a failure, so that a down issuer is not hammered
	// by every request.
	DefaultRetry = 30 * time.Second
)

// Response is what the Transport got: Status 0 when no answer came (timeout, reset).
type Response struct {
	Status       int
	CacheControl string
	Body         []byte
}

// Transport sends one GET of url to cluster and calls done exactly once, later, with the
// answer. An error means the request was not sent (done is not called).
type Transport interface {
	Get(cluster, url string, done func(Response)) error
}

// Options configure a Cache. URL, Cluster, Transport and Now are required.
type Options struct {
	URL, Cluster       string
	Transport          Transport
	Now                func() time.Time
	Refresh            time.Duration // used without a usable max-age
	MinMaxAge          time.Duration // bounds of a max-age honoured
	MaxMaxAge          time.Duration
	UnknownKIDInterval time.Duration // at most one refetch per interval for unknown kids
	Retry              time.Duration // after a failed fetch
}

// FetchError says why no key set could be obtained. It never holds the body.
type FetchError struct{ Msg string }

func (e *FetchError) Error() string { return "jwks: " + e.Msg }

// Done receives the outcome of a fetch a caller waited for: the key set, or an error when
// none was ever obtained.
type Done func(*clientauth.KeySet, error)

// Cache is one JWKS URL's key set. It is not safe for concurrent use: a proxy-wasm worker
// VM is single-threaded, and each worker has its own Cache.
type Cache struct {
	o         Options
	keys      *clientauth.KeySet
	expires   time.Time // when keys become stale (a refresh is started)
	lastFetch time.Time // start of the last fetch
	lastErr   error     // last failure, kept for callers while no key set exists
	inflight  bool
	waiters   []Done
}

// New returns a Cache, defaulting zero intervals.
func New(o Options) *Cache {
	for _, d := range [...]struct {
		v   *time.Duration
		def time.Duration
	}{{&o.Refresh, DefaultRefresh}, {&o.MinMaxAge, DefaultMinMaxAge}, {&o.MaxMaxAge, DefaultMaxMaxAge},
		{&o.UnknownKIDInterval, DefaultUnknownKIDInterval}, {&o.Retry, DefaultRetry}} {
		if *d.v <= 0 {
			*d.v = d.def
		}
	}
	return &Cache{o: o}
}

// Held returns the key set held (nil before the first successful fetch), starting a
// background refresh when it is stale. It never starts a first fetch: a request that needs no
// key (an API key caller) must not wait for one.
func (c *Cache) Held() *clientauth.KeySet {
	if c.keys != nil {
		ks, _, _ := c.Keys(nil)
		return ks
	}
	return nil
}

// Keys returns the key set when one is held (ready), starting a background refresh when it is
// stale. Without one, it starts a fetch or joins the one under way and returns ready false:
// done is called with the outcome. An error means no key set exists and none can be fetched
// now (the last failure is recent, or the request could not be sent); done is not called.
func (c *Cache) Keys(done Done) (ks *clientauth.KeySet, ready bool, err error) {
	now := c.o.Now()
	if c.keys != nil {
		if !now.Before(c.expires) && !c.inflight {
			// A refresh that cannot be sent keeps the last good set until the next stale check.
			_ = c.fetch(now)
		}
		return c.keys, true, nil
	}
	if c.inflight {
		c.waiters = append(c.waiters, done)
		return nil, false, nil
	}
	if c.lastErr != nil && now.Sub(c.lastFetch) < c.o.Retry {
		return nil, false, c.lastErr
	}
	if err := c.fetch(now); err != nil {
		return nil, false, err
	}
	c.waiters = append(c.waiters, done)
	return nil, false, nil
}

// RefetchUnknownKID starts (or joins) a fetch because a token named a kid the held set lacks:
// the issuer may have rotated its keys. It returns false, and done is not called, when the
// last fetch started less than UnknownKIDInterval ago or cannot be sent: a client sending
// made-up kids must not make the gateway fetch on every request.
func (c *Cache) RefetchUnknownKID(done Done) bool {
	now := c.o.Now()
	if c.inflight {
		c.waiters = append(c.waiters, done)
		return true
	}
	if now.Sub(c.lastFetch) < c.o.UnknownKIDInterval || c.fetch(now) != nil {
		return false
	}
	c.waiters = append(c.waiters, done)
	return true
}

func (c *Cache) fetch(now time.Time) error {
	c.lastFetch, c.inflight = now, true
	if err := c.o.Transport.Get(c.o.Cluster, c.o.URL, c.complete); err != nil {
		c.inflight = false
		c.lastErr = &FetchError{Msg: "request to cluster " + c.o.Cluster + " could not be sent"}
		if c.keys != nil {
			c.expires = now.Add(c.o.Retry)
		}
		return c.lastErr
	}
	return nil
}

// complete takes a fetch's answer: a good set replaces the held one; a failure keeps it
// (serving on with the last good keys) and retries after Retry.
func (c *Cache) complete(r Response) {
	now := c.o.Now()
	c.inflight = false
	ks, err := parse(r)
	if err == nil {
		c.keys, c.lastErr = ks, nil
		c.expires = now.Add(c.ttl(r.CacheControl))
	} else {
		c.lastErr = err
		if c.keys != nil {
			c.expires = now.Add(c.o.Retry)
		}
	}
	waiters := c.waiters
	c.waiters = nil
	for _, w := range waiters {
		if c.keys != nil {
			w(c.keys, nil)
		} else {
			w(nil, err)
		}
	}
}

func parse(r Response) (*clientauth.KeySet, error) {
	switch {
	case r.Status == 0:
		return nil, &FetchError{Msg: "no answer (timeout or connection failure)"}
	case r.Status >= 300 && r.Status < 400:
		return nil, &FetchError{Msg: fmt.Sprintf("answered status %d (redirects are not followed)", r.Status)}
	case r.Status != 200:
		return nil, &FetchError{Msg: fmt.Sprintf("answered status %d", r.Status)}
	}
	ks, err := clientauth.ParseJWKS(r.Body)
	if err != nil {
		return nil, &FetchError{Msg: "refused the document: " + strings.TrimPrefix(err.Error(), "clientauth: jwks: ")}
	}
	return ks, nil
}

// ttl is the max-age of Cache-Control, bounded by [MinMaxAge, MaxMaxAge], or Refresh when
// there is none (or no-cache/no-store: the issuer cannot make every request fetch).
func (c *Cache) ttl(cacheControl string) time.Duration {
	for _, d := range strings.Split(cacheControl, ",") {
		name, val, _ := strings.Cut(strings.TrimSpace(d), "=")
		if !strings.EqualFold(name, "max-age") {
			continue
		}
		secs, err := strconv.ParseInt(strings.Trim(val, `"`), 10, 64)
		if err != nil || secs < 0 {
			return c.o.Refresh
		}
		age := time.Duration(min(secs, int64(c.o.MaxMaxAge/time.Second))) * time.Second
		return max(c.o.MinMaxAge, age)
	}
	return c.o.Refresh
}
