package security

import (
	"strconv"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/configerr"
)

// OAuth2 flows as SchemeSpec.OAuth2Flow names them.
const (
	flowClientCredentials = "client_credentials"
	flowTokenExchange     = "token_exchange"
)

// compileOAuth2 compiles a type oauth2 scheme. Its token endpoint settings are compiled by
// pkg/oauth2 (through pkg/config); here it is a bearer credential in the Authorization
// header, which is how a client presents an OAuth2 access token (RFC 6750) and how the
// obtained token goes upstream.
func compileOAuth2(s *Scheme, spec SchemeSpec, path string) error {
	for _, f := range [...]struct{ key, v string }{{"scheme", spec.Scheme}, {"in", spec.In}, {"name", spec.Name}} {
		if f.v != "" {
			return configerr.At(path+"."+f.key, "not allowed for type oauth2 (the token goes in the Authorization header as a Bearer credential)")
		}
	}
	if spec.HasDefault || spec.DefaultCredential != "" {
		return configerr.At(path+".defaultCredential", "not allowed for type oauth2: the token is obtained from the token endpoint")
	}
	if spec.OAuth2Flow != flowClientCredentials && spec.OAuth2Flow != flowTokenExchange {
		return configerr.At(path+".flows", "needs clientCredentials or tokenExchange")
	}
	s.kind, s.in, s.name, s.key = kindBearer, inHeader, "Authorization", "authorization"
	s.where, s.want = "the Authorization header", "an HTTP Bearer credential"
	s.desc, s.oauth2 = "oauth2:"+spec.OAuth2Flow, spec.OAuth2Flow
	return nil
}

// compileOAuth2 compiles a tool whose upstream scheme U is oauth2. Client credentials: the
// gateway's own token, so the client's credential must not be passed through. Token exchange:
// the client's credential read per C (passthrough: true) is the subject token.
func (p *Policy) compileOAuth2(spec PolicySpec) error {
	u, c := p.upstream, p.client
	if spec.HasCredential {
		return configerr.At(at(spec.CredentialPath, spec.ToolName), "not allowed with oauth2 scheme "+strconv.Quote(u.id)+
			": the token is obtained from the token endpoint")
	}
	switch {
	case u.oauth2 == flowClientCredentials && spec.Passthrough:
		return configerr.At(at(spec.ClientPath, spec.ToolName), "passthrough cannot be used with the oauth2 clientCredentials scheme "+
			strconv.Quote(u.id)+": the backend gets the gateway's own token")
	case u.oauth2 == flowTokenExchange && (!spec.Passthrough || c == nil):
		return configerr.At(at(spec.UpstreamPath, spec.ToolName), "the oauth2 tokenExchange scheme "+strconv.Quote(u.id)+
			" needs a client scheme with passthrough: true (tools[].security or server.defaultDownstreamSecurity): the client's token is the subject token")
	case u.oauth2 == flowTokenExchange && c.kind == kindBasic:
		return configerr.At(at(spec.ClientPath, spec.ToolName), "an HTTP Basic credential cannot be a token exchange subject token (scheme "+
			strconv.Quote(c.id)+")")
	}
	p.mode, p.dest = modeOAuth2, u
	p.source = "oauth2:" + u.oauth2 + ":" + u.id
	return nil
}

// OAuth2Scheme returns the id of the tool's oauth2 upstream scheme, or "" when U is not
// oauth2: the caller then uses Apply; otherwise ApplyOAuth2, obtains the token and PutToken.
func (p *Policy) OAuth2Scheme() string {
	if p.mode != modeOAuth2 {
		return ""
	}
	return p.upstream.id
}

// ApplyOAuth2 is Apply for an oauth2 upstream scheme: it strips C's carrier, Authorization and
// Proxy-Authorization from t, and for token exchange extracts the client's credential per C
// as the subject token. On error (*Error: missing or malformed client credential) the caller
// must refuse the call without requesting a token. Nothing is set upstream: PutToken does
// that once the token is known.
func (p *Policy) ApplyOAuth2(in Inbound, t Target) (source string, subject Secret, err error) {
	if p.mode != modeOAuth2 {
		return "", Secret{}, errNotOAuth2
	}
	p.strip(t)
	t.DelHeader("authorization")
	if p.upstream.oauth2 != flowTokenExchange {
		return p.source, Secret{}, nil
	}
	cred, _, f := p.client.extract(&in)
	if f != failNone {
		return "", Secret{}, p.refusal(f)
	}
	return p.source, NewSecret(cred), nil
}

// PutToken sets the obtained access token upstream, once: "Authorization: Bearer <token>".
func (p *Policy) PutToken(t Target, token Secret) {
	t.SetHeader("authorization", "Bearer "+token.Reveal())
}

type policyError string

func (e policyError) Error() string { return string(e) }

const errNotOAuth2 = policyError("security: ApplyOAuth2 called for a tool whose upstream scheme is not oauth2")

const errOAuth2NeedsToken = policyError("security: the upstream scheme is oauth2: use ApplyOAuth2 and PutToken")
