package e2e_test

import (
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/e2e/internal/oauthtest"
)

// Issue 10 end to end: the real .wasm in the local gateway (several worker VMs over one shared
// data), zitadel's OP as the authorization server, the backend checking tokens by introspection.

func TestOAuth2ClientCredentialsAcrossWorkers(t *testing.T) {
	w := startOAuthWorld(t, worldOptions{workers: 4})
	client := map[string]string{"Authorization": "Bearer client-own-token", "X-Api-Key": "forged"}
	for i := range 8 { // round robin: every worker serves two calls
		if sub, cl := ordersSubject(t, w.call(t, 0, "list_orders", client)); sub != ccClient || cl != ccClient {
			t.Fatalf("call %d: subject %q client %q", i, sub, cl)
		}
	}
	if n := w.as.HitsBy(ccClient); n != 1 {
		t.Errorf("token endpoint hits = %d, want 1 for 4 workers and 8 calls", n)
	}
	hit := w.as.Hits()[0]
	wantForm := map[string]string{"grant_type": "client_credentials", "scope": "orders.read orders.write", "audience": ordersAudience, "resource": ordersAudience}
	for k, v := range wantForm {
		if got := hit.Form[k]; len(got) != 1 || got[0] != v {
			t.Errorf("token request %s = %q, want %q", k, got, v)
		}
	}
	if len(hit.Form) != len(wantForm) || hit.BasicUser != ccClient || hit.BasicPass != ccSecret {
		t.Errorf("token request: form %v, basic %q (secret ok: %v)", hit.Form, hit.BasicUser, hit.BasicPass == ccSecret)
	}
	issued := w.as.Issued()
	for _, tok := range w.backendTokens(t) {
		if tok != issued[0] {
			t.Errorf("backend got a token the server did not issue for this call")
		}
	}
	if n := len(w.backend.Requests()); n != 8 {
		t.Errorf("backend got %d requests, want 8", n)
	}
	if len(w.debugLines("oauth2:client_credentials:orders-cc")) == 0 {
		t.Error("no debug line names the credential source oauth2:client_credentials:orders-cc")
	}
	// the plugin's counters, per process as in Envoy: one token request, 8 good tool calls
	if f, c := w.counter("scheme.orders-cc.outcome.ok.token_fetches"), w.counter("tool.list_orders.outcome.ok.tool_calls"); f != 1 || c != 8 {
		t.Errorf("counters: token_fetches ok %d (want 1), tool_calls ok %d (want 8)", f, c)
	}
	w.assertNothingLeaked(t, "client-own-token")
}

func TestOAuth2SingleFlightUnderConcurrentCalls(t *testing.T) {
	w := startOAuthWorld(t, worldOptions{workers: 4})
	w.as.SetFailure(&oauthtest.Failure{Delay: 400 * time.Millisecond}) // calls pile up meanwhile
	var wg sync.WaitGroup
	for range 24 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ordersSubject(t, w.call(t, 0, "list_orders", nil))
		}()
	}
	wg.Wait()
	if n := w.as.HitsBy(ccClient); n != 1 {
		t.Errorf("token endpoint hits = %d, want 1 for 24 concurrent calls on 4 workers", n)
	}
	if n := w.counter("scheme.orders-cc.outcome.ok.token_fetches"); n != 1 {
		t.Errorf("token_fetches counter = %d, want 1", n)
	}
	if n := len(w.backendTokens(t)); n != 24 {
		t.Errorf("backend got %d requests, want 24", n)
	}
	w.assertNothingLeaked(t)
}

func TestOAuth2TokenExchange(t *testing.T) {
	w := startOAuthWorld(t, worldOptions{workers: 2})
	user := w.as.ClientCredentials(t, appClient, appSecret, "profile")
	user2 := w.as.ClientCredentials(t, app2Client, app2Secret, "profile")
	as := func(tok string) map[string]string { return map[string]string{"Authorization": "Bearer " + tok} }

	for range 3 { // one exchange per user, whichever worker takes the call
		if sub, cl := ordersSubject(t, w.call(t, 0, "my_orders", as(user))); sub != appClient || cl != xchgClient {
			t.Fatalf("subject %q client %q, want the user's subject, issued to the gateway", sub, cl)
		}
	}
	if sub, _ := ordersSubject(t, w.call(t, 0, "my_orders", as(user2))); sub != app2Client {
		t.Fatalf("second user: subject %q", sub)
	}
	var exchanges []oauthtest.Hit
	for _, h := range w.as.Hits() {
		if h.ClientID() == xchgClient {
			exchanges = append(exchanges, h)
		}
	}
	if len(exchanges) != 2 {
		t.Fatalf("exchanges = %d, want one per user", len(exchanges))
	}
	h := exchanges[0]
	for k, v := range map[string]string{
		"grant_type": "urn:ietf:params:oauth:grant-type:token-exchange", "subject_token": user,
		"subject_token_type": "urn:ietf:params:oauth:token-type:access_token",
		"audience":           ordersAudience, "resource": ordersAudience, "scope": "orders.read",
		"requested_token_type": "urn:ietf:params:oauth:token-type:access_token",
	} {
		if got := h.Form[k]; len(got) != 1 || got[0] != v {
			t.Errorf("exchange request %s = %q", k, got)
		}
	}
	if h.BasicUser != xchgClient || h.BasicPass != xchgSecret || h.Form.Has("client_secret") || len(h.Form) != 7 {
		t.Errorf("exchange client authentication: Basic %q (secret ok %v), form keys %d", h.BasicUser, h.BasicPass == xchgSecret, len(h.Form))
	}
	for _, tok := range w.backendTokens(t) {
		if tok == user || tok == user2 {
			t.Fatal("the backend received the client's own token")
		}
		if in := w.as.Validate(tok); !in.Active || in.ClientID != xchgClient || !slices.Equal(in.Audience, []string{ordersAudience}) {
			t.Errorf("backend token: %+v", in)
		}
	}
	if len(w.debugLines("oauth2:token_exchange:orders-xchg")) == 0 {
		t.Error("no debug line names the credential source oauth2:token_exchange:orders-xchg")
	}
	w.assertNothingLeaked(t, user, user2)
}

func TestOAuth2TokenExchangeWithoutClientCredential(t *testing.T) {
	w := startOAuthWorld(t, worldOptions{workers: 2})
	for _, header := range []map[string]string{nil, {"Authorization": "Basic dXNlcjpwYXNz"}, {"Authorization": "Bearer"}} {
		r := w.call(t, 0, "my_orders", header)
		if r.Error == nil || r.Error.Code != codeCredentialRefused {
			t.Errorf("%v: reply %+v, want JSON-RPC error %d", header, r.Error, codeCredentialRefused)
		}
	}
	if n := len(w.as.Hits()); n != 0 {
		t.Errorf("token endpoint hits = %d, want 0", n)
	}
	if n := len(w.backend.Requests()); n != 0 {
		t.Errorf("backend requests = %d, want 0", n)
	}
	w.assertNothingLeaked(t)
}

func TestOAuth2RefreshAfterExpiry(t *testing.T) {
	w := startOAuthWorld(t, worldOptions{workers: 2, lifetime: 3 * time.Second})
	ordersSubject(t, w.call(t, 0, "list_orders", nil))
	ordersSubject(t, w.call(t, 0, "list_orders", nil)) // other worker, same token
	if n := w.as.HitsBy(ccClient); n != 1 {
		t.Fatalf("hits before expiry = %d", n)
	}
	time.Sleep(3200 * time.Millisecond)
	ordersSubject(t, w.call(t, 0, "list_orders", nil))
	if n := w.as.HitsBy(ccClient); n != 2 {
		t.Errorf("hits after expiry = %d, want 2", n)
	}
	toks := w.backendTokens(t)
	if len(toks) != 3 || toks[0] != toks[1] || toks[2] == toks[0] || !w.as.Validate(toks[2]).Active {
		t.Errorf("backend tokens: same-before %v, fresh-after %v", len(toks) == 3 && toks[0] == toks[1], len(toks) == 3 && toks[2] != toks[0])
	}
	w.assertNothingLeaked(t)
}

func TestOAuth2RotatedSecretNeverReusesTheOldToken(t *testing.T) {
	w := startOAuthWorld(t, worldOptions{workers: 2})
	ordersSubject(t, w.call(t, 0, "list_orders", nil)) // token of the old secret
	w.as.SetSecret(ccClient, ccRotated)
	ordersSubject(t, w.call(t, 0, "list_orders_rotated", nil))
	hits := w.as.Hits()
	if len(hits) != 2 || hits[1].Status != 200 || hits[1].BasicUser != "" ||
		hits[1].Form.Get("client_id") != ccClient || hits[1].Form.Get("client_secret") != ccRotated {
		t.Fatalf("the rotated scheme did not fetch its own token with client_secret_post: %d hits", len(hits))
	}
	toks := w.backendTokens(t)
	if len(toks) != 2 || toks[0] == toks[1] {
		t.Error("the rotated secret's call reused the old secret's token")
	}
	w.as.RevokeAll() // the old token is gone; the old secret no longer works
	r := w.call(t, 0, "list_orders", nil)
	if r.Result == nil || !r.Result.IsError {
		t.Fatalf("revoked token: %+v", r)
	}
	r = w.call(t, 0, "list_orders", nil)
	if r.Error == nil || r.Error.Code != codeInternal || !strings.Contains(r.Error.Message, msgBackendCred) {
		t.Errorf("old secret after rotation: %+v %q, want %d %q", r.Error, r.text(), codeInternal, msgBackendCred)
	}
	w.assertNothingLeaked(t)
}

// The plugin documents: a 401 from the backend drops the token and answers a tool error; the
// next call fetches a fresh token (the call itself is not retried).
func TestOAuth2Backend401DropsTheToken(t *testing.T) {
	w := startOAuthWorld(t, worldOptions{workers: 1})
	ordersSubject(t, w.call(t, 0, "list_orders", nil))
	w.as.RevokeAll()
	r := w.call(t, 0, "list_orders", nil)
	if r.Error != nil || r.Result == nil || !r.Result.IsError || !strings.HasPrefix(r.text(), "HTTP 401") {
		t.Fatalf("401 from the backend: %+v %q, want a tool error", r.Error, r.text())
	}
	ordersSubject(t, w.call(t, 0, "list_orders", nil))
	if n := w.as.HitsBy(ccClient); n != 2 {
		t.Errorf("hits = %d, want 2 (one before, one after the 401)", n)
	}
	if toks := w.backendTokens(t); len(toks) != 3 || toks[0] != toks[1] || toks[2] == toks[1] {
		t.Errorf("backend requests = %d, want 3 with the fresh token last (no retry inside the gateway)", len(toks))
	}
	w.assertNothingLeaked(t)
}

// With several workers, a 401 seen by one worker must not leave the dropped token in the other
// workers' memory: "the next call fetches a fresh token", whichever worker takes it.
func TestOAuth2Backend401AcrossWorkers(t *testing.T) {
	w := startOAuthWorld(t, worldOptions{workers: 2})
	ordersSubject(t, w.call(t, 0, "list_orders", nil)) // worker 0 fetches
	ordersSubject(t, w.call(t, 0, "list_orders", nil)) // worker 1 takes it from shared data
	w.as.RevokeAll()
	if r := w.call(t, 0, "list_orders", nil); r.Result == nil || !r.Result.IsError || !strings.HasPrefix(r.text(), "HTTP 401") {
		t.Fatalf("401 on worker 0: %+v %q", r.Error, r.text())
	}
	for i := range 2 { // worker 1, then worker 0
		if r := w.call(t, 0, "list_orders", nil); r.Result == nil || r.Result.IsError {
			t.Errorf("call %d after the 401: %+v %q, want the fresh token", i, r.Error, r.text())
		}
	}
	if n := w.as.HitsBy(ccClient); n != 2 {
		t.Errorf("hits = %d, want 2", n)
	}
	w.assertNothingLeaked(t)
}

func TestOAuth2TokenEndpointFailuresFailClosed(t *testing.T) {
	const marker = "endpoint-body-marker-31c9"
	cases := []struct {
		name string
		f    *oauthtest.Failure
	}{
		{"503", &oauthtest.Failure{Status: 503, ContentType: "application/json", Body: `{"error":"temporarily_unavailable","error_description":"` + marker + `"}`}},
		{"401 invalid_client", &oauthtest.Failure{Status: 401, ContentType: "application/json", Body: `{"error":"invalid_client","error_description":"` + marker + `"}`}},
		{"not JSON", &oauthtest.Failure{Status: 200, ContentType: "text/html", Body: "<html>" + marker + "</html>"}},
		{"no access_token", &oauthtest.Failure{Status: 200, ContentType: "application/json", Body: `{"token_type":"Bearer","expires_in":60,"note":"` + marker + `"}`}},
		{"token_type N_A", &oauthtest.Failure{Status: 200, ContentType: "application/json", Body: `{"access_token":"` + marker + `","token_type":"N_A","expires_in":60}`}},
		{"redirect", &oauthtest.Failure{Status: 302, Location: "http://127.0.0.1:1/" + marker, Body: marker}},
		{"timeout", &oauthtest.Failure{Delay: 6 * time.Second}},
	}
	w := startOAuthWorld(t, worldOptions{workers: 2})
	user := w.as.ClientCredentials(t, appClient, appSecret)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w.as.SetFailure(tc.f)
			defer w.as.SetFailure(nil)
			for _, call := range []struct {
				tool   string
				header map[string]string
			}{{"list_orders", nil}, {"my_orders", map[string]string{"Authorization": "Bearer " + user}}} {
				r := w.call(t, 0, call.tool, call.header)
				if r.Error == nil || r.Error.Code != codeInternal || r.Error.Message != msgBackendCred {
					t.Errorf("%s: %+v %q, want %d %q", call.tool, r.Error, r.text(), codeInternal, msgBackendCred)
				}
			}
			if n := len(w.backend.Requests()); n != 0 {
				t.Errorf("backend got %d requests", n)
			}
		})
	}
	for i, g := range w.gws {
		for _, e := range g.Logs() {
			if strings.Contains(e.Msg, marker) {
				t.Errorf("gateway %d logs the endpoint's body: %+v", i, e)
			}
		}
	}
	w.mu.Lock()
	for _, r := range w.replies {
		if strings.Contains(r, marker) {
			t.Errorf("an MCP response carries the endpoint's body: %.200q", r)
		}
	}
	w.mu.Unlock()
	if n := w.counter("tool.list_orders.outcome.backend_credential_failed.tool_calls"); n != uint64(len(cases)) {
		t.Errorf("backend_credential_failed counter = %d, want %d", n, len(cases))
	}
	// the endpoint recovers: the next call works (failures are not cached)
	ordersSubject(t, w.call(t, 0, "list_orders", nil))
	w.assertNothingLeaked(t, user)
}

// A client that goes away while its call waits for another worker's token fetch: the plugin
// is refused the switch to that finished stream (as by Envoy) and keeps serving; nothing traps.
func TestOAuth2ClientGoneWhileWaitingForAToken(t *testing.T) {
	w := startOAuthWorld(t, worldOptions{workers: 2})
	w.as.SetFailure(&oauthtest.Failure{Delay: time.Second})
	fetcher := make(chan rpcReply, 1)
	go func() { fetcher <- w.call(t, 0, "list_orders", nil) }() // worker 0 fetches
	time.Sleep(200 * time.Millisecond)
	req, _ := http.NewRequest("POST", w.urls[0], strings.NewReader(`{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"list_orders","arguments":{}}}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	req.Header.Set("MCP-Protocol-Version", "2025-11-25")
	if resp, err := (&http.Client{Timeout: 300 * time.Millisecond}).Do(req); err == nil { // worker 1 waits, then its client leaves
		resp.Body.Close()
		t.Fatalf("the waiting call answered %d before the token existed", resp.StatusCode)
	}
	ordersSubject(t, <-fetcher)
	w.as.SetFailure(nil)
	time.Sleep(300 * time.Millisecond) // worker 1's tick sees the token and tries to resume the gone call
	for range 4 {
		ordersSubject(t, w.call(t, 0, "list_orders", nil))
	}
	if n := w.as.HitsBy(ccClient); n != 1 {
		t.Errorf("token requests = %d, want 1", n)
	}
	for _, e := range w.gws[0].Logs() {
		if strings.Contains(e.Msg, "trapped") {
			t.Errorf("the plugin trapped: %s", e.Msg)
		}
	}
	w.assertNothingLeaked(t)
}

// The client of the call that fetches a token goes away mid-fetch: Envoy cancels that stream's
// callout, so the fetch is lost; the calls waiting for it (here on another worker) still get a
// token, from the fetch the plugin sends again.
func TestOAuth2FetchLostWithItsClient(t *testing.T) {
	w := startOAuthWorld(t, worldOptions{workers: 2})
	w.as.SetFailure(&oauthtest.Failure{Delay: 1500 * time.Millisecond})
	req, _ := http.NewRequest("POST", w.urls[0], strings.NewReader(`{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"list_orders","arguments":{}}}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	req.Header.Set("MCP-Protocol-Version", "2025-11-25")
	waiter := make(chan rpcReply, 1)
	go func() {
		time.Sleep(200 * time.Millisecond)
		waiter <- w.call(t, 0, "list_orders", nil) // worker 1: waits on worker 0's lease
	}()
	if resp, err := (&http.Client{Timeout: 500 * time.Millisecond}).Do(req); err == nil { // worker 0 fetches, its client leaves
		resp.Body.Close()
		t.Fatalf("the fetching call answered %d before the token existed", resp.StatusCode)
	}
	w.as.SetFailure(nil)
	start := time.Now()
	if sub, _ := ordersSubject(t, <-waiter); sub != ccClient {
		t.Fatalf("waiting call: subject %q", sub)
	}
	t.Logf("the waiting call got its token %v after the fetching client left", time.Since(start).Round(100*time.Millisecond))
	if n := len(w.backendTokens(t)); n != 1 {
		t.Errorf("backend got %d requests, want the waiting call's only", n)
	}
	w.assertNothingLeaked(t)
}
