package e2e_test

import (
	"testing"
	"time"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/e2e/internal/oauthtest"
)

// Issue 10 item 3, "refreshed ahead of expiry", through the real .wasm with a real clock (the
// plugin tests run the .wasm under a clock that does not advance). A 10 s token is refreshed
// from 5 s on (L - min(60 s, L/2)) and unusable after 9 s (L - min(10 s, L/10)): a call at
// ~5.5 s goes upstream at once with the current token while the refresh runs in the background
// (the token endpoint takes 2 s to answer it), and the next call, on the other worker, gets
// the new token from shared data, without a third token request.
func TestOAuth2RefreshAheadOfExpiry(t *testing.T) {
	w := startOAuthWorld(t, worldOptions{workers: 2, lifetime: 10 * time.Second})
	ordersSubject(t, w.call(t, 0, "list_orders", nil)) // worker 0 fetches
	time.Sleep(5500 * time.Millisecond)

	w.as.SetFailure(&oauthtest.Failure{Delay: 2 * time.Second})
	start := time.Now()
	ordersSubject(t, w.call(t, 0, "list_orders", nil)) // worker 1: refresh window
	if d := time.Since(start); d > 1500*time.Millisecond {
		t.Errorf("the call in the refresh window took %v: it waited for the refresh", d)
	}
	time.Sleep(2600 * time.Millisecond) // the refresh (2 s) is done; the old token is still usable
	w.as.SetFailure(nil)
	ordersSubject(t, w.call(t, 0, "list_orders", nil)) // worker 0

	if n := w.as.HitsBy(ccClient); n != 2 {
		t.Errorf("token endpoint hits = %d, want 2 (the first fetch and one refresh)", n)
	}
	toks, issued := w.backendTokens(t), w.as.Issued()
	if len(toks) != 3 || len(issued) != 2 || toks[0] != issued[0] || toks[1] != issued[0] || toks[2] != issued[1] {
		t.Errorf("backend tokens: %d calls, %d issued; old token before the refresh %v, new after %v",
			len(toks), len(issued), len(toks) == 3 && len(issued) == 2 && toks[1] == issued[0], len(toks) == 3 && len(issued) == 2 && toks[2] == issued[1])
	}
	w.assertNothingLeaked(t)
}
