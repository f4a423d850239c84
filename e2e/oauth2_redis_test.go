package e2e_test

import (
	"net"
	"strings"
	"testing"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/e2e/internal/redistest"
)

// Two gateway replicas (separate shared data, like two Envoy processes) share tokens through a
// real Redis: one token request per grant for both.
func TestOAuth2RedisSharesTokensAcrossReplicas(t *testing.T) {
	redis := redistest.Start(t, redisPassword)
	w := startOAuthWorld(t, worldOptions{workers: 2, replicas: 2, redisAddr: redis.Addr})
	user := w.as.ClientCredentials(t, appClient, appSecret)
	bearer := map[string]string{"Authorization": "Bearer " + user}
	for _, gw := range []int{0, 1, 1, 0} {
		ordersSubject(t, w.call(t, gw, "list_orders", nil))
		if sub, _ := ordersSubject(t, w.call(t, gw, "my_orders", bearer)); sub != appClient {
			t.Fatalf("replica %d: exchanged token of subject %q", gw, sub)
		}
	}
	if cc, xchg := w.as.HitsBy(ccClient), w.as.HitsBy(xchgClient); cc != 1 || xchg != 1 {
		t.Errorf("token requests: client credentials %d, exchange %d; want 1 each for 2 replicas", cc, xchg)
	}
	stored, err := redis.Dump(0)
	if err != nil {
		t.Fatal(err)
	}
	if len(stored) != 2 {
		t.Errorf("Redis holds %d keys, want one per grant: %v", len(stored), keysOf(stored))
	}
	for k, v := range stored {
		if !strings.HasPrefix(k, "mcp-rest-bridge:oauth2:") {
			t.Errorf("unexpected Redis key %q", k)
		}
		for _, tok := range append(w.as.Issued(), user) {
			if strings.Contains(v, tok) || strings.Contains(k, tok) {
				t.Errorf("Redis holds a token in the clear under %q", k)
			}
		}
	}
	w.assertNothingLeaked(t, user)
}

// Redis is best effort: with Redis down, calls still work, each replica fetching its own token.
func TestOAuth2RedisDownFallsBackToTheTokenEndpoint(t *testing.T) {
	w := startOAuthWorld(t, worldOptions{workers: 2, replicas: 2, redisAddr: closedPort(t)})
	for _, gw := range []int{0, 1, 0, 1} {
		ordersSubject(t, w.call(t, gw, "list_orders", nil))
	}
	if n := w.as.HitsBy(ccClient); n != 2 {
		t.Errorf("token requests = %d, want one per replica", n)
	}
	w.assertNothingLeaked(t)
}

func keysOf(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// closedPort returns a loopback address nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	return addr
}
