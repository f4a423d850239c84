package oauth2

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"
)

// fakeRemote is Redis: values with a TTL; Get answers when the test calls answer.
type fakeRemote struct {
	vals    map[string][]byte
	ttls    map[string]time.Duration
	pending []func()
	dels    []string
	down    bool
}

func newFakeRemote() *fakeRemote {
	return &fakeRemote{vals: map[string][]byte{}, ttls: map[string]time.Duration{}}
}

func (r *fakeRemote) Get(key string, done func([]byte, bool)) error {
	if r.down {
		return errors.New("redis: not ready")
	}
	r.pending = append(r.pending, func() {
		v, ok := r.vals[key]
		done(v, ok)
	})
	return nil
}

func (r *fakeRemote) Set(key string, value []byte, ttl time.Duration) {
	r.vals[key], r.ttls[key] = append([]byte(nil), value...), ttl
}

func (r *fakeRemote) Del(key string) { r.dels = append(r.dels, key); delete(r.vals, key) }

// answer completes the pending lookups in order.
func (r *fakeRemote) answer() {
	p := r.pending
	r.pending = nil
	for _, f := range p {
		f()
	}
}

// replica is one gateway replica: its own shared data, one worker, the common Redis.
func newReplica(clk *clock, remote Remote) *worker {
	tr := &fakeTransport{}
	return &worker{tr: tr, c: NewCache(Options{Store: newMemStore(), Transport: tr, Remote: remote, Random: rand.Reader,
		Now: clk.now, Owner: "w"})}
}

func TestRemoteSharesAcrossReplicas(t *testing.T) {
	clk, redis := newClock(), newFakeRemote()
	a, b := newReplica(clk, redis), newReplica(clk, redis)
	g := mustGrant(t, ccSpec())
	var oa, ob outcome
	a.c.Token(g, "", oa.waiter())
	if len(a.tr.reqs) != 0 || len(redis.pending) != 1 {
		t.Fatalf("replica A must ask Redis first: %d requests, %d lookups", len(a.tr.reqs), len(redis.pending))
	}
	redis.answer() // miss
	if len(a.tr.reqs) != 1 {
		t.Fatalf("after a miss: %d token requests", len(a.tr.reqs))
	}
	a.tr.answer(0, 200, okBody)
	if oa.token != "tok-1" {
		t.Fatalf("A: %+v", oa)
	}
	k := remoteKey(Key(g, ""))
	stored := string(redis.vals[k])
	for _, leak := range []string{"tok-1", base64.StdEncoding.EncodeToString([]byte("tok-1")), "cc-secret"} {
		if strings.Contains(stored, leak) {
			t.Fatalf("Redis value %q holds %q", stored, leak)
		}
	}
	if ttl := redis.ttls[k]; ttl != 590*time.Second {
		t.Errorf("ttl %v, want 590s (usable lifetime)", ttl)
	}
	b.c.Token(g, "", ob.waiter())
	redis.answer()
	if ob.calls != 1 || ob.token != "tok-1" || len(b.tr.reqs) != 0 {
		t.Fatalf("B: %+v, %d token requests", ob, len(b.tr.reqs))
	}
	if tok, ok, _ := b.c.Token(g, "", nil); !ok || tok != "tok-1" {
		t.Fatal("B did not cache the Redis token")
	}
}

func TestRemoteValueNeedsTheSecret(t *testing.T) {
	clk, redis := newClock(), newFakeRemote()
	a := newReplica(clk, redis)
	g := mustGrant(t, ccSpec())
	a.c.Token(g, "", func(string, error) {})
	redis.answer()
	a.tr.answer(0, 200, okBody)
	k := Key(g, "")
	if _, ok := unseal(g, "", k, redis.vals[remoteKey(k)]); !ok {
		t.Fatal("cannot unseal own value")
	}
	rotated := ccSpec()
	rotated.ClientSecret = "cc-secret-rotated"
	if _, ok := unseal(mustGrant(t, rotated), "", k, redis.vals[remoteKey(k)]); ok {
		t.Fatal("a value unsealed without the secret")
	}
	if _, ok := unseal(g, "", "another-key", redis.vals[remoteKey(k)]); ok {
		t.Fatal("a value unsealed under another key")
	}
	x := mustGrant(t, xchgSpec())
	v, err := seal(x, "alice-token", Key(x, "alice-token"), entry{token: "t", refreshAt: clk.t, expiresAt: clk.t}, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := unseal(x, "bob-token", Key(x, "alice-token"), v); ok {
		t.Fatal("another user's subject token unsealed alice's token")
	}
}

func TestRemoteFailuresFallBackToTheTokenEndpoint(t *testing.T) {
	g := mustGrant(t, ccSpec())
	for _, tc := range []struct {
		name  string
		setup func(*fakeRemote, *clock)
	}{
		{"redis down", func(r *fakeRemote, _ *clock) { r.down = true }},
		{"corrupt value", func(r *fakeRemote, _ *clock) { r.vals[remoteKey(Key(g, ""))] = []byte("not-sealed") }},
		{"stale value", func(r *fakeRemote, clk *clock) {
			v, _ := seal(g, "", Key(g, ""), entry{token: "old", refreshAt: clk.t.Add(-time.Second), expiresAt: clk.t.Add(time.Minute)}, rand.Reader)
			r.vals[remoteKey(Key(g, ""))] = v
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clk, redis := newClock(), newFakeRemote()
			tc.setup(redis, clk)
			a := newReplica(clk, redis)
			var o outcome
			a.c.Token(g, "", o.waiter())
			redis.answer()
			if len(a.tr.reqs) != 1 {
				t.Fatalf("%d token requests, want 1", len(a.tr.reqs))
			}
			a.tr.answer(0, 200, okBody)
			if o.token != "tok-1" {
				t.Fatalf("%+v", o)
			}
		})
	}
}

func TestRemoteDrop(t *testing.T) {
	clk, redis := newClock(), newFakeRemote()
	a := newReplica(clk, redis)
	g := mustGrant(t, ccSpec())
	a.c.Token(g, "", func(string, error) {})
	redis.answer()
	a.tr.answer(0, 200, okBody)
	a.c.Drop(g, "", "tok-1")
	if len(redis.dels) != 1 || len(redis.vals) != 0 {
		t.Fatalf("dels %v vals %d", redis.dels, len(redis.vals))
	}
	var o outcome
	a.c.Token(g, "", o.waiter())
	redis.answer()
	if len(a.tr.reqs) != 2 {
		t.Fatal("dropped token came back")
	}
}

func TestRemoteFailedTokenRequestReachesWaiters(t *testing.T) {
	clk, redis := newClock(), newFakeRemote()
	a := newReplica(clk, redis)
	a.tr.fail = true
	g := mustGrant(t, ccSpec())
	var o outcome
	if _, ok, err := a.c.Token(g, "", o.waiter()); ok || err != nil {
		t.Fatalf("ok %v err %v", ok, err)
	}
	redis.answer() // miss, then the dispatch fails inside the callback
	var e *Error
	if o.calls != 1 || !errors.As(o.err, &e) || e.Kind != KindDispatch || a.c.Pending() != 0 {
		t.Fatalf("%+v pending %d", o, a.c.Pending())
	}
}
