package clientauth

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/jsonscan"
)

// Limits of a presented JWT.
const (
	MaxTokenBytes = 16 << 10
	maxTokenDepth = 16
	// Leeway is the clock skew tolerated on exp, nbf and iat: small, because a token that
	// expired a minute ago must not work for long.
	Leeway = 30 * time.Second
)

// JWTConfig is bridge.clientAuth.jwt, compiled.
type JWTConfig struct {
	Issuer        string
	Audiences     []string
	Keys          *KeySet // nil when the keys come from JWKSURI (AuthenticateWith gives them)
	JWKSURI       string  // jwksUri: fetched by the plugin (pkg/jwks); "" with inline keys
	JWKSCluster   string  // the cluster JWKSURI is fetched through
	ConsumerClaim string  // default "sub"
	ScopesClaim   string  // default "scope"
}

// header is the JOSE header members this package reads. crit is read to refuse it: no
// extension is understood. jku, x5u and jwk are never used to find a key: only the
// configured JWKS is trusted.
type header struct {
	Alg  string           `json:"alg"`
	Kid  *string          `json:"kid"`
	Crit *json.RawMessage `json:"crit"`
}

// VerifyJWT verifies a compact JWS token against c at now and returns the caller it names.
// The signature is checked before any claim is read.
func (c *JWTConfig) VerifyJWT(token string, now time.Time) (Identity, error) {
	return c.verifyWith(token, now, c.Keys)
}

// verifyWith verifies against keys; nil keys make a token that gets as far as key selection
// a *KeysNeededError (the plugin fetches the JWKS and tries again).
func (c *JWTConfig) verifyWith(token string, now time.Time, keys *KeySet) (Identity, error) {
	if len(token) > MaxTokenBytes {
		return Identity{}, invalid(ReasonMalformed, "token is too large")
	}
	p1 := strings.IndexByte(token, '.')
	p2 := strings.LastIndexByte(token, '.')
	if p1 < 0 || p1 == p2 {
		return Identity{}, invalid(ReasonMalformed, "token is not a JWT (three base64url parts)")
	}
	var h header
	if err := decodePart(token[:p1], &h); err != nil {
		return Identity{}, invalid(ReasonMalformed, "token header is not a base64url JSON object")
	}
	a, key, err := selectKey(&h, keys)
	if err != nil {
		return Identity{}, err
	}
	sig, err := b64.DecodeString(token[p2+1:])
	if err != nil || !a.verify(key.pub, []byte(token[:p2]), sig) {
		return Identity{}, invalid(ReasonBadSignature, "token signature does not verify")
	}
	var claims map[string]json.RawMessage
	if err := decodePart(token[p1+1:p2], &claims); err != nil {
		return Identity{}, invalid(ReasonMalformed, "token payload is not a base64url JSON object")
	}
	return c.checkClaims(claims, now)
}

// decodePart decodes one base64url part holding a JSON object into v. Duplicate member names
// are refused: two "alg" or two "aud" members would be read differently by different parsers.
func decodePart(part string, v any) error {
	raw, err := b64.DecodeString(part)
	if err != nil {
		return err
	}
	if r := jsonscan.Message(raw, jsonscan.Limits{Envelope: maxTokenDepth, Arguments: maxTokenDepth}); r.Err != nil {
		return r.Err
	}
	if len(raw) == 0 || raw[0] != '{' {
		return errNotObject
	}
	return json.Unmarshal(raw, v)
}

var errNotObject = &json.UnsupportedValueError{Str: "not an object"}

// selectKey refuses the algorithms this package never accepts, then finds the key: by kid,
// or without a kid only when exactly one usable key exists.
func selectKey(h *header, keys *KeySet) (alg, Key, error) {
	if h.Crit != nil {
		return alg{}, Key{}, invalid(ReasonMalformed, "token header has crit extensions, none is supported")
	}
	a, ok := algs[h.Alg]
	if !ok {
		return alg{}, Key{}, invalid(ReasonAlgRefused, "token alg is refused (accepted: RS256/384/512, PS256/384/512, ES256, ES384, EdDSA)")
	}
	if keys == nil {
		return alg{}, Key{}, &KeysNeededError{}
	}
	var key Key
	switch {
	case h.Kid != nil:
		found := false
		for _, k := range keys.keys {
			if k.ID == *h.Kid {
				key, found = k, true
				break
			}
		}
		if !found {
			return alg{}, Key{}, invalid(ReasonUnknownKID, "token kid names no key of the JWKS")
		}
	case len(keys.keys) == 1:
		key = keys.keys[0]
	default:
		return alg{}, Key{}, invalid(ReasonUnknownKID, "token has no kid and the JWKS has more than one key")
	}
	if key.family != a.family || key.Alg != "" && key.Alg != h.Alg {
		return alg{}, Key{}, invalid(ReasonAlgRefused, "token alg does not match its key")
	}
	return a, key, nil
}
