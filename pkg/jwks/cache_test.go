package jwks

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/internal/jwttest"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/clientauth"
)

const (
	testURL     = "https://idp.example.com/.well-known/jwks.json"
	testCluster = "outbound|443||idp.example.com"
)

// fakeTransport records requests; the test answers them with answer().
type fakeTransport struct {
	sent    int
	pending []func(Response)
	fail    error
}

func (f *fakeTransport) Get(cluster, url string, done func(Response)) error {
	if cluster != testCluster || url != testURL {
		panic("unexpected request to " + cluster + " " + url)
	}
	if f.fail != nil {
		return f.fail
	}
	f.sent++
	f.pending = append(f.pending, done)
	return nil
}

func (f *fakeTransport) answer(t *testing.T, r Response) {
	t.Helper()
	if len(f.pending) != 1 {
		t.Fatalf("%d requests pending, want 1", len(f.pending))
	}
	done := f.pending[0]
	f.pending = nil
	done(r)
}

type clock struct{ t time.Time }

func (c *clock) now() time.Time      { return c.t }
func (c *clock) add(d time.Duration) { c.t = c.t.Add(d) }
func ok(cc string) Response          { return Response{Status: 200, CacheControl: cc, Body: jwttest.JWKS()} }
func okSingle() Response             { return Response{Status: 200, Body: jwttest.SingleJWKS()} }
func newTest() (*Cache, *fakeTransport, *clock) {
	tr, ck := &fakeTransport{}, &clock{t: time.Date(2026, 12, 7, 22, 0, 0, 0, time.UTC)}
	return New(Options{URL: testURL, Cluster: testCluster, Transport: tr, Now: ck.now}), tr, ck
}

// outcome collects what a waiter got.
type outcome struct {
	calls int
	ks    *clientauth.KeySet
	err   error
}

func (o *outcome) done(ks *clientauth.KeySet, err error) { o.calls++; o.ks, o.err = ks, err }

func TestFirstFetchSingleFlight(t *testing.T) {
	c, tr, _ := newTest()
	var w [3]outcome
	for i := range w {
		if ks, ready, err := c.Keys(w[i].done); ks != nil || ready || err != nil {
			t.Fatalf("caller %d: got %v %v %v, want a pending fetch", i, ks, ready, err)
		}
	}
	if tr.sent != 1 {
		t.Fatalf("sent %d fetches for 3 concurrent callers, want 1", tr.sent)
	}
	tr.answer(t, ok(""))
	for i := range w {
		if w[i].calls != 1 || w[i].err != nil || w[i].ks == nil || w[i].ks.Len() != clientauthLen(t) {
			t.Fatalf("caller %d: %+v", i, w[i])
		}
	}
	ks, ready, err := c.Keys(func(*clientauth.KeySet, error) { t.Fatal("done called on a cached set") })
	if !ready || err != nil || ks != w[0].ks || tr.sent != 1 {
		t.Fatalf("cached: %v %v %v sent %d", ks, ready, err, tr.sent)
	}
}

func clientauthLen(t *testing.T) int {
	ks, err := clientauth.ParseJWKS(jwttest.JWKS())
	if err != nil {
		t.Fatal(err)
	}
	return ks.Len()
}

func TestFetchFailures(t *testing.T) {
	big := `{"keys":[` + strings.Repeat(`{"kty":"oct"},`, 10000) + `{}]}`
	for _, tc := range []struct {
		name string
		r    Response
		want string
	}{
		{"timeout", Response{}, "jwks: no answer (timeout or connection failure)"},
		{"redirect", Response{Status: 302}, "jwks: answered status 302 (redirects are not followed)"},
		{"server error", Response{Status: 500, Body: []byte("secret-in-body")}, "jwks: answered status 500"},
		{"not json", Response{Status: 200, Body: []byte("<html>secret-in-body")}, "jwks: refused the document: not a valid JSON document (syntax error at byte 0)"},
		{"too large", Response{Status: 200, Body: []byte(big)}, "jwks: refused the document: larger than 65536 bytes"},
		{"too deep", Response{Status: 200, Body: []byte(`{"keys":[[[[[[[[[[[]]]]]]]]]]]}`)}, "jwks: refused the document: not a valid JSON document (nested too deep at byte 15)"},
		{"no keys", Response{Status: 200, Body: []byte(`{"keys":[]}`)}, "jwks: refused the document: no usable signature verification key (RSA >= 2048 bits, EC P-256/P-384, OKP Ed25519)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, tr, ck := newTest()
			var w outcome
			c.Keys(w.done)
			tr.answer(t, tc.r)
			var fe *FetchError
			if w.calls != 1 || w.ks != nil || !errors.As(w.err, &fe) || w.err.Error() != tc.want {
				t.Fatalf("got %+v (%v), want error %q", w, w.err, tc.want)
			}
			// Within Retry the failure is answered at once, without a new fetch.
			ck.add(DefaultRetry - time.Second)
			if _, ready, err := c.Keys(w.done); ready || err == nil || err.Error() != tc.want || tr.sent != 1 {
				t.Fatalf("within retry: ready %v err %v sent %d", ready, err, tr.sent)
			}
			ck.add(time.Second)
			if _, _, err := c.Keys(w.done); err != nil || tr.sent != 2 {
				t.Fatalf("after retry: err %v sent %d, want a new fetch", err, tr.sent)
			}
		})
	}
}

func TestSendFailure(t *testing.T) {
	c, tr, _ := newTest()
	tr.fail = errors.New("bad cluster")
	_, ready, err := c.Keys(func(*clientauth.KeySet, error) { t.Fatal("done called") })
	if ready || err == nil || err.Error() != "jwks: request to cluster "+testCluster+" could not be sent" {
		t.Fatalf("got %v %v", ready, err)
	}
}

func TestRefreshKeepsLastGood(t *testing.T) {
	c, tr, ck := newTest()
	c.Keys(func(*clientauth.KeySet, error) {})
	tr.answer(t, ok(""))
	first, _, _ := c.Keys(nil)
	ck.add(DefaultRefresh)
	// Stale: the held set is served while a refresh runs in the background.
	if ks, ready, _ := c.Keys(nil); !ready || ks != first || tr.sent != 2 {
		t.Fatalf("stale: ready %v same %v sent %d", ready, ks == first, tr.sent)
	}
	if _, ready, _ := c.Keys(nil); !ready || tr.sent != 2 {
		t.Fatalf("a second stale call started another fetch: sent %d", tr.sent)
	}
	tr.answer(t, Response{Status: 503})
	if ks, ready, err := c.Keys(nil); !ready || err != nil || ks != first || tr.sent != 2 {
		t.Fatalf("after failed refresh: %v %v same %v sent %d", ready, err, ks == first, tr.sent)
	}
	ck.add(DefaultRetry)
	c.Keys(nil)
	tr.answer(t, okSingle())
	if ks, _, _ := c.Keys(nil); ks == first || ks.Len() != 1 || tr.sent != 3 {
		t.Fatalf("after retry: replaced %v len %d sent %d", ks != first, ks.Len(), tr.sent)
	}
}

func TestMaxAge(t *testing.T) {
	for _, tc := range []struct {
		cc   string
		want time.Duration
	}{
		{"", DefaultRefresh},
		{"public, max-age=3600", time.Hour},
		{"max-age=5", DefaultMinMaxAge},
		{"max-age=99999999999", DefaultMaxMaxAge},
		{`MAX-AGE="120"`, 2 * time.Minute},
		{"max-age=-1", DefaultRefresh},
		{"max-age=abc", DefaultRefresh},
		{"no-store", DefaultRefresh},
	} {
		c, tr, ck := newTest()
		c.Keys(func(*clientauth.KeySet, error) {})
		tr.answer(t, ok(tc.cc))
		ck.add(tc.want - time.Second)
		c.Keys(nil)
		if tr.sent != 1 {
			t.Fatalf("%q: refreshed before %v", tc.cc, tc.want)
		}
		ck.add(time.Second)
		c.Keys(nil)
		if tr.sent != 2 {
			t.Fatalf("%q: not refreshed at %v", tc.cc, tc.want)
		}
	}
}

func TestUnknownKIDRateLimited(t *testing.T) {
	c, tr, ck := newTest()
	c.Keys(func(*clientauth.KeySet, error) {})
	tr.answer(t, okSingle())
	if c.RefetchUnknownKID(func(*clientauth.KeySet, error) { t.Fatal("done called") }) || tr.sent != 1 {
		t.Fatalf("refetched right after a fetch: sent %d", tr.sent)
	}
	ck.add(DefaultUnknownKIDInterval)
	var a, b outcome
	if !c.RefetchUnknownKID(a.done) || !c.RefetchUnknownKID(b.done) || tr.sent != 2 {
		t.Fatalf("refetch: sent %d, want 2 (one for both)", tr.sent)
	}
	tr.answer(t, ok(""))
	if a.calls != 1 || b.calls != 1 || a.ks.Len() != clientauthLen(t) || b.ks != a.ks {
		t.Fatalf("waiters: %+v %+v", a, b)
	}
	ck.add(DefaultUnknownKIDInterval - time.Second)
	if c.RefetchUnknownKID(a.done) || tr.sent != 2 {
		t.Fatalf("second refetch within the interval: sent %d", tr.sent)
	}
	// A failed refetch leaves the held set to the waiters.
	ck.add(time.Second)
	var f outcome
	c.RefetchUnknownKID(f.done)
	tr.answer(t, Response{Status: 500})
	if f.calls != 1 || f.err != nil || f.ks != a.ks {
		t.Fatalf("failed refetch: %+v", f)
	}
}

func TestHeld(t *testing.T) {
	c, tr, ck := newTest()
	if c.Held() != nil || tr.sent != 0 {
		t.Fatalf("Held started a first fetch: sent %d", tr.sent)
	}
	c.Keys(func(*clientauth.KeySet, error) {})
	tr.answer(t, ok(""))
	ks := c.Held()
	ck.add(DefaultRefresh)
	if c.Held() != ks || tr.sent != 2 {
		t.Fatalf("stale Held: sent %d, want a background refresh", tr.sent)
	}
}
