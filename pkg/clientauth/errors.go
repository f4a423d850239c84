package clientauth

import "strings"

// Reason is the stable reason of an authentication failure (log fields, metrics labels,
// Envoy response code details). The set is closed: a reason never carries caller input.
type Reason string

// Reasons of MissingError and InvalidTokenError.
const (
	ReasonMissing      Reason = "missing"       // no gateway credential was presented
	ReasonMalformed    Reason = "malformed"     // not a well-formed credential or token
	ReasonUnknownKey   Reason = "unknown_key"   // an API key that belongs to no consumer
	ReasonAlgRefused   Reason = "alg_refused"   // alg none, HMAC, unknown, or not the key's
	ReasonUnknownKID   Reason = "unknown_kid"   // no usable key for the token's kid (or no kid and not exactly one key)
	ReasonBadSignature Reason = "bad_signature" // the signature does not verify
	ReasonBadIssuer    Reason = "bad_issuer"    // iss is not the configured issuer
	ReasonBadAudience  Reason = "bad_audience"  // aud names none of the configured audiences
	ReasonExpired      Reason = "expired"       // exp is past (beyond the leeway)
	ReasonNotYetValid  Reason = "not_yet_valid" // nbf or iat is in the future (beyond the leeway)
)

// MissingError: the request carried no gateway credential and authentication is required
// (or the tool requires an authenticated caller). Answer: 401 without error="invalid_token".
// Scopes, when set, are the scopes the refused tool requires (the challenge's scope="...").
type MissingError struct{ Scopes []string }

func (*MissingError) Error() string { return "clientauth: missing: no credential was presented" }

// Reason returns ReasonMissing.
func (*MissingError) Reason() Reason { return ReasonMissing }

// InvalidTokenError: a credential was presented and refused. Answer: 401 with
// error="invalid_token". Msg says what is wrong, never quoting the credential.
type InvalidTokenError struct {
	Why Reason
	Msg string
}

func (e *InvalidTokenError) Error() string { return "clientauth: " + string(e.Why) + ": " + e.Msg }

// Reason returns the stable reason.
func (e *InvalidTokenError) Reason() Reason { return e.Why }

func invalid(why Reason, msg string) *InvalidTokenError {
	return &InvalidTokenError{Why: why, Msg: msg}
}

// ForbiddenError: the caller is authenticated but the tool's allow rule refuses it. Answer:
// 403; MissingScopes (when not empty) become error="insufficient_scope" and scope="...".
type ForbiddenError struct {
	Tool          string
	MissingScopes []string
}

func (e *ForbiddenError) Error() string {
	if len(e.MissingScopes) > 0 {
		return "clientauth: forbidden: tool " + e.Tool + " requires scope " + strings.Join(e.MissingScopes, " ")
	}
	return "clientauth: forbidden: tool " + e.Tool + " is not allowed for this consumer"
}

// KeysNeededError: a JWT reached key selection and no key set is held yet (jwksUri not
// fetched). It is not the client's fault: the plugin fetches the keys and tries again, and
// answers 503 when none can be obtained, never 401.
type KeysNeededError struct{}

func (*KeysNeededError) Error() string { return "clientauth: jwks: no key set has been obtained yet" }
