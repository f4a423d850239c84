package clientauth

import (
	"testing"
	"time"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/internal/jwttest"
)

const (
	testIssuer   = "https://idp.example.com"
	testAudience = "https://mcp.example.com/mcp"
)

// testNow is the injected clock of every verification test.
var testNow = time.Date(2026, 12, 7, 21, 0, 0, 0, time.UTC)

func mustKeys(t testing.TB, jwks []byte) *KeySet {
	t.Helper()
	ks, err := ParseJWKS(jwks)
	if err != nil {
		t.Fatalf("ParseJWKS: %v", err)
	}
	return ks
}

func testJWT(t testing.TB) *JWTConfig {
	return &JWTConfig{Issuer: testIssuer, Audiences: []string{"https://other.example.com", testAudience},
		Keys: mustKeys(t, jwttest.JWKS()), ConsumerClaim: "sub", ScopesClaim: "scope"}
}

// claims returns valid claims for alice at testNow, with the given members replaced (a nil
// value deletes the member).
func claims(over map[string]any) map[string]any {
	c := map[string]any{
		"iss": testIssuer, "aud": testAudience, "sub": "alice", "scope": "orders.read orders.write",
		"exp": testNow.Add(5 * time.Minute).Unix(), "iat": testNow.Add(-time.Minute).Unix(),
		"nbf": testNow.Add(-time.Minute).Unix(),
	}
	for k, v := range over {
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
	}
	return c
}
