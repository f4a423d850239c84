package clientauth

import (
	"errors"
	"testing"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/internal/jwttest"
)

// A jwksUri config holds no keys: AuthenticateWith takes the fetched set.
func TestAuthenticateWithFetchedKeys(t *testing.T) {
	c := testJWT(t)
	keys := c.Keys
	c.Keys, c.JWKSURI, c.JWKSCluster = nil, "https://idp.example.com/jwks", "outbound|443||idp.example.com"
	a := NewAuthenticator(Config{Required: true, JWT: c, APIKeys: []APIKey{{Consumer: "carol", Key: "carol-key-0123456789"}}})
	if u, cl := a.JWKSURI(); u != c.JWKSURI || cl != c.JWKSCluster {
		t.Fatalf("JWKSURI() = %q %q", u, cl)
	}
	tok := jwttest.Sign("RS256", "rsa-1", "rsa-1", claims(nil))
	bearer := [][2]string{{"authorization", "Bearer " + tok}}

	var need *KeysNeededError
	if _, err := a.Authenticate(bearer, testNow); !errors.As(err, &need) {
		t.Fatalf("without keys: %v, want *KeysNeededError", err)
	}
	if ans := Challenge(nil, need); ans.Status != 503 || ans.WWWAuthenticate != "" || ans.Reason != ReasonKeysUnavailable ||
		string(ans.Body) != `{"error":"Service Unavailable","message":"the keys to verify tokens could not be obtained from the issuer; try again later"}` {
		t.Fatalf("challenge: %+v %s", ans, ans.Body)
	}
	id, err := a.AuthenticateWith(bearer, testNow, keys)
	if err != nil || id.Consumer != "alice" || id.Kind != KindJWT {
		t.Fatalf("with keys: %+v %v", id, err)
	}
	// Inline keys are used when no fetched set is given.
	inline := NewAuthenticator(Config{Required: true, JWT: testJWT(t)})
	if id, err := inline.AuthenticateWith(bearer, testNow, nil); err != nil || id.Consumer != "alice" {
		t.Fatalf("inline: %+v %v", id, err)
	}
	// What is refused before any key is needed never waits for a fetch.
	for _, h := range [][][2]string{
		{{"x-api-key", "carol-key-0123456789"}},
		{{"authorization", "Bearer " + jwttest.Token(map[string]string{"alg": "HS256", "kid": "rsa-1"}, claims(nil), jwttest.HS256([]byte("k")))}},
		{{"authorization", "Bearer a.b"}},
		nil,
	} {
		if _, err := a.AuthenticateWith(h, testNow, nil); errors.As(err, &need) {
			t.Fatalf("%v: asked for keys", h)
		}
	}
}
