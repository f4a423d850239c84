package e2e_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/e2e/demo"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/internal/jwttest"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// metadataURL is where the 401 challenge points: the configured resource's origin with the
// RFC 9728 path-suffixed well-known path.
const metadataURL = "https://mcp.example.com/.well-known/oauth-protected-resource/mcp"

// TestClientAuth: the Go MCP SDK client with tokens the test mints (RS256 and ES256 with
// jwttest's keys) and a gateway API key, through the real .wasm with bridge.clientAuth: each
// caller lists and calls only its allowed tools, the backend gets only the tool's backend
// credential, refusals are 401/403 with the challenge, the metadata is served through the
// gateway, /stats counts each refusal by reason, and no token or key is in a log or a reply.
func TestClientAuth(t *testing.T) {
	d := startClientAuthDemo(t)
	alice := mint("RS256", "rsa-1", map[string]any{"sub": "alice", "scope": "pets.read"})
	bob := mint("ES256", "ec-256", map[string]any{"sub": "bob", "scope": []string{"pets.read", "inventory.read"}})
	secrets := []string{alice, bob, carolKey}
	var wires []*wire
	t.Cleanup(func() { assertNothingQuoted(t, d, wires, secrets) })

	for _, era := range []string{legacy, modern} {
		t.Run("alice "+eraName(era), func(t *testing.T) {
			wires = append(wires, testScopedCaller(t, d, era, alice))
		})
	}
	t.Run("bob", func(t *testing.T) {
		d.Backend.Reset()
		cs, w, err := session(d.MCPURL, legacy, map[string]string{"Authorization": "Bearer " + bob})
		if err != nil {
			t.Fatalf("connect: %v", err)
		}
		wires = append(wires, w)
		if got := toolNames(t, cs); !slices.Equal(got, []string{"list_pets", "get_pet", "store_inventory"}) {
			t.Errorf("tools/list = %v", got)
		}
		expectBackend(t, d, cs, "store_inventory", nil, "/v1/inventory", "header:X-Api-Key="+d.Secrets["DEMO_API_KEY"])
	})
	for _, h := range []string{"X-API-Key", "Authorization"} {
		t.Run("carol by "+h, func(t *testing.T) {
			value := carolKey
			if h == "Authorization" {
				value = "Bearer " + carolKey
			}
			cs, w, err := session(d.MCPURL, legacy, map[string]string{h: value})
			if err != nil {
				t.Fatalf("connect: %v", err)
			}
			wires = append(wires, w)
			if got := toolNames(t, cs); !slices.Equal(got, []string{"list_pets", "admin_stats"}) {
				t.Errorf("tools/list = %v", got)
			}
			expectBackend(t, d, cs, "admin_stats", nil, "/v1/admin/stats", "header:Authorization="+basic(d.Secrets["DEMO_ADMIN_CREDENTIAL"]))
		})
	}
	t.Run("no token", func(t *testing.T) {
		wires = append(wires, testNoToken(t, d))
	})
	t.Run("refused tokens", func(t *testing.T) {
		wires = append(wires, testRefusedTokens(t, d, &secrets)...)
	})
	t.Run("stats", func(t *testing.T) { testAuthStats(t, d) })
}

// testScopedCaller: alice (pets.read) lists list_pets and get_pet, calls get_pet, and gets 403
// insufficient_scope for store_inventory with nothing upstream.
func testScopedCaller(t *testing.T, d *demo.Demo, era, token string) *wire {
	cs, w, err := session(d.MCPURL, era, map[string]string{"Authorization": "Bearer " + token})
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	if got := toolNames(t, cs); !slices.Equal(got, []string{"list_pets", "get_pet"}) {
		t.Errorf("tools/list = %v", got)
	}
	expectBackend(t, d, cs, "get_pet", map[string]any{"petId": 1}, "/v1/pets/1")
	d.Backend.Reset()
	if _, err := callTool(t, cs, "store_inventory", nil); err == nil {
		t.Fatal("store_inventory without inventory.read succeeded")
	}
	ex := w.last(t)
	want := `Bearer resource_metadata="` + metadataURL + `", error="insufficient_scope", scope="inventory.read"`
	if ex.status != http.StatusForbidden || ex.header.Get("Www-Authenticate") != want {
		t.Errorf("store_inventory: %d %q, want 403 %q", ex.status, ex.header.Get("Www-Authenticate"), want)
	}
	assertJSONBody(t, ex, "Forbidden", "tool store_inventory requires scope inventory.read")
	if n := len(d.Backend.Requests()); n != 0 {
		t.Errorf("backend got %d requests for a refused call", n)
	}
	return w
}

// expectBackend calls tool and checks the backend got exactly one request on path carrying
// exactly the credentials want (none of the caller's).
func expectBackend(t *testing.T, d *demo.Demo, cs *mcp.ClientSession, tool string, args map[string]any, path string, want ...string) {
	t.Helper()
	d.Backend.Reset()
	res, err := callTool(t, cs, tool, args)
	if err != nil || res.IsError {
		t.Fatalf("%s = %+v, %v", tool, res, err)
	}
	r := onlyRecord(t, d.Backend)
	if r.Path != path || !slices.Equal(credentials(r), want) {
		t.Errorf("%s: backend got %s with credentials %q, want %s with %q", tool, r.Path, credentials(r), path, want)
	}
}

// testNoToken: 401 with the challenge, and the URL it names, fetched through the gateway
// (path-suffixed and plain), is the RFC 9728 document.
func testNoToken(t *testing.T, d *demo.Demo) *wire {
	d.Backend.Reset()
	_, w, err := session(d.MCPURL, legacy, nil)
	if err == nil {
		t.Fatal("connect without a token succeeded")
	}
	ex := w.last(t)
	if want := `Bearer resource_metadata="` + metadataURL + `"`; ex.status != http.StatusUnauthorized || ex.header.Get("Www-Authenticate") != want {
		t.Errorf("no token: %d %q, want 401 %q", ex.status, ex.header.Get("Www-Authenticate"), want)
	}
	assertJSONBody(t, ex, "Unauthorized", "authentication required")
	gatewayBase := strings.TrimSuffix(d.MCPURL, "/mcp")
	for _, path := range []string{strings.TrimPrefix(metadataURL, "https://mcp.example.com"), "/.well-known/oauth-protected-resource"} {
		resp, err := http.Get(gatewayBase + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var got map[string]any
		if err := json.Unmarshal(body, &got); err != nil || resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/json" {
			t.Fatalf("GET %s: %d %s %q: %v", path, resp.StatusCode, resp.Header.Get("Content-Type"), body, err)
		}
		want := map[string]any{
			"resource": "https://mcp.example.com/mcp", "authorization_servers": []any{"https://idp.example.com"},
			"scopes_supported": []any{"pets.read", "inventory.read"}, "bearer_methods_supported": []any{"header"},
		}
		if gb, wb := mustJSON(got), mustJSON(want); gb != wb {
			t.Errorf("GET %s = %s, want %s", path, gb, wb)
		}
	}
	if n := len(d.Backend.Requests()); n != 0 {
		t.Errorf("backend got %d requests", n)
	}
	return w
}

// testRefusedTokens: expired, wrong audience, bad signature, not yet valid, wrong issuer,
// unknown kid, alg none and HS256 signed with the public key are 401 invalid_token with
// nothing upstream. Their tokens join secrets.
func testRefusedTokens(t *testing.T, d *demo.Demo, secrets *[]string) []*wire {
	now := time.Now().Unix()
	cases := []struct {
		name, token, message string
	}{
		{"expired", mint("RS256", "rsa-1", map[string]any{"sub": "alice", "iat": now - 1200, "nbf": now - 1200, "exp": now - 300}), "token has expired"},
		{"wrong audience", mint("RS256", "rsa-2", map[string]any{"sub": "alice", "aud": "https://other.example.com/mcp"}), "token aud names none of the configured audiences"},
		{"bad signature", jwttest.Token(map[string]string{"alg": "RS256", "kid": "rsa-1", "typ": "JWT"},
			map[string]any{"iss": "https://idp.example.com", "aud": "https://mcp.example.com/mcp", "sub": "mallory", "scope": "inventory.read", "exp": now + 600},
			jwttest.Signer("RS256", "attacker")), "token signature does not verify"},
		{"not yet valid", mint("RS256", "rsa-1", map[string]any{"sub": "alice", "nbf": now + 600}), "token is not valid yet (nbf is in the future)"},
		{"wrong issuer", mint("EdDSA", "ed-1", map[string]any{"sub": "alice", "iss": "https://evil.example.com"}), "token iss is not the configured issuer"},
		{"unknown kid", mint("RS256", "attacker", map[string]any{"sub": "mallory"}), "token kid names no key of the JWKS"},
		{"alg none", jwttest.Token(map[string]string{"alg": "none", "typ": "JWT"},
			map[string]any{"iss": "https://idp.example.com", "aud": "https://mcp.example.com/mcp", "sub": "mallory", "exp": now + 600},
			jwttest.NoSignature), "token alg is refused (accepted: RS256/384/512, PS256/384/512, ES256, ES384, EdDSA)"},
		{"HS256 with the public key", jwttest.Token(map[string]string{"alg": "HS256", "kid": "rsa-1", "typ": "JWT"},
			map[string]any{"iss": "https://idp.example.com", "aud": "https://mcp.example.com/mcp", "sub": "mallory", "exp": now + 600},
			jwttest.HS256(jwttest.PublicPEM("rsa-1"))), "token alg is refused (accepted: RS256/384/512, PS256/384/512, ES256, ES384, EdDSA)"},
	}
	var wires []*wire
	for _, c := range cases {
		*secrets = append(*secrets, c.token)
		t.Run(c.name, func(t *testing.T) {
			d.Backend.Reset()
			_, w, err := session(d.MCPURL, legacy, map[string]string{"Authorization": "Bearer " + c.token})
			wires = append(wires, w)
			if err == nil {
				t.Fatal("connect succeeded")
			}
			ex := w.last(t)
			want := `Bearer resource_metadata="` + metadataURL + `", error="invalid_token"`
			if ex.status != http.StatusUnauthorized || ex.header.Get("Www-Authenticate") != want {
				t.Errorf("%d %q, want 401 %q", ex.status, ex.header.Get("Www-Authenticate"), want)
			}
			assertJSONBody(t, ex, "Unauthorized", c.message)
			if n := len(d.Backend.Requests()); n != 0 {
				t.Errorf("backend got %d requests", n)
			}
		})
	}
	return wires
}

func assertJSONBody(t *testing.T, ex exchange, wantErr, wantMsg string) {
	t.Helper()
	var body struct{ Error, Message string }
	if err := json.Unmarshal([]byte(ex.body.String()), &body); err != nil || body.Error != wantErr || body.Message != wantMsg {
		t.Errorf("body %q, want error %q message %q (%v)", ex.body.String(), wantErr, wantMsg, err)
	}
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// testAuthStats reads the gateway's admin /stats after the subtests above.
func testAuthStats(t *testing.T, d *demo.Demo) {
	body := stats(t, d, "auth_failures")
	// Each refusal above once: alice's missing scope in both eras (forbidden), the connect
	// without a token (missing; the metadata GETs are open), the refused tokens. The
	// SDK gives up after the first refused request (MaxRetries -1), so nothing counts twice.
	counts := map[string]int{"forbidden": 2, "missing": 1, "expired": 1, "bad_audience": 1, "bad_signature": 1,
		"not_yet_valid": 1, "bad_issuer": 1, "unknown_kid": 1, "alg_refused": 2}
	for _, reason := range []string{"alg_refused", "bad_audience", "bad_issuer", "bad_signature", "expired",
		"forbidden", "malformed", "missing", "not_yet_valid", "unknown_key", "unknown_kid"} {
		want := fmt.Sprintf("wasmcustom.mcp_rest_bridge.reason.%s.auth_failures: %d\n", reason, counts[reason])
		if !strings.Contains(body, want) {
			t.Errorf("/stats lacks %q:\n%s", want, body)
		}
	}
	for _, want := range []string{
		"wasmcustom.mcp_rest_bridge.tool.get_pet.outcome.ok.tool_calls: 2\n",
		"wasmcustom.mcp_rest_bridge.tool.store_inventory.outcome.ok.tool_calls: 1\n",
		"wasmcustom.mcp_rest_bridge.tool.admin_stats.outcome.ok.tool_calls: 2\n",
	} {
		if !strings.Contains(stats(t, d, "tool_calls"), want) {
			t.Errorf("/stats lacks %q", want)
		}
	}
}

func stats(t *testing.T, d *demo.Demo, filter string) string {
	t.Helper()
	admin := httptest.NewServer(d.Gateway.StatsHandler())
	defer admin.Close()
	resp, err := http.Get(admin.URL + "/stats?filter=" + filter)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return string(body)
}

// assertNothingQuoted scans every gateway log line and every reply the clients saw for every
// minted token (whole, and its signature), carol's key and the demo's backend secrets.
func assertNothingQuoted(t *testing.T, d *demo.Demo, wires []*wire, secrets []string) {
	var all []string
	for _, s := range secrets {
		all = append(all, s)
		if i := strings.LastIndexByte(s, '.'); i >= 0 && i < len(s)-1 { // alg none has no signature
			all = append(all, s[i+1:])
		}
	}
	for _, v := range d.Secrets {
		all = append(all, v, basic(v)[len("Basic "):])
	}
	for _, e := range d.Gateway.Logs() {
		for _, s := range all {
			if strings.Contains(e.Msg, s) {
				t.Errorf("%s %s log line quotes a secret (%.8s...)", e.Source, e.Level, s)
			}
		}
	}
	for _, w := range wires {
		text := w.text()
		for _, s := range all {
			if strings.Contains(text, s) {
				t.Errorf("a reply quotes a secret (%.8s...)", s)
			}
		}
	}
}
