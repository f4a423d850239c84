package e2e_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/e2e/backend"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/e2e/demo"
	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
)

// TestClientAuthConsumerCredentials: with consumerCredentials on the store key, the backend
// gets the key of the consumer the minted token names (bob), never the default or the token;
// a consumer without an entry (alice, with the same scopes) gets -31001 and nothing goes
// upstream.
func TestClientAuthConsumerCredentials(t *testing.T) {
	const bobStoreKey = "bob-store-key-e2e-6d2f81"
	cfg := bytes.Replace(clientAuthConfig(t), []byte(`    defaultCredential: "${DEMO_API_KEY}"`),
		[]byte("    defaultCredential: \"${DEMO_API_KEY}\"\n    consumerCredentials:\n      bob: \"${BOB_STORE_KEY}\""), 1)
	env := clientAuthEnv()
	env["BOB_STORE_KEY"] = bobStoreKey
	d := startDemo(t, demo.Options{ConfigYAML: cfg, Env: env, BackendCredentials: &backend.Credentials{APIKey: bobStoreKey}})
	scopes := "pets.read inventory.read"
	bob := mint("ES256", "ec-256", map[string]any{"sub": "bob", "scope": scopes})
	alice := mint("RS256", "rsa-1", map[string]any{"sub": "alice", "scope": scopes})
	var wires []*wire
	t.Cleanup(func() { assertNothingQuoted(t, d, wires, []string{bob, alice, bobStoreKey}) })

	cs, w, err := session(d.MCPURL, modern, map[string]string{"Authorization": "Bearer " + bob})
	if err != nil {
		t.Fatalf("bob: %v", err)
	}
	wires = append(wires, w)
	expectBackend(t, d, cs, "store_inventory", nil, "/v1/inventory", "header:X-Api-Key="+bobStoreKey)

	d.Backend.Reset()
	cs, w, err = session(d.MCPURL, legacy, map[string]string{"Authorization": "Bearer " + alice})
	if err != nil {
		t.Fatalf("alice: %v", err)
	}
	wires = append(wires, w)
	_, err = callTool(t, cs, "store_inventory", nil)
	var werr *jsonrpc.Error
	const want = `tool "store_inventory": no backend credential is configured for this consumer (security scheme "store-key")`
	if !errors.As(err, &werr) || werr.Code != codeCredentialRefused || !strings.Contains(werr.Message, want) {
		t.Errorf("alice: store_inventory error %v, want %d %q", err, codeCredentialRefused, want)
	}
	if n := len(d.Backend.Requests()); n != 0 {
		t.Errorf("backend got %d requests for a consumer without a credential", n)
	}
}
