package clientauth

import (
	"errors"
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
		if !jwtMessages[it.Msg] || err.Error() != "clientauth: "+string(it.Why)+": "+it.Msg {
			t.Fatalf("error text is not one of the fixed messages (it may quote the token): %v", err)
		}
	})
}

// jwtMessages are every message VerifyJWT may return with the test config (consumerClaim sub,
// scopesClaim scope): fixed texts, so no error can carry any part of a token.
var jwtMessages = map[string]bool{
	"token is too large":                                                                 true,
	"token is not a JWT (three base64url parts)":                                         true,
	"token header is not a base64url JSON object":                                        true,
	"token signature does not verify":                                                    true,
	"token payload is not a base64url JSON object":                                       true,
	"token header has crit extensions, none is supported":                                true,
	"token alg is refused (accepted: RS256/384/512, PS256/384/512, ES256, ES384, EdDSA)": true,
	"token kid names no key of the JWKS":                                                 true,
	"token has no kid and the JWKS has more than one key":                                true,
	"token alg does not match its key":                                                   true,
	"token iss is not the configured issuer":                                             true,
	"token aud names none of the configured audiences":                                   true,
	"token has no sub claim (a non-empty string)":                                        true,
	"token claim scope must be a space-separated string or an array of strings":          true,
	"token has no exp claim":                                                             true,
	"token has expired":                                                                  true,
	"token is not valid yet (nbf is in the future)":                                      true,
	"token is not valid yet (iat is in the future)":                                      true,
	"token claim exp must be a number of seconds":                                        true,
	"token claim nbf must be a number of seconds":                                        true,
	"token claim iat must be a number of seconds":                                        true,
}
