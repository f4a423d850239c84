package clientauth

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/internal/jwttest"
)

// fixtureJWK returns the fixture JWKS's key kid as a map, to derive variants from.
func fixtureJWK(t *testing.T, kid string) map[string]any {
	t.Helper()
	var doc struct{ Keys []map[string]any }
	if err := json.Unmarshal(jwttest.JWKS(), &doc); err != nil {
		t.Fatal(err)
	}
	for _, k := range doc.Keys {
		if k["kid"] == kid {
			return k
		}
	}
	t.Fatalf("no fixture key %s", kid)
	return nil
}

func jwksOf(t *testing.T, keys ...map[string]any) []byte {
	t.Helper()
	b, err := json.Marshal(map[string]any{"keys": keys})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func with(k map[string]any, kv ...any) map[string]any {
	out := map[string]any{}
	for n, v := range k {
		out[n] = v
	}
	for i := 0; i < len(kv); i += 2 {
		if kv[i+1] == nil {
			delete(out, kv[i].(string))
		} else {
			out[kv[i].(string)] = kv[i+1]
		}
	}
	return out
}

func TestParseJWKS(t *testing.T) {
	rsa1, ec, ed := fixtureJWK(t, "rsa-1"), fixtureJWK(t, "ec-256"), fixtureJWK(t, "ed-1")
	cases := []struct {
		name string
		doc  []byte
		keys int    // usable keys when accepted
		err  string // error text when refused
	}{
		{"fixture", jwttest.JWKS(), 5, ""},
		{"encryption key skipped", jwksOf(t, rsa1, with(ec, "use", "enc")), 1, ""},
		{"key_ops without verify skipped", jwksOf(t, rsa1, with(ec, "key_ops", []string{"encrypt"})), 1, ""},
		{"key_ops with verify kept", jwksOf(t, rsa1, with(ec, "key_ops", []string{"verify"})), 2, ""},
		{"unknown kty skipped", jwksOf(t, rsa1, map[string]any{"kty": "XYZ", "kid": "x"}), 1, ""},
		{"unknown curve skipped", jwksOf(t, rsa1, with(ec, "crv", "P-521")), 1, ""},
		{"X25519 skipped", jwksOf(t, rsa1, with(ed, "crv", "X25519")), 1, ""},
		{"RSA key with alg HS256 skipped", jwksOf(t, rsa1, with(fixtureJWK(t, "rsa-2"), "alg", "HS256")), 1, ""},
		{"EC key with alg RS256 skipped", jwksOf(t, rsa1, with(ec, "alg", "RS256")), 1, ""},
		{"only unusable keys", jwksOf(t, with(ec, "use", "enc")), 0, "jwks: no usable signature verification key"},
		{"empty keys", []byte(`{"keys":[]}`), 0, "jwks: no usable signature verification key"},
		{"no keys member", []byte(`{"kty":"RSA"}`), 0, `jwks: must be an object with a "keys" array`},
		{"keys not an array", []byte(`{"keys":{}}`), 0, `jwks: must be an object with a "keys" array`},
		{"not JSON", []byte(`{"keys":[`), 0, "jwks: not a valid JSON document (syntax error at byte 9)"},
		{"duplicate member", []byte(`{"keys":[],"keys":[]}`), 0, "jwks: not a valid JSON document (duplicate member name at byte 11)"},
		{"too deep", []byte(`{"keys":[[[[[[[[[[]]]]]]]]]]}`), 0, "jwks: not a valid JSON document (nested too deep at byte"},
		{"key not an object", []byte(`{"keys":[1]}`), 0, "jwks: keys[0]: not a JWK object with string members"},
		{"private RSA key", jwksOf(t, with(rsa1, "d", "AAAA")), 0, "jwks: keys[0]: holds private key material"},
		{"symmetric key", jwksOf(t, rsa1, map[string]any{"kty": "oct", "k": "c2VjcmV0"}), 0, "jwks: keys[1]: is a symmetric key (HMAC is refused)"},
		{"duplicate kid", jwksOf(t, rsa1, with(fixtureJWK(t, "rsa-2"), "kid", "rsa-1")), 0, "jwks: keys[1]: same kid as keys[0]"},
		{"short RSA modulus", jwksOf(t, with(rsa1, "n", "AQAB")), 0, "jwks: keys[0]: RSA modulus has 17 bits (accepted: 2048 to 8192)"},
		{"RSA n padded", jwksOf(t, with(rsa1, "n", "AA"+rsa1["n"].(string)[2:])), 0, `jwks: keys[0]: RSA "n" must be`},
		{"RSA e even", jwksOf(t, with(rsa1, "e", "AQAA")), 0, `jwks: keys[0]: RSA "e" must be an odd number`},
		{"RSA e missing", jwksOf(t, with(rsa1, "e", nil)), 0, `jwks: keys[0]: RSA "e" must be a base64url`},
		{"EC x short", jwksOf(t, with(ec, "x", "AQAB")), 0, `jwks: keys[0]: EC P-256 "x" and "y" must be base64url of 32 bytes each`},
		{"EC point off curve", jwksOf(t, with(ec, "y", ec["x"])), 0, "jwks: keys[0]: EC P-256 point is not on the curve"},
		{"Ed25519 x short", jwksOf(t, with(ed, "x", "AQAB")), 0, `jwks: keys[0]: OKP Ed25519 "x" must be base64url of 32 bytes`},
		{"padded base64", jwksOf(t, with(ed, "x", ed["x"].(string)+"=")), 0, `jwks: keys[0]: OKP Ed25519 "x" must be base64url`},
		{"too large", append([]byte(`{"keys":[],"x":"`), append([]byte(strings.Repeat("a", MaxJWKSBytes)), `"}`...)...), 0, "jwks: larger than 65536 bytes"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ks, err := ParseJWKS(tc.doc)
			if tc.err == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				if ks.Len() != tc.keys {
					t.Fatalf("usable keys = %d, want %d", ks.Len(), tc.keys)
				}
				return
			}
			var je *JWKSError
			if !errors.As(err, &je) || !strings.HasPrefix(err.Error(), "clientauth: "+tc.err) {
				t.Fatalf("err = %v, want prefix %q", err, "clientauth: "+tc.err)
			}
		})
	}
}

// TestParseJWKSNeverQuotesKeys: errors name members and indexes, never key material.
func TestParseJWKSNeverQuotesKeys(t *testing.T) {
	rsa1 := fixtureJWK(t, "rsa-1")
	_, err := ParseJWKS(jwksOf(t, with(rsa1, "d", "private-part-f00d")))
	if err == nil || strings.Contains(err.Error(), "f00d") || strings.Contains(err.Error(), rsa1["n"].(string)[:16]) {
		t.Fatalf("err = %v", err)
	}
}
