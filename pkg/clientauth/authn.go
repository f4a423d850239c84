package clientauth

import (
	"crypto/sha256"
	"errors"
	"strings"
	"time"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/internal/httpsyntax"
)

// Kind is how a caller was authenticated; it is the credential *source* that logs may name.
type Kind uint8

const (
	KindAnonymous     Kind = iota // no credential (only when authentication is not required)
	KindAPIKey                    // an apiKeys entry
	KindJWT                       // a JWT verified against the JWKS
	KindTrustedHeader             // trustedConsumerHeader, set by an earlier filter
)

func (k Kind) String() string {
	switch k {
	case KindAPIKey:
		return "api_key"
	case KindJWT:
		return "jwt"
	case KindTrustedHeader:
		return "trusted_header"
	}
	return "anonymous"
}

// Identity is the authenticated caller of one request.
type Identity struct {
	Consumer string   // "" for an anonymous caller
	Scopes   []string // JWT scopes; API keys and the trusted header carry none
	Kind     Kind
}

// Authenticated reports whether a credential proved the caller.
func (id Identity) Authenticated() bool { return id.Kind != KindAnonymous }

// HasScope reports whether the caller holds scope.
func (id Identity) HasScope(scope string) bool {
	for _, s := range id.Scopes {
		if s == scope {
			return true
		}
	}
	return false
}

// Config is bridge.clientAuth, resolved.
type Config struct {
	Required              bool
	APIKeys               []APIKey
	JWT                   *JWTConfig // nil: JWTs are not accepted
	TrustedConsumerHeader string     // lower case; "" when not configured
}

// Authenticator authenticates requests. It is immutable and safe for concurrent use.
type Authenticator struct {
	required bool
	keys     []keyDigest
	jwt      *JWTConfig
	trusted  string
}

// Header names of the credentials the gateway reads.
const (
	HeaderAuthorization = "authorization"
	HeaderAPIKey        = "x-api-key"
)

// NewAuthenticator compiles c. Keys are kept as digests only.
func NewAuthenticator(c Config) *Authenticator {
	a := &Authenticator{required: c.Required, jwt: c.JWT, trusted: c.TrustedConsumerHeader}
	for _, k := range c.APIKeys {
		a.keys = append(a.keys, keyDigest{consumer: k.Consumer, sum: sha256.Sum256([]byte(k.Key))})
	}
	return a
}

// JWKSURI returns jwt.jwksUri and its cluster ("" when JWTs are not accepted or the JWKS is
// inline).
func (a *Authenticator) JWKSURI() (uri, cluster string) {
	if a.jwt == nil {
		return "", ""
	}
	return a.jwt.JWKSURI, a.jwt.JWKSCluster
}

// Required reports whether every request must authenticate.
func (a *Authenticator) Required() bool { return a.required }

// TrustedHeader returns the trusted consumer header name ("" when not configured).
func (a *Authenticator) TrustedHeader() string { return a.trusted }

// Carries reports whether header (lower case) is one the gateway reads its own credential
// from: such a header never goes upstream as the gateway's credential.
func (a *Authenticator) Carries(header string) bool {
	return header == HeaderAuthorization || header == HeaderAPIKey || a.trusted != "" && header == a.trusted
}

var errTwoCredentials = invalid(ReasonMalformed, "more than one gateway credential was presented")

// Authenticate finds the caller of a request from its headers (lower-case names, as the host
// gives them). The trusted consumer header, when configured and present, decides alone;
// otherwise exactly one gateway credential may be presented. An Authorization header of
// another scheme than Bearer is not a gateway credential (it may be a backend's, for
// passthrough). Without a credential the caller is anonymous when authentication is not
// required, else a *MissingError. A presented credential that fails is an *InvalidTokenError
// even when authentication is not required: a bad token never degrades to anonymous.
func (a *Authenticator) Authenticate(headers [][2]string, now time.Time) (Identity, error) {
	return a.AuthenticateWith(headers, now, nil)
}

// AuthenticateWith is Authenticate with the JWT verified against keys (the JWKS fetched from
// jwt.JWKSURI); nil keys are the inline jwt.jwks. Without either, a JWT that needs keys is a
// *KeysNeededError.
func (a *Authenticator) AuthenticateWith(headers [][2]string, now time.Time, keys *KeySet) (Identity, error) {
	if keys == nil && a.jwt != nil {
		keys = a.jwt.Keys
	}
	var bearer, apiKey, trusted []string
	for _, h := range headers {
		switch {
		case h[0] == HeaderAuthorization:
			if tok, ok := bearerToken(h[1]); ok {
				bearer = append(bearer, tok)
			}
		case h[0] == HeaderAPIKey:
			apiKey = append(apiKey, h[1])
		case a.trusted != "" && h[0] == a.trusted:
			trusted = append(trusted, h[1])
		}
	}
	if len(trusted) > 0 {
		// The earlier filter verified the client's own credential (still present: Higress's
		// key-auth and jwt-auth keep it); its consumer is the identity. Higress's filters
		// *add* the header, so a value the client injected shows up as a second one.
		if len(trusted) > 1 {
			return Identity{}, invalid(ReasonMalformed, "trusted consumer header appears more than once")
		}
		return trustedIdentity(trusted[0])
	}
	switch n := len(bearer) + len(apiKey); {
	case n == 0:
		if a.required {
			return Identity{}, &MissingError{}
		}
		return Identity{Kind: KindAnonymous}, nil
	case n > 1:
		return Identity{}, errTwoCredentials
	case len(apiKey) == 1:
		return a.apiKey(apiKey[0])
	}
	return a.bearer(bearer[0], now, keys)
}

// bearerToken returns the token of "Bearer <token>" (scheme case-insensitive, RFC 9110 §11.1).
func bearerToken(v string) (string, bool) {
	const scheme = "bearer "
	if len(v) < len(scheme) || !strings.EqualFold(v[:len(scheme)], scheme) {
		return "", false
	}
	return strings.TrimSpace(v[len(scheme):]), true
}

func (a *Authenticator) apiKey(key string) (Identity, error) {
	if len(a.keys) == 0 {
		return Identity{}, invalid(ReasonUnknownKey, "API keys are not accepted here")
	}
	if c, ok := matchKey(a.keys, key); ok {
		return Identity{Consumer: c, Kind: KindAPIKey}, nil
	}
	return Identity{}, invalid(ReasonUnknownKey, "API key belongs to no consumer")
}

// bearer tries the API keys first (a key may be sent as a bearer token), then the JWT.
func (a *Authenticator) bearer(tok string, now time.Time, keys *KeySet) (Identity, error) {
	if len(a.keys) > 0 {
		if c, ok := matchKey(a.keys, tok); ok {
			return Identity{Consumer: c, Kind: KindAPIKey}, nil
		}
	}
	if a.jwt == nil {
		return Identity{}, invalid(ReasonUnknownKey, "bearer token is no configured API key")
	}
	if len(a.keys) > 0 && strings.Count(tok, ".") != 2 {
		return Identity{}, invalid(ReasonUnknownKey, "bearer token is neither a configured API key nor a JWT")
	}
	return a.jwt.verifyWith(tok, now, keys)
}

// trustedIdentity reads the consumer set by an earlier filter. Its value is a consumer name
// that a policy may list; anything that is not a plain token is refused.
func trustedIdentity(v string) (Identity, error) {
	if v == "" || len(v) > 256 || !httpsyntax.IsToken(v) {
		return Identity{}, invalid(ReasonMalformed, "trusted consumer header is not a consumer name")
	}
	return Identity{Consumer: v, Kind: KindTrustedHeader}, nil
}

// AsAuthError reports whether err is a *MissingError or an *InvalidTokenError.
func AsAuthError(err error) (reason Reason, tokenPresented bool, ok bool) {
	var m *MissingError
	if errors.As(err, &m) {
		return ReasonMissing, false, true
	}
	var it *InvalidTokenError
	if errors.As(err, &it) {
		return it.Why, true, true
	}
	return "", false, false
}
