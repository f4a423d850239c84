package oauth2

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// memStore is proxy-wasm shared data as Envoy implements it: versions start at 1, cas 0
// (or a key that does not exist yet) writes unconditionally.
type memStore struct {
	data map[string][]byte
	cas  map[string]uint32
	sets int
}

func newMemStore() *memStore { return &memStore{data: map[string][]byte{}, cas: map[string]uint32{}} }

func (s *memStore) Get(key string) ([]byte, uint32, error) {
	v, ok := s.data[key]
	if !ok {
		return nil, 0, ErrNotFound
	}
	return append([]byte(nil), v...), s.cas[key], nil
}

func (s *memStore) Set(key string, value []byte, cas uint32) error {
	s.sets++
	if cur, ok := s.cas[key]; ok && cas != 0 && cas != cur {
		return ErrCASMismatch
	}
	s.data[key] = append([]byte(nil), value...)
	s.cas[key]++
	return nil
}

// fakeTransport records token requests; answer completes them in order.
type fakeTransport struct {
	reqs  []Request
	dones []func(int, []byte)
	fail  bool
}

func (t *fakeTransport) Post(req Request, done func(int, []byte)) error {
	if t.fail {
		return os.ErrClosed
	}
	t.reqs = append(t.reqs, req)
	t.dones = append(t.dones, done)
	return nil
}

// answer completes the i-th request.
func (t *fakeTransport) answer(i, status int, body string) { t.dones[i](status, []byte(body)) }

type clock struct{ t time.Time }

func (c *clock) now() time.Time      { return c.t }
func (c *clock) add(d time.Duration) { c.t = c.t.Add(d) }
func newClock() *clock               { return &clock{t: time.Date(2026, 12, 7, 21, 0, 0, 0, time.UTC)} }
func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// worker is one worker VM: its own cache and transport over a shared store and clock.
type worker struct {
	c  *Cache
	tr *fakeTransport
}

func newWorker(store Store, clk *clock, owner string) *worker {
	tr := &fakeTransport{}
	return &worker{c: NewCache(Options{Store: store, Transport: tr, Now: clk.now, Owner: owner}), tr: tr}
}

// outcome collects what a Waiter received.
type outcome struct {
	calls int
	token string
	err   error
}

func (o *outcome) waiter() Waiter {
	return func(token string, err error) { o.calls++; o.token, o.err = token, err }
}

func mustGrant(t *testing.T, spec GrantSpec) *Grant {
	t.Helper()
	g, err := NewGrant(spec)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func ccSpec() GrantSpec {
	return GrantSpec{Scheme: "orders-cc", Flow: ClientCredentials, TokenURL: "https://auth.example.com/oauth2/token",
		Scopes: []string{"orders.write", "orders.read"}, ClientID: "orders-client", ClientSecret: "cc-secret-5d1f",
		Audience: "https://orders.example.com"}
}

func xchgSpec() GrantSpec {
	return GrantSpec{Scheme: "orders-xchg", Flow: TokenExchange, TokenURL: "https://auth.example.com/oauth2/token",
		Scopes: []string{"orders.read"}, ClientID: "gw-client", ClientSecret: "gw-secret-81ab", Audience: "orders-api"}
}

func header(h [][2]string, name string) string {
	for _, kv := range h {
		if kv[0] == name {
			return kv[1]
		}
	}
	return ""
}
