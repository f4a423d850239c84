//go:build ignore

// Command gen writes the JWT test key fixtures: one PKCS#8 PEM private key per key name, and
// the public JWKS documents the tests configure. Run from internal/jwttest:
//
//	go run testdata/gen/main.go
//
// The keys are test fixtures only; they protect nothing.
package main

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"log"
	"math/big"
	"os"
	"path/filepath"
)

type key struct {
	name, kid, alg string
	inJWKS         bool
	gen            func() (crypto.Signer, error)
}

func rsaKey() (crypto.Signer, error) { return rsa.GenerateKey(rand.Reader, 2048) }

var keys = []key{
	{"rsa-1", "rsa-1", "", true, rsaKey},
	{"rsa-2", "rsa-2", "RS256", true, rsaKey},
	{"ec-256", "ec-256", "ES256", true, func() (crypto.Signer, error) { return ecdsa.GenerateKey(elliptic.P256(), rand.Reader) }},
	{"ec-384", "ec-384", "", true, func() (crypto.Signer, error) { return ecdsa.GenerateKey(elliptic.P384(), rand.Reader) }},
	{"ed-1", "ed-1", "EdDSA", true, func() (crypto.Signer, error) {
		_, k, err := ed25519.GenerateKey(rand.Reader)
		return k, err
	}},
	// attacker: not in any JWKS; tokens signed with it must fail with bad_signature.
	{"attacker", "", "", false, rsaKey},
}

func main() {
	var all []map[string]string
	for _, k := range keys {
		s, err := k.gen()
		if err != nil {
			log.Fatal(err)
		}
		der, err := x509.MarshalPKCS8PrivateKey(s)
		if err != nil {
			log.Fatal(err)
		}
		pemBytes := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
		if err := os.WriteFile(filepath.Join("testdata", k.name+".pem"), pemBytes, 0o644); err != nil {
			log.Fatal(err)
		}
		if k.inJWKS {
			all = append(all, jwk(s.Public(), k.kid, k.alg))
		}
	}
	write("jwks.json", all)
	write("jwks-single.json", all[:1])
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

func pad(n *big.Int, size int) []byte { return n.FillBytes(make([]byte, size)) }

func jwk(pub crypto.PublicKey, kid, alg string) map[string]string {
	m := map[string]string{"kid": kid, "use": "sig"}
	if alg != "" {
		m["alg"] = alg
	}
	switch p := pub.(type) {
	case *rsa.PublicKey:
		m["kty"], m["n"], m["e"] = "RSA", b64(p.N.Bytes()), b64(big.NewInt(int64(p.E)).Bytes())
	case *ecdsa.PublicKey:
		size := (p.Curve.Params().BitSize + 7) / 8
		m["kty"], m["crv"] = "EC", p.Curve.Params().Name
		m["x"], m["y"] = b64(pad(p.X, size)), b64(pad(p.Y, size))
	case ed25519.PublicKey:
		m["kty"], m["crv"], m["x"] = "OKP", "Ed25519", b64(p)
	}
	return m
}

func write(name string, keys []map[string]string) {
	b, err := json.MarshalIndent(map[string]any{"keys": keys}, "", "  ")
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join("testdata", name), append(b, '\n'), 0o644); err != nil {
		log.Fatal(err)
	}
}
