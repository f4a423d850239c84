package security

import "strings"

// CredentialForm says how a Credential's value reads.
type CredentialForm uint8

const (
	// FormToken is a bearer token or an API key, exactly as sent upstream.
	FormToken CredentialForm = iota + 1
	// FormBasic is the base64 of "user:pass", as in "Authorization: Basic <b64>".
	FormBasic
	// FormAuthorization is a whole Authorization header value copied from the client
	// (passthroughAuthHeader): any scheme word followed by its token.
	FormAuthorization
)

// Credential is one credential value in its core form (without "Bearer "/"Basic "), for the
// response redaction of pkg/redact. The value stays a Secret: it is never printed.
type Credential struct {
	Value Secret
	Form  CredentialForm
}

// Applied is what Apply did for one call.
type Applied struct {
	// Source names where the upstream credential came from ("default:apiKey:header:x-api-key",
	// "passthrough:header:authorization", "none"); it is safe to log.
	Source string
	// Credential is the credential set upstream (zero Value when none), so that the caller can
	// redact it from the response: a backend may echo it.
	Credential Credential
}

// Credentials returns the configured credentials of this tool: the default credentials of its
// client scheme C and upstream scheme U, and the requestTemplate.security.credential override.
// A backend may echo any of them, whichever one a call applied, so a response is redacted of
// all of them (plus the passthrough credential of the call, from Applied). The slice is a copy.
func (p *Policy) Credentials() []Credential { return append([]Credential(nil), p.creds...) }

func (p *Policy) computeCredentials() []Credential {
	var out []Credential
	add := func(s *Scheme, v Secret) {
		if s == nil || v.IsZero() {
			return
		}
		c := s.core(v)
		for _, o := range out {
			if o.Form == c.Form && o.Value.Reveal() == c.Value.Reveal() {
				return
			}
		}
		out = append(out, c)
	}
	add(p.client, schemeDefault(p.client))
	add(p.upstream, schemeDefault(p.upstream))
	add(p.dest, p.static)
	for _, s := range []*Scheme{p.client, p.upstream} {
		for _, v := range consumerSecrets(s) {
			add(s, v)
		}
	}
	return out
}

func schemeDefault(s *Scheme) Secret {
	if s == nil {
		return Secret{}
	}
	return s.def
}

// core turns a wire-form credential of s ("Basic b64", "Bearer tok", raw key) into its core form.
func (s *Scheme) core(v Secret) Credential {
	w := v.Reveal()
	switch s.kind {
	case kindBasic:
		return Credential{Value: NewSecret(strings.TrimPrefix(w, "Basic ")), Form: FormBasic}
	case kindBearer:
		return Credential{Value: NewSecret(strings.TrimPrefix(w, "Bearer ")), Form: FormToken}
	}
	return Credential{Value: v, Form: FormToken}
}
