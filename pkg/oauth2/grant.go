package oauth2

import (
	"crypto/sha256"
	"encoding/base64"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/security"
)

// Flow is the OAuth2 grant a scheme uses.
type Flow uint8

// The supported flows (OpenAPI flows.clientCredentials and flows.tokenExchange).
const (
	ClientCredentials Flow = iota + 1
	TokenExchange
)

// AuthMethod is how the gateway authenticates to the token endpoint (RFC 6749 §2.3.1).
type AuthMethod uint8

// The supported client authentication methods.
const (
	ClientSecretBasic AuthMethod = iota + 1 // the default
	ClientSecretPost
)

// RFC 8693 token type of the subject token and of the token the gateway asks for.
const tokenTypeAccessToken = "urn:ietf:params:oauth:token-type:access_token"

// GrantSpec is one oauth2 security scheme as the configuration gives it, secrets resolved.
type GrantSpec struct {
	Scheme       string // scheme id
	Flow         Flow
	TokenURL     string
	Scopes       []string // every key of the flow's scopes; requested space-separated, sorted
	ClientID     string
	ClientSecret string
	AuthMethod   AuthMethod // zero: ClientSecretBasic
	Audience     string     // optional
	Cluster      string     // optional Envoy cluster of the token endpoint
}

// FieldError is an invalid GrantSpec field; pkg/config turns it into a config error with the
// field's JSON path. Msg never contains a configured value.
type FieldError struct {
	Field string // "tokenUrl", "tokenCluster", ...
	Msg   string
}

func (e *FieldError) Error() string { return "oauth2: " + e.Field + ": " + e.Msg }

// Grant is a compiled, immutable oauth2 scheme: everything a token request needs.
type Grant struct {
	scheme    string
	flow      Flow
	source    string // "oauth2:client_credentials:<id>": logged, never a value
	cluster   string
	authority string
	path      string
	plainHTTP bool
	form      string // static part of the form body
	basic     string // "Basic <b64>" for client_secret_basic, else ""
	digest    string // hex digest of scheme, client id, secret, scopes and audience
	sealKey   string // another digest of the same fields: the root of the Remote encryption keys
	creds     []security.Credential
}

// NewGrant compiles spec. It checks the token URL and the cluster name; pkg/config checks
// presence of the required fields first.
func NewGrant(spec GrantSpec) (*Grant, error) {
	u, err := url.Parse(spec.TokenURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil || u.Fragment != "" {
		return nil, &FieldError{Field: "tokenUrl", Msg: "must be an absolute https URL without user info or fragment"}
	}
	g := &Grant{scheme: spec.Scheme, flow: spec.Flow, authority: u.Host, plainHTTP: u.Scheme == "http"}
	g.path = u.EscapedPath()
	if g.path == "" {
		g.path = "/"
	}
	if u.RawQuery != "" {
		g.path += "?" + u.RawQuery
	}
	g.cluster = spec.Cluster
	if g.cluster == "" {
		g.cluster = FQDNCluster(u)
	} else if strings.ContainsAny(g.cluster, " \t\r\n") {
		return nil, &FieldError{Field: "tokenCluster", Msg: "must not contain whitespace"}
	}
	g.source = "oauth2:" + spec.Flow.String() + ":" + spec.Scheme
	scopes := append([]string(nil), spec.Scopes...)
	sort.Strings(scopes)
	g.form = staticForm(spec, scopes)
	if spec.AuthMethod != ClientSecretPost {
		// RFC 6749 §2.3.1: id and secret are form-encoded before they are joined and base64-encoded.
		pair := url.QueryEscape(spec.ClientID) + ":" + url.QueryEscape(spec.ClientSecret)
		g.basic = "Basic " + base64.StdEncoding.EncodeToString([]byte(pair))
	}
	g.creds = grantCredentials(spec, g.basic)
	g.digest = keyDigest(spec.Scheme, spec.ClientID, spec.ClientSecret, strings.Join(scopes, " "), spec.Audience)
	// Domain-separated from digest: the cache key, visible in Redis, reveals nothing of it.
	g.sealKey = keyDigest("seal", spec.Scheme, spec.ClientID, spec.ClientSecret, strings.Join(scopes, " "), spec.Audience)
	return g, nil
}

// staticForm is the form body without the per-request subject token, keys in a fixed order.
func staticForm(spec GrantSpec, scopes []string) string {
	var b strings.Builder
	add := func(k, v string) {
		if b.Len() > 0 {
			b.WriteByte('&')
		}
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(url.QueryEscape(v))
	}
	if spec.Flow == TokenExchange {
		add("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange")
		add("requested_token_type", tokenTypeAccessToken)
	} else {
		add("grant_type", "client_credentials")
	}
	if len(scopes) > 0 {
		add("scope", strings.Join(scopes, " "))
	}
	if spec.Audience != "" {
		add("audience", spec.Audience)
		if IsResourceURI(spec.Audience) {
			add("resource", spec.Audience) // RFC 8707: only an absolute URI may be a resource
		}
	}
	if spec.AuthMethod == ClientSecretPost {
		add("client_id", spec.ClientID)
		add("client_secret", spec.ClientSecret)
	}
	return b.String()
}

// IsResourceURI reports whether v can be sent as an RFC 8707 resource: an absolute URI
// without a fragment.
func IsResourceURI(v string) bool {
	u, err := url.Parse(v)
	return err == nil && u.Scheme != "" && u.Fragment == "" && !strings.Contains(v, "#") && (u.Host != "" || u.Opaque != "")
}

// FQDNCluster is the Envoy cluster Higress creates for a DNS (FQDN) service:
// "outbound|<port>||<host>" (wasm-go wrapper.FQDNCluster), the port defaulting from the scheme.
func FQDNCluster(u *url.URL) string {
	port := u.Port()
	if port == "" {
		port = "443"
		if u.Scheme == "http" {
			port = "80"
		}
	}
	return "outbound|" + port + "||" + u.Hostname()
}

// keyDigest hashes length-prefixed fields, so that no two field lists share a digest.
func keyDigest(fields ...string) string {
	h := sha256.New()
	for _, f := range fields {
		h.Write([]byte(strconv.Itoa(len(f))))
		h.Write([]byte{':'})
		h.Write([]byte(f))
	}
	const hexdigits = "0123456789abcdef"
	sum := h.Sum(nil)[:16] // 128 bits: keys, not signatures
	out := make([]byte, 32)
	for i, c := range sum {
		out[2*i], out[2*i+1] = hexdigits[c>>4], hexdigits[c&15]
	}
	return string(out)
}

// String returns the flow's name as used in credential sources.
func (f Flow) String() string {
	if f == TokenExchange {
		return "token_exchange"
	}
	return "client_credentials"
}

// Scheme returns the scheme id.
func (g *Grant) Scheme() string { return g.scheme }

// Flow returns the grant's flow.
func (g *Grant) Flow() Flow { return g.flow }

// Source names the credential for logs: "oauth2:client_credentials:<id>" or
// "oauth2:token_exchange:<id>".
func (g *Grant) Source() string { return g.source }

// Cluster returns the Envoy cluster the token request is sent to.
func (g *Grant) Cluster() string { return g.cluster }

// PlainHTTP reports whether the token URL is http (a start-up warning).
func (g *Grant) PlainHTTP() bool { return g.plainHTTP }

// grantCredentials are the scheme's configured secrets in the forms a backend might echo: the
// client secret, and the base64 "id:secret" pair of client_secret_basic.
func grantCredentials(spec GrantSpec, basic string) []security.Credential {
	var out []security.Credential
	if spec.ClientSecret != "" {
		out = append(out, security.Credential{Value: security.NewSecret(spec.ClientSecret), Form: security.FormToken})
	}
	if b64, ok := strings.CutPrefix(basic, "Basic "); ok && spec.ClientSecret != "" {
		out = append(out, security.Credential{Value: security.NewSecret(b64), Form: security.FormBasic})
	}
	return out
}

// Credentials returns the scheme's configured secrets (client secret, Basic pair) so that a
// tool's responses are redacted of them like of any configured credential. The slice is a copy.
func (g *Grant) Credentials() []security.Credential {
	return append([]security.Credential(nil), g.creds...)
}
