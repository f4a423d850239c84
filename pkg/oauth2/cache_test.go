package oauth2

import (
	"errors"
	"strings"
	"testing"
	"time"
)

const okBody = `{"access_token":"tok-1","token_type":"Bearer","expires_in":600}`

func TestSingleFlightInOneWorker(t *testing.T) {
	clk, store := newClock(), newMemStore()
	w := newWorker(store, clk, "w1")
	g := mustGrant(t, ccSpec())
	var outs [3]outcome
	for i := range outs {
		if tok, ok, err := w.c.Token(g, "", outs[i].waiter()); ok || err != nil || tok != "" {
			t.Fatalf("call %d: got %q %v %v, want queued", i, tok, ok, err)
		}
	}
	if len(w.tr.reqs) != 1 {
		t.Fatalf("%d token requests, want 1", len(w.tr.reqs))
	}
	w.tr.answer(0, 200, okBody)
	for i, o := range outs {
		if o.calls != 1 || o.token != "tok-1" || o.err != nil {
			t.Errorf("waiter %d: %+v", i, o)
		}
	}
	if tok, ok, err := w.c.Token(g, "", nil); !ok || tok != "tok-1" || err != nil {
		t.Fatalf("cached: got %q %v %v", tok, ok, err)
	}
	if len(w.tr.reqs) != 1 || w.c.Pending() != 0 {
		t.Fatalf("requests %d pending %d", len(w.tr.reqs), w.c.Pending())
	}
}

func TestRefreshAndExpiry(t *testing.T) {
	clk, store := newClock(), newMemStore()
	w := newWorker(store, clk, "w1")
	g := mustGrant(t, ccSpec())
	var o outcome
	w.c.Token(g, "", o.waiter())
	w.tr.answer(0, 200, okBody) // 600s: refresh at 540s, expiry at 590s
	clk.add(539 * time.Second)
	if tok, ok, _ := w.c.Token(g, "", nil); !ok || tok != "tok-1" || len(w.tr.reqs) != 1 {
		t.Fatalf("before refresh: %q %v, %d requests", tok, ok, len(w.tr.reqs))
	}
	clk.add(time.Second) // 540s: served, refreshed in the background from the next Poll
	if tok, ok, _ := w.c.Token(g, "", nil); !ok || tok != "tok-1" || len(w.tr.reqs) != 1 {
		t.Fatalf("in refresh window: %q %v, %d requests", tok, ok, len(w.tr.reqs))
	}
	w.c.Poll()
	if len(w.tr.reqs) != 2 {
		t.Fatalf("Poll started %d requests, want the refresh", len(w.tr.reqs)-1)
	}
	if tok, ok, _ := w.c.Token(g, "", nil); !ok || tok != "tok-1" || len(w.tr.reqs) != 2 {
		t.Fatalf("refresh already running: %q %v, %d requests", tok, ok, len(w.tr.reqs))
	}
	w.tr.answer(1, 200, strings.Replace(okBody, "tok-1", "tok-2", 1))
	if tok, ok, _ := w.c.Token(g, "", nil); !ok || tok != "tok-2" {
		t.Fatalf("after refresh: %q %v", tok, ok)
	}
	clk.add(591 * time.Second) // tok-2 expired (nobody refreshed): the call waits
	var o2 outcome
	if _, ok, err := w.c.Token(g, "", o2.waiter()); ok || err != nil || len(w.tr.reqs) != 3 {
		t.Fatalf("expired: ok %v err %v, %d requests", ok, err, len(w.tr.reqs))
	}
}

func TestShortLifetimeRefreshAtHalf(t *testing.T) {
	clk, store := newClock(), newMemStore()
	w := newWorker(store, clk, "w1")
	g := mustGrant(t, ccSpec())
	w.c.Token(g, "", func(string, error) {})
	w.tr.answer(0, 200, `{"access_token":"short","token_type":"Bearer","expires_in":20}`) // refresh 10s, expiry 18s
	clk.add(9 * time.Second)
	w.c.Token(g, "", nil)
	clk.add(time.Second)
	w.c.Token(g, "", nil)
	w.c.Poll()
	if tok, ok, _ := w.c.Token(g, "", nil); !ok || tok != "short" || len(w.tr.reqs) != 2 {
		t.Fatalf("%q %v %d", tok, ok, len(w.tr.reqs))
	}
	clk.add(8 * time.Second)
	if _, ok, _ := w.c.Token(g, "", func(string, error) {}); ok {
		t.Fatal("token served past its hard margin")
	}
}

func TestWorkersShareOneFetch(t *testing.T) {
	clk, store := newClock(), newMemStore()
	ws := []*worker{newWorker(store, clk, "w1"), newWorker(store, clk, "w2"), newWorker(store, clk, "w3")}
	g := mustGrant(t, ccSpec())
	outs := make([]outcome, len(ws))
	for i, w := range ws {
		if _, ok, err := w.c.Token(g, "", outs[i].waiter()); ok || err != nil {
			t.Fatalf("worker %d: ok %v err %v", i, ok, err)
		}
	}
	total := 0
	for _, w := range ws {
		total += len(w.tr.reqs)
	}
	if total != 1 || len(ws[0].tr.reqs) != 1 {
		t.Fatalf("%d fetches (w1: %d), want 1 by w1", total, len(ws[0].tr.reqs))
	}
	ws[1].c.Poll() // still leased
	if outs[1].calls != 0 {
		t.Fatal("waiter resolved before the token exists")
	}
	ws[0].tr.answer(0, 200, okBody)
	for _, w := range ws[1:] {
		w.c.Poll()
	}
	for i, o := range outs {
		if o.calls != 1 || o.token != "tok-1" {
			t.Errorf("worker %d: %+v", i, o)
		}
	}
	// A fourth worker starting later reads the shared token without fetching.
	w4 := newWorker(store, clk, "w4")
	if tok, ok, _ := w4.c.Token(g, "", nil); !ok || tok != "tok-1" || len(w4.tr.reqs) != 0 {
		t.Fatalf("late worker: %q %v %d", tok, ok, len(w4.tr.reqs))
	}
	v, _, _ := store.Get(sharedKey(g, Key(g, "")))
	if strings.Contains(string(v), "cc-secret") || !strings.HasSuffix(string(v), "|tok-1") {
		t.Errorf("shared value %q", v)
	}
}

func TestDeadWorkerLeaseExpires(t *testing.T) {
	clk, store := newClock(), newMemStore()
	w1, w2 := newWorker(store, clk, "w1"), newWorker(store, clk, "w2")
	g := mustGrant(t, ccSpec())
	w1.c.Token(g, "", func(string, error) {}) // w1 fetches and never answers
	var o outcome
	w2.c.Token(g, "", o.waiter())
	clk.add(DefaultLeaseTTL - time.Millisecond)
	w2.c.Poll()
	if len(w2.tr.reqs) != 0 {
		t.Fatal("lease taken over before it expired")
	}
	clk.add(time.Millisecond)
	w2.c.Poll()
	if len(w2.tr.reqs) != 1 {
		t.Fatalf("w2 made %d fetches after the lease expired, want 1", len(w2.tr.reqs))
	}
	w2.tr.answer(0, 200, okBody)
	if o.token != "tok-1" {
		t.Fatalf("waiter %+v", o)
	}
}

func TestFailureReleasesLeaseAndReachesEveryWaiter(t *testing.T) {
	clk, store := newClock(), newMemStore()
	w1, w2 := newWorker(store, clk, "w1"), newWorker(store, clk, "w2")
	g := mustGrant(t, ccSpec())
	var a, b, c outcome
	w1.c.Token(g, "", a.waiter())
	w1.c.Token(g, "", b.waiter())
	w2.c.Token(g, "", c.waiter())
	w1.tr.answer(0, 503, `{"error":"temporarily_unavailable","secret":"cc-secret-5d1f"}`)
	for _, o := range []outcome{a, b} {
		var e *Error
		if o.calls != 1 || !errors.As(o.err, &e) || e.Kind != KindStatus || e.Status != 503 {
			t.Fatalf("waiter: %+v", o)
		}
	}
	w2.c.Poll() // the lease was released: w2 tries itself at once
	if len(w2.tr.reqs) != 1 || c.calls != 0 {
		t.Fatalf("w2: %d fetches, waiter %+v", len(w2.tr.reqs), c)
	}
	w2.tr.answer(0, 0, "")
	var e *Error
	if c.calls != 1 || !errors.As(c.err, &e) || e.Kind != KindNoResponse {
		t.Fatalf("w2 waiter: %+v", c)
	}
	// Failures are not cached: the next call fetches again.
	var d outcome
	if _, ok, _ := w1.c.Token(g, "", d.waiter()); ok || len(w1.tr.reqs) != 2 {
		t.Fatalf("after failure: ok %v, %d fetches", ok, len(w1.tr.reqs))
	}
}

func TestDispatchFailure(t *testing.T) {
	clk, store := newClock(), newMemStore()
	w := newWorker(store, clk, "w1")
	w.tr.fail = true
	g := mustGrant(t, ccSpec())
	var o outcome
	_, ok, err := w.c.Token(g, "", o.waiter())
	var e *Error
	if ok || !errors.As(err, &e) || e.Kind != KindDispatch || o.calls != 0 || w.c.Pending() != 0 {
		t.Fatalf("ok %v err %v waiter %+v pending %d", ok, err, o, w.c.Pending())
	}
	w.tr.fail = false
	if _, ok, err := w.c.Token(g, "", o.waiter()); ok || err != nil || len(w.tr.reqs) != 1 {
		t.Fatalf("lease not released after dispatch failure: ok %v err %v reqs %d", ok, err, len(w.tr.reqs))
	}
}

func TestCacheKeyedBySecretAndSubject(t *testing.T) {
	clk, store := newClock(), newMemStore()
	w := newWorker(store, clk, "w1")
	g := mustGrant(t, ccSpec())
	w.c.Token(g, "", func(string, error) {})
	w.tr.answer(0, 200, okBody)
	rotated := ccSpec()
	rotated.ClientSecret = "cc-secret-rotated"
	g2 := mustGrant(t, rotated)
	if _, ok, _ := w.c.Token(g2, "", func(string, error) {}); ok || len(w.tr.reqs) != 2 {
		t.Fatal("rotated secret reused the old token")
	}
	x := mustGrant(t, xchgSpec())
	w.c.Token(x, "alice-token", func(string, error) {})
	w.c.Token(x, "bob-token", func(string, error) {})
	if len(w.tr.reqs) != 4 {
		t.Fatalf("%d fetches, want one per subject", len(w.tr.reqs))
	}
	w.tr.answer(2, 200, strings.Replace(okBody, "tok-1", "alice-backend", 1))
	w.tr.answer(3, 200, strings.Replace(okBody, "tok-1", "bob-backend", 1))
	for subj, want := range map[string]string{"alice-token": "alice-backend", "bob-token": "bob-backend"} {
		if tok, ok, _ := w.c.Token(x, subj, nil); !ok || tok != want {
			t.Errorf("%s: %q %v", subj, tok, ok)
		}
	}
}

func TestDrop(t *testing.T) {
	clk, store := newClock(), newMemStore()
	w1, w2 := newWorker(store, clk, "w1"), newWorker(store, clk, "w2")
	g := mustGrant(t, ccSpec())
	w1.c.Token(g, "", func(string, error) {})
	w1.tr.answer(0, 200, okBody)
	w1.c.Drop(g, "", "other-token") // not the cached one: kept
	if _, ok, _ := w1.c.Token(g, "", nil); !ok {
		t.Fatal("dropping another token evicted the cached one")
	}
	w1.c.Drop(g, "", "tok-1")
	if _, ok, _ := w2.c.Token(g, "", func(string, error) {}); ok || len(w2.tr.reqs) != 1 {
		t.Fatal("dropped token still shared")
	}
	if _, ok, _ := w1.c.Token(g, "", func(string, error) {}); ok || len(w1.tr.reqs) != 1 {
		t.Fatalf("w1 after drop: ok %v, %d fetches (w2 holds the lease)", ok, len(w1.tr.reqs))
	}
}

// A token dropped or replaced by one worker is not served from another worker's memory.
func TestDropAndReplaceReachOtherWorkersCopies(t *testing.T) {
	clk, store := newClock(), newMemStore()
	w1, w2 := newWorker(store, clk, "w1"), newWorker(store, clk, "w2")
	g := mustGrant(t, ccSpec())
	w1.c.Token(g, "", func(string, error) {})
	w1.tr.answer(0, 200, okBody)
	if tok, ok, _ := w2.c.Token(g, "", nil); !ok || tok != "tok-1" {
		t.Fatalf("w2 copy: %q %v", tok, ok)
	}
	w1.c.Drop(g, "", "tok-1") // w1's backend answered 401
	if _, ok, _ := w2.c.Token(g, "", func(string, error) {}); ok || len(w2.tr.reqs) != 1 {
		t.Fatalf("w2 served its copy of the dropped token (ok %v, %d fetches)", ok, len(w2.tr.reqs))
	}
	w2.tr.answer(0, 200, strings.Replace(okBody, "tok-1", "tok-2", 1))
	if tok, ok, _ := w1.c.Token(g, "", nil); !ok || tok != "tok-2" || len(w1.tr.reqs) != 1 {
		t.Fatalf("w1 after w2 replaced the token: %q %v, %d fetches", tok, ok, len(w1.tr.reqs))
	}
	// a lease (a refresh in flight elsewhere) or an unshared token keeps the copy
	sk := sharedKey(g, Key(g, ""))
	_, cas, _ := store.Get(sk)
	if err := store.Set(sk, encodeLease(Key(g, ""), "w3", clk.now().Add(time.Second)), cas); err != nil {
		t.Fatal(err)
	}
	if tok, ok, _ := w1.c.Token(g, "", nil); !ok || tok != "tok-2" {
		t.Errorf("w1 during another worker's lease: %q %v", tok, ok)
	}
	lone := newWorker(newMemStore(), clk, "lone")
	lone.c.entries[Key(g, "")] = entry{token: "tok-local", refreshAt: clk.now().Add(time.Minute), expiresAt: clk.now().Add(time.Hour)}
	if tok, ok, _ := lone.c.Token(g, "", nil); !ok || tok != "tok-local" {
		t.Errorf("unshared token: %q %v", tok, ok)
	}
}

// countingStore counts reads and can change a value behind the cache's back without a new
// version, which no real host does: it shows whether a read was decoded.
type countingStore struct {
	*memStore
	gets int
}

func (s *countingStore) Get(key string) ([]byte, uint32, error) {
	s.gets++
	return s.memStore.Get(key)
}

// TestCachedCallDecodesASharedVersionOnce: a cached call still reads the shared entry (a drop
// by another worker must be seen at once), but decodes it only when its version changed.
func TestCachedCallDecodesASharedVersionOnce(t *testing.T) {
	clk, store := newClock(), &countingStore{memStore: newMemStore()}
	w1, w2 := newWorker(store, clk, "w1"), newWorker(store, clk, "w2")
	g := mustGrant(t, ccSpec())
	w1.c.Token(g, "", func(string, error) {})
	w1.tr.answer(0, 200, okBody)
	sk := sharedKey(g, Key(g, ""))
	for i := range 2 {
		if tok, ok, _ := w1.c.Token(g, "", nil); !ok || tok != "tok-1" {
			t.Fatalf("call %d: %q %v", i, tok, ok)
		}
	}
	// Same version, different bytes: not decoded, so the copy stands.
	orig := store.data[sk]
	store.data[sk] = []byte("t|" + Key(g, "") + "|0|0|tok-forged")
	gets := store.gets
	if tok, ok, _ := w1.c.Token(g, "", nil); !ok || tok != "tok-1" || store.gets != gets+1 {
		t.Fatalf("unchanged version: %q %v, %d reads", tok, ok, store.gets-gets)
	}
	// A new version (another worker's drop) is decoded: the copy goes.
	store.data[sk] = orig
	w2.c.Token(g, "", nil)
	w2.c.Drop(g, "", "tok-1")
	if _, ok, _ := w1.c.Token(g, "", func(string, error) {}); ok {
		t.Fatal("the dropped token was served from w1's copy")
	}
}

func TestBoundedEntries(t *testing.T) {
	clk, store := newClock(), newMemStore()
	tr := &fakeTransport{}
	c := NewCache(Options{Store: store, Transport: tr, Now: clk.now, Owner: "w1", MaxEntries: 2})
	x := mustGrant(t, xchgSpec())
	for i, s := range []string{"a", "b", "c"} {
		c.Token(x, s, func(string, error) {})
		tr.answer(i, 200, okBody)
	}
	if len(c.entries) != 2 {
		t.Fatalf("%d entries, want 2", len(c.entries))
	}
}

func TestCorruptSharedValueIsIgnored(t *testing.T) {
	clk, store := newClock(), newMemStore()
	g := mustGrant(t, ccSpec())
	_ = store.Set(sharedKey(g, Key(g, "")), []byte("t|garbage|x|y|bad token"), 0)
	w := newWorker(store, clk, "w1")
	if _, ok, err := w.c.Token(g, "", func(string, error) {}); ok || err != nil || len(w.tr.reqs) != 1 {
		t.Fatalf("ok %v err %v reqs %d", ok, err, len(w.tr.reqs))
	}
}

func TestRefreshFromAnotherWorkerAndWaitersOnADeferredRefresh(t *testing.T) {
	clk, store := newClock(), newMemStore()
	w1, w2 := newWorker(store, clk, "w1"), newWorker(store, clk, "w2")
	g := mustGrant(t, ccSpec())
	w1.c.Token(g, "", func(string, error) {})
	w1.tr.answer(0, 200, okBody)
	w2.c.Token(g, "", nil) // w2 caches tok-1 from shared data
	clk.add(540 * time.Second)
	w1.c.Token(g, "", nil) // w1 schedules the refresh
	w1.c.Poll()
	w1.tr.answer(1, 200, strings.Replace(okBody, "tok-1", "tok-2", 1))
	if tok, _, _ := w2.c.Token(g, "", nil); tok != "tok-2" {
		t.Fatalf("w2 did not take w1's refreshed token from shared data: %q", tok)
	}
	w2.c.Poll() // nothing left to refresh: no request
	if tok, _, _ := w2.c.Token(g, "", nil); tok != "tok-2" || len(w2.tr.reqs) != 0 {
		t.Fatalf("w2: %q, %d requests", tok, len(w2.tr.reqs))
	}
	// A call that arrives once the token is unusable queues on the scheduled refresh.
	clk.add(540 * time.Second)
	if tok, ok, _ := w2.c.Token(g, "", nil); !ok || tok != "tok-2" {
		t.Fatalf("refresh window: %q %v", tok, ok)
	}
	clk.add(51 * time.Second)
	var o outcome
	if _, ok, _ := w2.c.Token(g, "", o.waiter()); ok || len(w2.tr.reqs) != 0 {
		t.Fatalf("expired: ok %v, %d requests", ok, len(w2.tr.reqs))
	}
	w2.c.Poll()
	if len(w2.tr.reqs) != 1 {
		t.Fatalf("%d requests after Poll", len(w2.tr.reqs))
	}
	w2.tr.answer(0, 200, strings.Replace(okBody, "tok-1", "tok-3", 1))
	if o.token != "tok-3" {
		t.Fatalf("%+v", o)
	}
}

// TestLostCallout: Envoy cancels the callouts of a stream the client closed, and calls no
// callback. The flight is sent once more from Poll, then failed: nobody waits forever.
func TestLostCallout(t *testing.T) {
	clk, store := newClock(), newMemStore()
	w := newWorker(store, clk, "w1")
	g := mustGrant(t, ccSpec())
	var a, b outcome
	w.c.Token(g, "", a.waiter()) // its stream goes away: request 0 is never answered
	w.c.Token(g, "", b.waiter())
	clk.add(DefaultFetchTimeout)
	w.c.Poll()
	if len(w.tr.reqs) != 1 {
		t.Fatal("resent before the deadline")
	}
	clk.add(time.Millisecond)
	w.c.Poll()
	if len(w.tr.reqs) != 2 {
		t.Fatalf("%d requests, want the resend", len(w.tr.reqs))
	}
	w.tr.answer(1, 200, okBody)
	if a.token != "tok-1" || b.token != "tok-1" {
		t.Fatalf("%+v %+v", a, b)
	}
	// Lost twice: the waiters get an error.
	x := mustGrant(t, xchgSpec())
	var c outcome
	w.c.Token(x, "alice", c.waiter())
	clk.add(DefaultFetchTimeout + time.Millisecond)
	w.c.Poll()
	clk.add(DefaultFetchTimeout + time.Millisecond)
	w.c.Poll()
	var e *Error
	if c.calls != 1 || !errors.As(c.err, &e) || e.Kind != KindNoResponse || w.c.Pending() != 0 {
		t.Fatalf("%+v pending %d", c, w.c.Pending())
	}
	w.tr.answer(2, 200, okBody) // a late answer after all does no harm
	if c.calls != 1 {
		t.Fatal("waiter called twice")
	}
}

// TestFailedRefreshKeepsTheSharedToken: a refresh that fails leaves the still-usable token in
// shared data for the other workers, instead of the released lease's empty value.
func TestFailedRefreshKeepsTheSharedToken(t *testing.T) {
	clk, store := newClock(), newMemStore()
	w1 := newWorker(store, clk, "w1")
	g := mustGrant(t, ccSpec())
	w1.c.Token(g, "", func(string, error) {})
	w1.tr.answer(0, 200, okBody)
	clk.add(540 * time.Second)
	w1.c.Token(g, "", nil)
	w1.c.Poll()
	w1.tr.answer(1, 503, "")
	w2 := newWorker(store, clk, "w2")
	if tok, ok, err := w2.c.Token(g, "", func(string, error) {}); !ok || tok != "tok-1" || err != nil {
		t.Fatalf("w2 after w1's failed refresh: %q %v %v", tok, ok, err)
	}
	if tok, ok, _ := w1.c.Token(g, "", nil); !ok || tok != "tok-1" {
		t.Fatalf("w1 lost its usable token: %q %v", tok, ok)
	}
	clk.add(51 * time.Second) // unusable now: a failed fetch leaves nothing behind
	w3 := newWorker(store, clk, "w3")
	var o outcome
	w3.c.Token(g, "", o.waiter())
	w3.tr.answer(0, 500, "")
	v, _, _ := store.Get(sharedKey(g, Key(g, "")))
	if len(v) != 0 || o.err == nil {
		t.Fatalf("shared %q after a failed fetch, waiter %+v", v, o)
	}
}

// TestPollCallsWaitersAfterItsDispatches: a waiter resumes its stream, which becomes the
// host's effective context; a callout Poll dispatched after that would belong to that stream.
// So in one Poll round every dispatch comes first. (Flights are visited in map order: the
// round is repeated so that both orders occur.)
func TestPollCallsWaitersAfterItsDispatches(t *testing.T) {
	g, x := mustGrant(t, ccSpec()), mustGrant(t, xchgSpec())
	for round := 0; round < 32; round++ {
		clk, store := newClock(), newMemStore()
		w1, w2 := newWorker(store, clk, "w1"), newWorker(store, clk, "w2")
		w2.c.Token(x, "alice", func(string, error) {})
		w2.tr.answer(0, 200, okBody)
		clk.add(540 * time.Second)
		w2.c.Token(x, "alice", nil) // schedules alice's refresh for the next Poll
		w1.c.Token(g, "", func(string, error) {})
		requestsWhenResumed := -1
		w2.c.Token(g, "", func(string, error) { requestsWhenResumed = len(w2.tr.reqs) })
		w1.tr.answer(0, 200, okBody)
		w2.c.Poll()
		if requestsWhenResumed != 2 {
			t.Fatalf("round %d: the waiter ran with %d token requests dispatched, want 2 (the refresh first)", round, requestsWhenResumed)
		}
	}
}
