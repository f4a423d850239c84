package clientauth

import (
	"crypto"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/jsonscan"
)

// Limits of a JWKS document. A real IdP publishes a handful of keys.
const (
	MaxJWKSBytes  = 64 << 10
	MaxJWKSKeys   = 64
	minRSABits    = 2048
	maxRSABits    = 8192
	maxJWKSDepth  = 8
	maxRSAExp     = 1<<31 - 1
	verifyKeyOp   = "verify"
	signatureUse  = "sig"
	familyRSA     = "RSA"
	familyEC256   = "EC/P-256"
	familyEC384   = "EC/P-384"
	familyEd25519 = "OKP/Ed25519"
)

// Key is one usable verification key of a JWKS.
type Key struct {
	ID     string // kid, "" when the JWK has none
	Alg    string // the JWK's alg, "" when unrestricted
	family string // familyRSA, familyEC256, ...
	pub    crypto.PublicKey
}

// KeySet is a parsed JWKS: only the keys this package can use for signature verification.
// Keys for encryption (use: enc), without "verify" in key_ops, of an unknown type or curve, or
// with an algorithm this package refuses are left out, as RFC 7517 §5 allows.
type KeySet struct {
	keys []Key
}

// Len returns the number of usable keys.
func (s *KeySet) Len() int { return len(s.keys) }

// JWKSError says why a JWKS document was refused. It names JWKS members and key indexes,
// never key material.
type JWKSError struct{ Msg string }

func (e *JWKSError) Error() string { return "clientauth: jwks: " + e.Msg }

func jwksErr(format string, args ...any) error { return &JWKSError{Msg: fmt.Sprintf(format, args...)} }

type jwk struct {
	Kty    string   `json:"kty"`
	Kid    string   `json:"kid"`
	Use    string   `json:"use"`
	Alg    string   `json:"alg"`
	KeyOps []string `json:"key_ops"`
	N      string   `json:"n"`
	E      string   `json:"e"`
	Crv    string   `json:"crv"`
	X      string   `json:"x"`
	Y      string   `json:"y"`
	D      *string  `json:"d"`
	P      *string  `json:"p"`
	K      *string  `json:"k"`
}

// ParseJWKS parses a JWK Set (RFC 7517 §5) and keeps its usable signature verification keys.
// A document holding a private or symmetric key, malformed material for a supported key type,
// or two usable keys with one kid is refused; so is a set without any usable key.
func ParseJWKS(data []byte) (*KeySet, error) {
	if len(data) > MaxJWKSBytes {
		return nil, jwksErr("larger than %d bytes", MaxJWKSBytes)
	}
	if r := jsonscan.Message(data, jsonscan.Limits{Envelope: maxJWKSDepth, Arguments: maxJWKSDepth}); r.Err != nil {
		return nil, jwksErr("not a valid JSON document (%s at byte %d)", kindText(r.Err.Kind), r.Err.Offset)
	}
	var doc struct {
		Keys *[]json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal(data, &doc); err != nil || doc.Keys == nil {
		return nil, jwksErr(`must be an object with a "keys" array`)
	}
	if len(*doc.Keys) > MaxJWKSKeys {
		return nil, jwksErr("more than %d keys", MaxJWKSKeys)
	}
	set := &KeySet{}
	seen := map[string]int{}
	for i, raw := range *doc.Keys {
		var j jwk
		if err := json.Unmarshal(raw, &j); err != nil {
			return nil, jwksErr("keys[%d]: not a JWK object with string members", i)
		}
		k, ok, err := parseJWK(&j)
		if err != nil {
			return nil, jwksErr("keys[%d]: %v", i, err)
		}
		if !ok {
			continue
		}
		if k.ID != "" {
			if first, dup := seen[k.ID]; dup {
				return nil, jwksErr("keys[%d]: same kid as keys[%d]", i, first)
			}
			seen[k.ID] = i
		}
		set.keys = append(set.keys, k)
	}
	if len(set.keys) == 0 {
		return nil, jwksErr("no usable signature verification key (RSA >= 2048 bits, EC P-256/P-384, OKP Ed25519)")
	}
	return set, nil
}

func kindText(k jsonscan.Kind) string {
	switch k {
	case jsonscan.KindDepth:
		return "nested too deep"
	case jsonscan.KindDuplicate:
		return "duplicate member name"
	case jsonscan.KindUTF8:
		return "invalid UTF-8"
	}
	return "syntax error"
}

// parseJWK returns the key, or ok=false for a key that is not for signature verification or
// of a type this package does not verify with.
func parseJWK(j *jwk) (Key, bool, error) {
	if j.D != nil || j.P != nil {
		return Key{}, false, errors.New("holds private key material (publish only public keys)")
	}
	if j.K != nil || j.Kty == "oct" {
		return Key{}, false, errors.New("is a symmetric key (HMAC is refused)")
	}
	if j.Use != "" && j.Use != signatureUse || !allowsVerify(j.KeyOps) {
		return Key{}, false, nil
	}
	k := Key{ID: j.Kid, Alg: j.Alg}
	var err error
	switch {
	case j.Kty == "RSA":
		k.family = familyRSA
		k.pub, err = rsaKey(j.N, j.E)
	case j.Kty == "EC" && (j.Crv == "P-256" || j.Crv == "P-384"):
		k.family = "EC/" + j.Crv
		k.pub, err = ecKey(j.Crv, j.X, j.Y)
	case j.Kty == "OKP" && j.Crv == "Ed25519":
		k.family = familyEd25519
		k.pub, err = edKey(j.X)
	default:
		return Key{}, false, nil
	}
	if err != nil {
		return Key{}, false, err
	}
	if j.Alg != "" && familyOf(j.Alg) != k.family {
		// An alg this package refuses (HS256, none) or one of another key type: never usable.
		return Key{}, false, nil
	}
	return k, true, nil
}

func allowsVerify(ops []string) bool {
	if ops == nil {
		return true
	}
	for _, op := range ops {
		if op == verifyKeyOp {
			return true
		}
	}
	return false
}

// b64 decodes base64url without padding (RFC 7515 §2), strictly.
var b64 = base64.RawURLEncoding.Strict()

func rsaKey(n64, e64 string) (crypto.PublicKey, error) {
	n, err := b64.DecodeString(n64)
	if err != nil || len(n) == 0 || n[0] == 0 {
		return nil, errors.New(`RSA "n" must be a base64url unsigned integer without leading zeros`)
	}
	bits := new(big.Int).SetBytes(n).BitLen()
	if bits < minRSABits || bits > maxRSABits {
		return nil, fmt.Errorf("RSA modulus has %d bits (accepted: %d to %d)", bits, minRSABits, maxRSABits)
	}
	e, err := b64.DecodeString(e64)
	if err != nil || len(e) == 0 || len(e) > 4 || e[0] == 0 {
		return nil, errors.New(`RSA "e" must be a base64url unsigned integer of at most 4 bytes`)
	}
	ev := new(big.Int).SetBytes(e).Int64()
	if ev < 3 || ev > maxRSAExp || ev%2 == 0 {
		return nil, errors.New(`RSA "e" must be an odd number from 3 to 2^31-1`)
	}
	return &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(ev)}, nil
}

func ecKey(crv, x64, y64 string) (crypto.PublicKey, error) {
	curve, size, ec := elliptic.P256(), 32, ecdh.P256()
	if crv == "P-384" {
		curve, size, ec = elliptic.P384(), 48, ecdh.P384()
	}
	x, errX := b64.DecodeString(x64)
	y, errY := b64.DecodeString(y64)
	if errX != nil || errY != nil || len(x) != size || len(y) != size {
		return nil, fmt.Errorf(`EC %s "x" and "y" must be base64url of %d bytes each`, crv, size)
	}
	point := append(append([]byte{4}, x...), y...)
	if _, err := ec.NewPublicKey(point); err != nil {
		return nil, fmt.Errorf("EC %s point is not on the curve", crv)
	}
	return &ecdsa.PublicKey{Curve: curve, X: new(big.Int).SetBytes(x), Y: new(big.Int).SetBytes(y)}, nil
}

func edKey(x64 string) (crypto.PublicKey, error) {
	x, err := b64.DecodeString(x64)
	if err != nil || len(x) != ed25519.PublicKeySize {
		return nil, fmt.Errorf(`OKP Ed25519 "x" must be base64url of %d bytes`, ed25519.PublicKeySize)
	}
	return ed25519.PublicKey(x), nil
}
