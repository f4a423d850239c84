package oauth2

import (
	"errors"
	"time"
)

// begin takes the shared lease for f and dispatches the fetch, or marks f remote when another
// worker holds a live lease. sv/found/cas are the shared entry as just read.
func (c *Cache) begin(f *flight, sv sharedValue, found bool, cas uint32, now time.Time) error {
	if found && sv.lease && sv.owner != c.owner && now.Before(sv.until) {
		f.remote = true
		return nil
	}
	if found && !sv.lease && now.Before(sv.e.expiresAt) {
		prev := sv.e // a refresh: the lease replaces a token that is still usable
		f.prev = &prev
	}
	if !c.lease(f, cas, now) {
		f.remote = true
		return nil
	}
	return c.fetch(f)
}

// lease writes this worker's lease with compare-and-swap and reports whether it holds it.
// A key that never existed has no version to compare (proxy-wasm: cas 0 writes
// unconditionally), so the lease is read back: of two workers racing on a brand-new key, the
// later writer wins and the other one waits. A store that fails otherwise does not block
// the fetch: the worker then fetches on its own.
func (c *Cache) lease(f *flight, cas uint32, now time.Time) bool {
	v := encodeLease(f.key, c.owner, now.Add(c.leaseTTL))
	err := c.store.Set(f.skey, v, cas)
	switch {
	case errors.Is(err, ErrCASMismatch):
		return false
	case err != nil:
		f.cas = 0
		return true
	}
	got, newCAS, err := c.store.Get(f.skey)
	if err != nil {
		return true
	}
	if string(got) != string(v) {
		return false
	}
	f.cas = newCAS
	return true
}

// post dispatches the token request of f.
func (c *Cache) post(f *flight) error {
	if f.deadline.IsZero() {
		f.deadline = c.now().Add(c.fetchTimeout)
	}
	err := c.transport.Post(f.grant.Request(f.subject), func(status int, body []byte) {
		c.complete(f, status, body)
	})
	if err != nil {
		c.release(f)
		err := &Error{Scheme: f.grant.scheme, Kind: KindDispatch}
		c.observe(f, err)
		return err
	}
	return nil
}

// observe reports the outcome of one token request (Options.Fetched).
func (c *Cache) observe(f *flight, err error) {
	if c.fetched != nil {
		c.fetched(f.grant.scheme, err)
	}
}

// complete handles the token endpoint's answer.
func (c *Cache) complete(f *flight, status int, body []byte) {
	iss, err := ParseResponse(f.grant.scheme, status, body)
	c.observe(f, err)
	if err != nil {
		c.fail(f, err)
		return
	}
	now := c.now()
	c.settle(f, entry{token: iss.Token,
		refreshAt: now.Add(iss.Lifetime - min(c.skew, iss.Lifetime/2)),
		expiresAt: now.Add(iss.Lifetime - min(hardMargin, iss.Lifetime/10))}, true)
}

// settle caches a token obtained for f here and in shared data (and in the Remote when it
// came from the token endpoint), and hands it to every waiter.
func (c *Cache) settle(f *flight, e entry, fresh bool) {
	if c.flights[f.key] == f {
		delete(c.flights, f.key)
	}
	c.put(f.key, e)
	// Our lease version, or 0 without a lease: a worker that lost its lease still publishes
	// a token newer than whatever it overwrites.
	if err := c.store.Set(f.skey, encodeToken(f.key, e), f.cas); errors.Is(err, ErrCASMismatch) {
		_ = c.store.Set(f.skey, encodeToken(f.key, e), 0)
	}
	f.cas = 0
	if fresh {
		c.publishRemote(f, e)
	}
	c.resolve(f, e.token, nil)
}

// fail ends f without a token: the lease is released and every waiter gets err.
func (c *Cache) fail(f *flight, err error) {
	if c.flights[f.key] == f {
		delete(c.flights, f.key)
	}
	c.release(f)
	c.resolve(f, "", err)
}

// release gives up this worker's lease so that another worker can fetch at once. A failed
// refresh puts back the token the lease replaced while it is still usable: the other workers
// keep serving it rather than losing it to a token endpoint's bad moment.
func (c *Cache) release(f *flight) {
	if f.cas == 0 {
		return
	}
	var v []byte
	if f.prev != nil && c.now().Before(f.prev.expiresAt) {
		v = encodeToken(f.key, *f.prev)
	}
	_ = c.store.Set(f.skey, v, f.cas)
	f.cas = 0
}

// resolve hands the outcome to f's waiters, at once, or at the end of Poll while it runs.
func (c *Cache) resolve(f *flight, token string, err error) {
	ws := f.waiters
	f.waiters = nil
	if c.polling {
		c.held = append(c.held, func() { callWaiters(ws, token, err) })
		return
	}
	callWaiters(ws, token, err)
}

func callWaiters(ws []Waiter, token string, err error) {
	for _, w := range ws {
		w(token, err)
	}
}

// Poll is called periodically (the plugin does so on every tick, in the plugin's root context)
// and moves every flight on:
//   - a deferred flight (a background refresh) is started here: a callout dispatched from a
//     stream dies with the stream, one dispatched from the root context does not;
//   - a remote flight (another worker holds the lease) ends when the token appears in shared
//     data, or, when the lease expires or is released without a token (the fetching worker
//     died or failed), this worker takes the lease and fetches itself;
//   - a flight of this worker past its deadline lost its callout (Envoy cancels the callouts
//     of a stream the client closed, without a callback): it is sent once more, from here,
//     then failed.
//
// Waiters are called after every dispatch of the round: a waiter resumes its stream, which
// makes that stream the host's effective context, and a callout dispatched after that would
// belong to the stream (and die with it) instead of the root context.
func (c *Cache) Poll() {
	c.polling = true
	defer c.releaseHeld()
	now := c.now()
	for k, f := range c.flights {
		switch {
		case f.deferred:
			f.deferred = false
			sv, found, cas := c.read(f.skey, k)
			c.advance(f, sv, found, cas, now)
		case f.remote:
			sv, found, cas := c.read(f.skey, k)
			if found && sv.lease && sv.owner != c.owner && now.Before(sv.until) {
				continue
			}
			f.remote = false
			c.advance(f, sv, found, cas, now)
		case now.After(f.deadline):
			c.retry(f)
		}
	}
}

func (c *Cache) releaseHeld() {
	c.polling = false
	held := c.held
	c.held = nil
	for _, call := range held {
		call()
	}
}

// advance ends f with the shared token when there is a fresh one, else begins a fetch.
func (c *Cache) advance(f *flight, sv sharedValue, found bool, cas uint32, now time.Time) {
	if found && !sv.lease && now.Before(sv.e.refreshAt) {
		delete(c.flights, f.key)
		c.put(f.key, sv.e)
		c.resolve(f, sv.e.token, nil)
		return
	}
	if err := c.begin(f, sv, found, cas, now); err != nil {
		c.fail(f, err)
		return
	}
	if f.remote && len(f.waiters) == 0 {
		delete(c.flights, f.key) // a refresh nobody waits for: the other worker's token will do
	}
}

// retry resends the token request of a flight whose callout was lost, once.
func (c *Cache) retry(f *flight) {
	if f.retried {
		err := &Error{Scheme: f.grant.scheme, Kind: KindNoResponse}
		c.observe(f, err)
		c.fail(f, err)
		return
	}
	f.retried = true
	f.deadline = c.now().Add(c.fetchTimeout)
	if err := c.post(f); err != nil {
		c.fail(f, err)
	}
}
