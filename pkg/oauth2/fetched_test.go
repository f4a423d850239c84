package oauth2

import (
	"errors"
	"testing"
	"time"
)

// fetchLog records Options.Fetched: scheme and kind per token request (0: a token).
type fetchLog []string

func (l *fetchLog) fetched(scheme string, err error) {
	kind := Kind(0)
	var e *Error
	if errors.As(err, &e) {
		kind = e.Kind
	} else if err != nil {
		kind = 255
	}
	*l = append(*l, scheme+":"+string(rune('0'+kind)))
}

// TestFetchedReportsEachTokenRequest: every token request this worker sends is reported
// once with its outcome; cache hits are not token requests.
func TestFetchedReportsEachTokenRequest(t *testing.T) {
	clk, store := newClock(), newMemStore()
	var log fetchLog
	tr := &fakeTransport{}
	c := NewCache(Options{Store: store, Transport: tr, Now: clk.now, Owner: "w1", Fetched: log.fetched})
	cc, x := mustGrant(t, ccSpec()), mustGrant(t, xchgSpec())
	var o outcome

	c.Token(cc, "", o.waiter())
	tr.answer(0, 200, okBody)
	if _, ok, _ := c.Token(cc, "", o.waiter()); !ok {
		t.Fatal("not cached")
	}
	c.Token(x, "alice", o.waiter())
	tr.answer(1, 503, `{"error":"temporarily_unavailable"}`)
	c.Token(x, "bob", o.waiter())
	tr.answer(2, 200, `{"access_token":"t","token_type":"mac"}`)
	tr.fail = true
	c.Token(x, "carol", o.waiter())
	tr.fail = false
	c.Token(x, "dave", o.waiter()) // lost twice
	clk.add(DefaultFetchTimeout + time.Millisecond)
	c.Poll()
	clk.add(DefaultFetchTimeout + time.Millisecond)
	c.Poll()

	want := fetchLog{"orders-cc:0", "orders-xchg:3", "orders-xchg:8", "orders-xchg:1", "orders-xchg:2"}
	if len(log) != len(want) {
		t.Fatalf("got %q, want %q", log, want)
	}
	for i := range want {
		if log[i] != want[i] {
			t.Fatalf("got %q, want %q", log, want)
		}
	}
}
