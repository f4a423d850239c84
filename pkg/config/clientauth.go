package config

import (
	"errors"
	neturl "net/url"
	"strings"

	"github.com/tidwall/gjson"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/internal/httpsyntax"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/clientauth"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/configerr"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/security"
)

// ClientAuth is bridge.clientAuth, compiled: who the MCP client is (Auth) and what a
// challenge points to (Metadata, nil without resourceMetadata).
type ClientAuth struct {
	Auth     *clientauth.Authenticator
	Metadata *clientauth.Metadata
	// AllowVerifiedTokenPassthrough is the opt-in that lets a tool pass the credential the
	// gateway verified to its backend (checkVerifiedPassthrough).
	AllowVerifiedTokenPassthrough bool
}

// MinAPIKeyBytes: shorter keys can be guessed.
const MinAPIKeyBytes = 16

const clientAuthPath = "bridge.clientAuth"

// parseClientAuth reads bridge.clientAuth (nil when absent). required defaults to true:
// configuring client authentication and forgetting "required" must not open the server.
func parseClientAuth(r gjson.Result, env security.Env) (*ClientAuth, []configerr.Warning, error) {
	if !r.Exists() {
		return nil, nil, nil
	}
	cfg := clientauth.Config{Required: !r.Get("required").Exists() || r.Get("required").Bool()}
	var (
		err   error
		warns []configerr.Warning
	)
	if cfg.APIKeys, err = parseAPIKeys(r.Get("apiKeys"), env); err != nil {
		return nil, nil, err
	}
	if j := r.Get("jwt"); j.Exists() {
		if cfg.JWT, warns, err = parseJWT(j); err != nil {
			return nil, nil, err
		}
	}
	if h := r.Get("trustedConsumerHeader"); h.Exists() {
		if cfg.TrustedConsumerHeader, err = trustedHeader(h.Str); err != nil {
			return nil, nil, err
		}
	}
	if len(cfg.APIKeys) == 0 && cfg.JWT == nil && cfg.TrustedConsumerHeader == "" {
		return nil, nil, configerr.Atf(clientAuthPath, "configure at least one of apiKeys, jwt or trustedConsumerHeader")
	}
	ca := &ClientAuth{Auth: clientauth.NewAuthenticator(cfg),
		AllowVerifiedTokenPassthrough: r.Get("allowVerifiedTokenPassthrough").Bool()}
	if m := r.Get("resourceMetadata"); m.Exists() {
		if ca.Metadata, err = parseResourceMetadata(m); err != nil {
			return nil, nil, err
		}
	}
	return ca, warns, nil
}

func parseAPIKeys(r gjson.Result, env security.Env) ([]clientauth.APIKey, error) {
	var keys []clientauth.APIKey
	first := map[string]int{}
	for i, k := range r.Array() {
		path := index(clientAuthPath+".apiKeys", i)
		consumer := k.Get("consumer").Str
		if !isConsumerName(consumer) {
			return nil, configerr.Atf(join(path, "consumer"), "must be a consumer name (letters, digits and !#$%%&'*+-.^_`|~, at most 256)")
		}
		secret, err := security.ResolveSecret(k.Get("key").Str, join(path, "key"), env)
		if err != nil {
			return nil, err
		}
		key := secret.Reveal()
		switch {
		case len(key) < MinAPIKeyBytes:
			return nil, configerr.Atf(join(path, "key"), "must be at least %d characters (use a random key)", MinAPIKeyBytes)
		case strings.TrimSpace(key) != key || httpsyntax.HasControl(key):
			return nil, configerr.Atf(join(path, "key"), "must not start or end with a space or hold control characters (it is sent in a header)")
		}
		if j, dup := first[key]; dup {
			return nil, configerr.Atf(join(path, "key"), "same key as %s.apiKeys[%d]", clientAuthPath, j)
		}
		first[key] = i
		keys = append(keys, clientauth.APIKey{Consumer: consumer, Key: key})
	}
	return keys, nil
}

func isConsumerName(s string) bool { return s != "" && len(s) <= 256 && httpsyntax.IsToken(s) }

func parseJWT(j gjson.Result) (*clientauth.JWTConfig, []configerr.Warning, error) {
	path := clientAuthPath + ".jwt"
	c := &clientauth.JWTConfig{Issuer: j.Get("issuer").Str, ConsumerClaim: "sub", ScopesClaim: "scope"}
	for i, a := range j.Get("audiences").Array() {
		if a.Str == "" {
			return nil, nil, configerr.Atf(index(path+".audiences", i), "must not be empty")
		}
		c.Audiences = append(c.Audiences, a.Str)
	}
	if len(c.Audiences) == 0 {
		// MCP 2026-07-28 authorization "Token Handling": tokens must be issued for this server.
		return nil, nil, configerr.Atf(path+".audiences", "is required: at least one audience (this server's resource URL)")
	}
	for _, claim := range [...]struct {
		key string
		dst *string
	}{{"consumerClaim", &c.ConsumerClaim}, {"scopesClaim", &c.ScopesClaim}} {
		if v := j.Get(claim.key); v.Exists() {
			if v.Str == "" {
				return nil, nil, configerr.Atf(join(path, claim.key), "must not be empty")
			}
			*claim.dst = v.Str
		}
	}
	jwks, uri := j.Get("jwks"), j.Get("jwksUri")
	switch {
	case jwks.Exists() && uri.Exists():
		return nil, nil, configerr.Atf(path+".jwksUri", "set either jwks (inline) or jwksUri (fetched), not both")
	case uri.Exists():
		w, err := jwksURI(c, uri.Str, j.Get("jwksCluster"))
		return c, w, err
	case j.Get("jwksCluster").Exists():
		return nil, nil, configerr.Atf(path+".jwksCluster", "needs jwksUri")
	case !jwks.Exists():
		return nil, nil, configerr.Atf(path+".jwks", "is required (or jwksUri): the issuer's JWK Set as a JSON string")
	}
	keys, err := clientauth.ParseJWKS([]byte(jwks.Str))
	var je *clientauth.JWKSError
	if errors.As(err, &je) {
		return nil, nil, configerr.Atf(path+".jwks", "%s", je.Msg)
	} else if err != nil {
		return nil, nil, configerr.Atf(path+".jwks", "cannot be parsed")
	}
	c.Keys = keys
	return c, nil, nil
}

// trustedHeader checks trustedConsumerHeader: a header name that is not one of the carriers
// the gateway reads its own credential from, nor a pseudo-header.
func trustedHeader(name string) (string, error) {
	path := clientAuthPath + ".trustedConsumerHeader"
	h := httpsyntax.Lower(name)
	if !httpsyntax.IsToken(h) {
		return "", configerr.Atf(path, "must be a header name")
	}
	switch h {
	case clientauth.HeaderAuthorization, clientauth.HeaderAPIKey, "cookie", "host":
		return "", configerr.Atf(path, "must not be a credential or routing header (%s)", h)
	}
	return h, nil
}

func parseResourceMetadata(m gjson.Result) (*clientauth.Metadata, error) {
	path := clientAuthPath + ".resourceMetadata"
	rm := clientauth.ResourceMetadata{Resource: m.Get("resource").Str}
	for i, a := range m.Get("authorizationServers").Array() {
		if u, err := neturl.Parse(a.Str); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return nil, configerr.Atf(index(path+".authorizationServers", i), "must be an absolute http(s) URL (the issuer)")
		}
		rm.AuthorizationServers = append(rm.AuthorizationServers, a.Str)
	}
	for i, s := range m.Get("scopesSupported").Array() {
		if !isScopeToken(s.Str) {
			return nil, configerr.Atf(index(path+".scopesSupported", i), "must be a scope token (RFC 6749 §3.3)")
		}
		rm.ScopesSupported = append(rm.ScopesSupported, s.Str)
	}
	md, err := clientauth.NewMetadata(rm)
	if err != nil {
		return nil, configerr.Atf(path+".resource", "must be an absolute http(s) URL without query or fragment")
	}
	return md, nil
}

// isScopeToken: RFC 6749 §3.3 scope-token, 1*( %x21 / %x23-5B / %x5D-7E ): no space, '"'
// or '\', so a scope can be quoted in WWW-Authenticate as it is.
func isScopeToken(s string) bool {
	if s == "" || len(s) > 256 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x21 || c > 0x7e || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

// parseAllow reads tools[i].allow (nil when absent). A rule needs bridge.clientAuth: without
// it no caller is ever authenticated and the tool could never be called.
func parseAllow(path string, r gjson.Result, ca *ClientAuth) (*clientauth.Allow, error) {
	if !r.Exists() {
		return nil, nil
	}
	if ca == nil {
		return nil, configerr.Atf(path, "needs bridge.clientAuth (who the caller is)")
	}
	rule := &clientauth.Allow{}
	for i, s := range r.Get("scopes").Array() {
		if !isScopeToken(s.Str) {
			return nil, configerr.Atf(index(path+".scopes", i), "must be a scope token (RFC 6749 §3.3)")
		}
		rule.Scopes = append(rule.Scopes, s.Str)
	}
	for i, c := range r.Get("consumers").Array() {
		if !isConsumerName(c.Str) {
			return nil, configerr.Atf(index(path+".consumers", i), "must be a consumer name")
		}
		rule.Consumers = append(rule.Consumers, c.Str)
	}
	return rule, nil
}

// checkVerifiedPassthrough is the MCP rule "servers MUST NOT pass through the token they
// received" (2026-07-28 authorization, security considerations): a tool whose passthrough
// copies upstream the very header the gateway authenticates the client with would hand the
// client's gateway credential to the backend. Only an http basic passthrough is safe there
// (a bearer token is never copied by it).
func checkVerifiedPassthrough(path string, tj gjson.Result, pol *security.Policy, ca *ClientAuth) error {
	if ca == nil || ca.AllowVerifiedTokenPassthrough {
		return nil
	}
	h, basicOnly := pol.PassedThroughHeader()
	if h == "" || !ca.Auth.Carries(h) || h == clientauth.HeaderAuthorization && basicOnly {
		return nil
	}
	at := "server.defaultDownstreamSecurity.passthrough"
	switch {
	case tj.Get("security.id").Str != "":
		at = join(path, "security.passthrough")
	case strings.HasPrefix(pol.Source(), "passthroughAuthHeader:"):
		at = "server.passthroughAuthHeader"
	}
	return configerr.Atf(at, "tool %q would pass the %s header, which carries the credential the gateway verifies "+
		"(bridge.clientAuth), to its backend; use token exchange (an oauth2 upstream scheme with flows.tokenExchange) "+
		"or a backend credential, or set bridge.clientAuth.allowVerifiedTokenPassthrough: true to allow it", tj.Get("name").Str, h)
}
