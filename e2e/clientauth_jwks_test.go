package e2e_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/e2e/demo"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/e2e/gateway"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/internal/jwttest"
)

// jwksServer is the issuer's JWKS endpoint: it serves jwttest.JWKS() and records each request.
type jwksServer struct {
	mu       sync.Mutex
	requests []*http.Request
}

func (j *jwksServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	j.mu.Lock()
	j.requests = append(j.requests, r.Clone(r.Context()))
	j.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(jwttest.JWKS())
}

func (j *jwksServer) hits() []*http.Request {
	j.mu.Lock()
	defer j.mu.Unlock()
	return slices.Clone(j.requests)
}

// startClientAuthDemoWith runs testdata/clientauth.yaml with keys (the YAML of the jwt key
// source) in place of the inline JWKS, and more gateway clusters.
func startClientAuthDemoWith(t *testing.T, keys string, clusters map[string]gateway.Cluster) *demo.Demo {
	t.Helper()
	cfg, err := os.ReadFile("testdata/clientauth.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg = bytes.Replace(cfg, []byte("jwks: '__JWKS__'"), []byte(keys), 1)
	return startDemo(t, demo.Options{ConfigYAML: cfg, Env: clientAuthEnv(), Clusters: clusters})
}

// TestClientAuthJWKSURI: with jwt.jwksUri the plugin fetches the keys by callout from a real
// HTTP endpoint (an httptest server the gateway routes as jwksCluster) when the first JWT needs
// them, once for every later token; tokens whose kid the set lacks are refused unknown_kid
// without a refetch while the last fetch is under 30 s old (a client sending made-up kids
// cannot make the gateway fetch per request).
func TestClientAuthJWKSURI(t *testing.T) {
	idp := &jwksServer{}
	srv := httptest.NewServer(idp)
	defer srv.Close()
	d := startClientAuthDemoWith(t, "jwksUri: http://idp.test/.well-known/jwks.json\n      jwksCluster: idp-jwks",
		map[string]gateway.Cluster{"idp-jwks": {Address: strings.TrimPrefix(srv.URL, "http://")}})
	alice := mint("RS256", "rsa-1", map[string]any{"sub": "alice", "scope": "pets.read"})
	bob := mint("EdDSA", "ed-1", map[string]any{"sub": "bob", "scope": "pets.read inventory.read"})
	stranger := mint("RS256", "attacker", map[string]any{"sub": "mallory", "scope": "inventory.read"})
	var wires []*wire
	t.Cleanup(func() { assertNothingQuoted(t, d, wires, []string{alice, bob, stranger, carolKey}) })

	if len(idp.hits()) != 0 {
		t.Fatalf("the keys were fetched before any JWT needed them")
	}
	wires = append(wires, testScopedCaller(t, d, legacy, alice))
	cs, w, err := session(d.MCPURL, modern, map[string]string{"Authorization": "Bearer " + bob})
	if err != nil {
		t.Fatalf("bob: %v", err)
	}
	wires = append(wires, w)
	if got := toolNames(t, cs); !slices.Equal(got, []string{"list_pets", "get_pet", "store_inventory"}) {
		t.Errorf("bob: tools/list = %v", got)
	}
	hits := idp.hits()
	if len(hits) != 1 || hits[0].Method != http.MethodGet || hits[0].URL.Path != "/.well-known/jwks.json" {
		t.Fatalf("JWKS requests %d, want one GET /.well-known/jwks.json", len(hits))
	}
	for _, h := range credentialHeaders {
		if v := hits[0].Header.Get(h); v != "" {
			t.Errorf("the JWKS request carried %s", h)
		}
	}
	for i := range 2 {
		_, w, err := session(d.MCPURL, legacy, map[string]string{"Authorization": "Bearer " + stranger})
		wires = append(wires, w)
		ex := w.last(t)
		want := `Bearer resource_metadata="` + metadataURL + `", error="invalid_token"`
		if err == nil || ex.status != http.StatusUnauthorized || ex.header.Get("Www-Authenticate") != want {
			t.Errorf("unknown kid #%d: %v %d %q", i+1, err, ex.status, ex.header.Get("Www-Authenticate"))
		}
	}
	if n := len(idp.hits()); n != 1 {
		t.Errorf("JWKS requests after two unknown kids within 30 s of the fetch: %d, want 1", n)
	}
	if want := "wasmcustom.mcp_rest_bridge.reason.unknown_kid.auth_failures: 2\n"; !strings.Contains(stats(t, d, "unknown_kid"), want) {
		t.Errorf("/stats lacks %q", want)
	}
}
