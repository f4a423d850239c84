package clientauth

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	_ "crypto/sha256" // SHA-256 for RS256, PS256, ES256
	_ "crypto/sha512" // SHA-384 and SHA-512
	"math/big"
)

// alg is one accepted JWS algorithm (RFC 7518 §3, RFC 8037 §3.1).
type alg struct {
	family string
	hash   crypto.Hash // 0 for EdDSA, which signs the message itself
	pss    bool
}

// algs are the only algorithms accepted. "none" and HS256/384/512 are absent on purpose: an
// unsigned token proves nothing, and HMAC with a public key as the secret lets anyone who
// knows the public key sign (the classic RS256-to-HS256 confusion).
var algs = map[string]alg{
	"RS256": {familyRSA, crypto.SHA256, false},
	"RS384": {familyRSA, crypto.SHA384, false},
	"RS512": {familyRSA, crypto.SHA512, false},
	"PS256": {familyRSA, crypto.SHA256, true},
	"PS384": {familyRSA, crypto.SHA384, true},
	"PS512": {familyRSA, crypto.SHA512, true},
	"ES256": {familyEC256, crypto.SHA256, false},
	"ES384": {familyEC384, crypto.SHA384, false},
	"EdDSA": {familyEd25519, 0, false},
}

// familyOf returns the key family an algorithm needs, "" for a refused algorithm.
func familyOf(name string) string { return algs[name].family }

// verify checks sig over signed with pub under a. The key's family was matched to a before.
func (a alg) verify(pub crypto.PublicKey, signed, sig []byte) bool {
	if a.hash == 0 {
		k, ok := pub.(ed25519.PublicKey)
		return ok && ed25519.Verify(k, signed, sig)
	}
	h := a.hash.New()
	h.Write(signed)
	digest := h.Sum(nil)
	switch k := pub.(type) {
	case *rsa.PublicKey:
		if a.pss {
			return rsa.VerifyPSS(k, a.hash, digest, sig, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash}) == nil
		}
		return rsa.VerifyPKCS1v15(k, a.hash, digest, sig) == nil
	case *ecdsa.PublicKey:
		// JWS ECDSA signatures are R || S, each the curve's size (RFC 7518 §3.4), not ASN.1.
		size := (k.Curve.Params().BitSize + 7) / 8
		if len(sig) != 2*size {
			return false
		}
		r, s := new(big.Int).SetBytes(sig[:size]), new(big.Int).SetBytes(sig[size:])
		return ecdsa.Verify(k, digest, r, s)
	}
	return false
}
