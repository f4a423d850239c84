package clientauth

import (
	"testing"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/internal/jwttest"
)

// BenchmarkAuthenticate: the per-request cost of each credential kind (native; the .wasm is
// slower by the usual factor).
func BenchmarkAuthenticate(b *testing.B) {
	a := NewAuthenticator(Config{Required: true, JWT: testJWT(b),
		APIKeys: []APIKey{{Consumer: "carol", Key: carolKey}, {Consumer: "dave", Key: daveKey}}})
	cases := []struct{ name, value string }{
		{"api key", "Bearer " + carolKey},
		{"RS256", "Bearer " + jwttest.Sign("RS256", "rsa-1", "rsa-1", claims(nil))},
		{"PS256", "Bearer " + jwttest.Sign("PS256", "rsa-1", "rsa-1", claims(nil))},
		{"ES256", "Bearer " + jwttest.Sign("ES256", "ec-256", "ec-256", claims(nil))},
		{"EdDSA", "Bearer " + jwttest.Sign("EdDSA", "ed-1", "ed-1", claims(nil))},
	}
	for _, c := range cases {
		h := [][2]string{{"authorization", c.value}}
		b.Run(c.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, err := a.Authenticate(h, testNow); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
