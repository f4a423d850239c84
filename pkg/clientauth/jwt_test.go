package clientauth

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/internal/jwttest"
)

func TestVerifyJWT(t *testing.T) {
	valid := claims(nil)
	rsaPEM := jwttest.PublicPEM("rsa-1")
	cases := []struct {
		name   string
		token  string
		reason Reason // "" = accepted
		scopes []string
	}{
		{"RS256", jwttest.Sign("RS256", "rsa-1", "rsa-1", valid), "", []string{"orders.read", "orders.write"}},
		{"RS384", jwttest.Sign("RS384", "rsa-1", "rsa-1", valid), "", []string{"orders.read", "orders.write"}},
		{"RS512", jwttest.Sign("RS512", "rsa-1", "rsa-1", valid), "", []string{"orders.read", "orders.write"}},
		{"PS256", jwttest.Sign("PS256", "rsa-1", "rsa-1", valid), "", []string{"orders.read", "orders.write"}},
		{"PS384", jwttest.Sign("PS384", "rsa-1", "rsa-1", valid), "", []string{"orders.read", "orders.write"}},
		{"PS512", jwttest.Sign("PS512", "rsa-1", "rsa-1", valid), "", []string{"orders.read", "orders.write"}},
		{"ES256", jwttest.Sign("ES256", "ec-256", "ec-256", valid), "", []string{"orders.read", "orders.write"}},
		{"ES384", jwttest.Sign("ES384", "ec-384", "ec-384", valid), "", []string{"orders.read", "orders.write"}},
		{"EdDSA", jwttest.Sign("EdDSA", "ed-1", "ed-1", valid), "", []string{"orders.read", "orders.write"}},
		{"aud array", jwttest.Sign("RS256", "rsa-1", "rsa-1", claims(map[string]any{"aud": []string{"x", testAudience}})), "", []string{"orders.read", "orders.write"}},
		{"scope array", jwttest.Sign("RS256", "rsa-1", "rsa-1", claims(map[string]any{"scope": []string{"a", "b"}})), "", []string{"a", "b"}},
		{"no scope", jwttest.Sign("RS256", "rsa-1", "rsa-1", claims(map[string]any{"scope": nil})), "", nil},
		{"expired within leeway", jwttest.Sign("RS256", "rsa-1", "rsa-1", claims(map[string]any{"exp": testNow.Add(-20 * time.Second).Unix()})), "", []string{"orders.read", "orders.write"}},
		{"nbf within leeway", jwttest.Sign("RS256", "rsa-1", "rsa-1", claims(map[string]any{"nbf": testNow.Add(20 * time.Second).Unix()})), "", []string{"orders.read", "orders.write"}},

		{"expired", jwttest.Sign("RS256", "rsa-1", "rsa-1", claims(map[string]any{"exp": testNow.Add(-31 * time.Second).Unix()})), ReasonExpired, nil},
		{"no exp", jwttest.Sign("RS256", "rsa-1", "rsa-1", claims(map[string]any{"exp": nil})), ReasonMalformed, nil},
		{"exp a string", jwttest.Sign("RS256", "rsa-1", "rsa-1", claims(map[string]any{"exp": "tomorrow"})), ReasonMalformed, nil},
		{"not yet valid", jwttest.Sign("RS256", "rsa-1", "rsa-1", claims(map[string]any{"nbf": testNow.Add(2 * time.Minute).Unix()})), ReasonNotYetValid, nil},
		{"issued in the future", jwttest.Sign("RS256", "rsa-1", "rsa-1", claims(map[string]any{"iat": testNow.Add(2 * time.Minute).Unix()})), ReasonNotYetValid, nil},
		{"wrong issuer", jwttest.Sign("RS256", "rsa-1", "rsa-1", claims(map[string]any{"iss": "https://evil.example.com"})), ReasonBadIssuer, nil},
		{"no issuer", jwttest.Sign("RS256", "rsa-1", "rsa-1", claims(map[string]any{"iss": nil})), ReasonBadIssuer, nil},
		{"wrong audience", jwttest.Sign("RS256", "rsa-1", "rsa-1", claims(map[string]any{"aud": "https://mcp.example.com"})), ReasonBadAudience, nil},
		{"audience array without ours", jwttest.Sign("RS256", "rsa-1", "rsa-1", claims(map[string]any{"aud": []string{"a", "b"}})), ReasonBadAudience, nil},
		{"no audience", jwttest.Sign("RS256", "rsa-1", "rsa-1", claims(map[string]any{"aud": nil})), ReasonBadAudience, nil},
		{"no consumer", jwttest.Sign("RS256", "rsa-1", "rsa-1", claims(map[string]any{"sub": nil})), ReasonMalformed, nil},
		{"consumer a number", jwttest.Sign("RS256", "rsa-1", "rsa-1", claims(map[string]any{"sub": 7})), ReasonMalformed, nil},
		{"scope an object", jwttest.Sign("RS256", "rsa-1", "rsa-1", claims(map[string]any{"scope": map[string]any{}})), ReasonMalformed, nil},
		{"signed by another key", jwttest.Sign("RS256", "rsa-1", "attacker", valid), ReasonBadSignature, nil},
		{"key of another kid", jwttest.Sign("RS256", "rsa-1", "rsa-2", valid), ReasonBadSignature, nil},
		{"unknown kid", jwttest.Sign("RS256", "rsa-9", "rsa-1", valid), ReasonUnknownKID, nil},
		{"no kid, several keys", jwttest.Sign("RS256", "", "rsa-1", valid), ReasonUnknownKID, nil},
		{"alg none", jwttest.Token(`{"alg":"none","kid":"rsa-1"}`, valid, jwttest.NoSignature), ReasonAlgRefused, nil},
		{"alg None", jwttest.Token(`{"alg":"None"}`, valid, jwttest.NoSignature), ReasonAlgRefused, nil},
		{"HS256 with the public key", jwttest.Token(`{"alg":"HS256","kid":"rsa-1"}`, valid, jwttest.HS256(rsaPEM)), ReasonAlgRefused, nil},
		{"HS512", jwttest.Token(`{"alg":"HS512","kid":"rsa-1"}`, valid, jwttest.HS256(rsaPEM)), ReasonAlgRefused, nil},
		{"ES256 header on an RSA key", jwttest.Token(`{"alg":"ES256","kid":"rsa-1"}`, valid, jwttest.Signer("ES256", "ec-256")), ReasonAlgRefused, nil},
		{"PS256 on a key restricted to RS256", jwttest.Sign("PS256", "rsa-2", "rsa-2", valid), ReasonAlgRefused, nil},
		{"ES384 on a P-256 key", jwttest.Token(`{"alg":"ES384","kid":"ec-256"}`, valid, jwttest.Signer("ES384", "ec-384")), ReasonAlgRefused, nil},
		{"crit", jwttest.Token(`{"alg":"RS256","kid":"rsa-1","crit":["b64"],"b64":false}`, valid, jwttest.Signer("RS256", "rsa-1")), ReasonMalformed, nil},
		{"duplicate alg", jwttest.Token(`{"alg":"none","alg":"RS256","kid":"rsa-1"}`, valid, jwttest.Signer("RS256", "rsa-1")), ReasonMalformed, nil},
		{"duplicate aud", jwttest.Token(`{"alg":"RS256","kid":"rsa-1"}`, `{"aud":"x","aud":"`+testAudience+`"}`, jwttest.Signer("RS256", "rsa-1")), ReasonMalformed, nil},
		{"payload not an object", jwttest.Token(`{"alg":"RS256","kid":"rsa-1"}`, `[1]`, jwttest.Signer("RS256", "rsa-1")), ReasonMalformed, nil},
		{"two parts", "eyJhbGciOiJSUzI1NiJ9.e30", ReasonMalformed, nil},
		{"four parts", "a.b.c.d", ReasonMalformed, nil},
		{"not base64", "!!.??.**", ReasonMalformed, nil},
		{"padded signature", jwttest.Sign("RS256", "rsa-1", "rsa-1", valid) + "=", ReasonBadSignature, nil},
		{"too large", strings.Repeat("a", MaxTokenBytes+1), ReasonMalformed, nil},
	}
	c := testJWT(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			id, err := c.VerifyJWT(tc.token, testNow)
			if tc.reason == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				want := Identity{Consumer: "alice", Scopes: tc.scopes, Kind: KindJWT}
				if !reflect.DeepEqual(id, want) {
					t.Fatalf("identity = %+v, want %+v", id, want)
				}
				return
			}
			var it *InvalidTokenError
			if !errors.As(err, &it) || it.Why != tc.reason {
				t.Fatalf("err = %v, want reason %s", err, tc.reason)
			}
			if strings.Contains(err.Error(), tc.token) || len(tc.token) > 20 && strings.Contains(err.Error(), tc.token[len(tc.token)-20:]) {
				t.Fatalf("error quotes the token: %v", err)
			}
		})
	}
}

func TestVerifyJWTNoKidSingleKey(t *testing.T) {
	c := testJWT(t)
	c.Keys = mustKeys(t, jwttest.SingleJWKS())
	id, err := c.VerifyJWT(jwttest.Sign("RS256", "", "rsa-1", claims(nil)), testNow)
	if err != nil || id.Consumer != "alice" {
		t.Fatalf("no-kid token with one key: %+v, %v", id, err)
	}
	_, err = c.VerifyJWT(jwttest.Sign("RS256", "", "attacker", claims(nil)), testNow)
	if r, _, _ := AsAuthError(err); r != ReasonBadSignature {
		t.Fatalf("attacker no-kid token: %v", err)
	}
}

func TestVerifyJWTClaimNames(t *testing.T) {
	c := testJWT(t)
	c.ConsumerClaim, c.ScopesClaim = "https://example.com/consumer", "scp"
	tok := jwttest.Sign("ES256", "ec-256", "ec-256", claims(map[string]any{"https://example.com/consumer": "carol", "scp": []string{"x"}}))
	id, err := c.VerifyJWT(tok, testNow)
	if err != nil || !reflect.DeepEqual(id, Identity{Consumer: "carol", Scopes: []string{"x"}, Kind: KindJWT}) {
		t.Fatalf("got %+v, %v", id, err)
	}
}
