package clientauth

import (
	"errors"
	"strings"
	"testing"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/internal/jwttest"
)

// FuzzParseJWKS: any document is parsed or refused with a *JWKSError, never a panic, and an
// accepted set always has a usable key.
func FuzzParseJWKS(f *testing.F) {
	f.Add(jwttest.JWKS())
	f.Add(jwttest.SingleJWKS())
	f.Add([]byte(`{"keys":[{"kty":"EC","crv":"P-256","x":"","y":""}]}`))
	f.Add([]byte(`{"keys":[{"kty":"RSA","n":"AQAB","e":"AQAB"}]}`))
	f.Add([]byte(`{"keys":[{"kty":"oct","k":"c2VjcmV0"}]}`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		ks, err := ParseJWKS(doc)
		if err != nil {
			var je *JWKSError
			if !errors.As(err, &je) {
				t.Fatalf("error of type %T", err)
			}
			return
		}
		if ks.Len() == 0 {
			t.Fatal("accepted a set without usable keys")
		}
	})
}

// FuzzVerifyJWT: any presented token is refused with an *InvalidTokenError that does not
// quote it (the fuzzer cannot forge a signature), never a panic.
func FuzzVerifyJWT(f *testing.F) {
	good := jwttest.Sign("RS256", "rsa-1", "rsa-1", claims(nil))
	f.Add(good[:len(good)-4] + "AAAA")
	f.Add(jwttest.Token(`{"alg":"none"}`, `{}`, jwttest.NoSignature))
	f.Add(jwttest.Token(`{"alg":"HS256","kid":"rsa-1"}`, claims(nil), jwttest.HS256(jwttest.PublicPEM("rsa-1"))))
	f.Add(jwttest.Token(`{"alg":"ES256","kid":"ec-256"}`, `{"exp":1e400}`, jwttest.NoSignature))
	f.Add("a.b.c")
	f.Add("..")
	c := testJWT(f)
	f.Fuzz(func(t *testing.T, tok string) {
		id, err := c.VerifyJWT(tok, testNow)
		if err == nil {
			if tok != good {
				t.Fatalf("forged token accepted: %+v", id)
			}
			return
		}
		var it *InvalidTokenError
		if !errors.As(err, &it) {
			t.Fatalf("error of type %T", err)
		}
		if len(tok) >= 12 && strings.Contains(err.Error(), tok) {
			t.Fatalf("error quotes the token: %v", err)
		}
	})
}
