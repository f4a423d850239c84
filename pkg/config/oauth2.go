package config

import (
	"errors"
	"strings"

	"github.com/tidwall/gjson"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/configerr"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/oauth2"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/security"
)

// oauth2Keys are the scheme keys only type oauth2 takes.
var oauth2Keys = []string{"flows", "clientId", "clientSecret", "tokenEndpointAuthMethod", "audience", "tokenCluster"}

// refusedFlows need a user agent or the resource owner's password, which a gateway calling a
// backend on a tool's behalf has neither of.
var refusedFlows = map[string]string{
	"authorizationCode": "needs a browser redirect to the user, which a gateway calling a backend does not have",
	"implicit":          "needs a browser redirect to the user and is deprecated (OAuth 2.0 Security BCP)",
	"password":          "needs the resource owner's password and is deprecated (OAuth 2.0 Security BCP)",
}

// oauth2Flow returns the flow of scheme s for security.SchemeSpec ("" for other types),
// checking that only oauth2 schemes carry oauth2 keys and that exactly one supported flow is set.
func oauth2Flow(path string, s gjson.Result) (string, error) {
	if !strings.EqualFold(s.Get("type").Str, "oauth2") {
		for _, k := range oauth2Keys {
			if s.Get(k).Exists() {
				return "", configerr.Atf(join(path, k), "only allowed for type oauth2")
			}
		}
		return "", nil
	}
	flows := s.Get("flows")
	if !flows.Exists() {
		return "", configerr.Atf(join(path, "flows"), "is required for type oauth2 (clientCredentials or tokenExchange)")
	}
	for name, why := range refusedFlows {
		if flows.Get(name).Exists() {
			return "", configerr.Atf(join(path, "flows."+name), "flow %s is not supported: it %s; use clientCredentials or tokenExchange", name, why)
		}
	}
	cc, xchg := flows.Get("clientCredentials").Exists(), flows.Get("tokenExchange").Exists()
	switch {
	case cc && xchg:
		return "", configerr.Atf(join(path, "flows"), "must hold exactly one flow (clientCredentials or tokenExchange), not both")
	case cc:
		return "client_credentials", nil
	case xchg:
		return "token_exchange", nil
	}
	return "", configerr.Atf(join(path, "flows"), "must hold clientCredentials or tokenExchange")
}

// grantClient is the client a grant authenticates as: the scheme's clientId/clientSecret, or
// one consumer's (consumerCredentials), with the JSON paths errors and warnings name.
type grantClient struct {
	id, idPath, secret, secretPath string
}

// schemeClient is scheme s's own clientId/clientSecret.
func schemeClient(path string, s gjson.Result) grantClient {
	return grantClient{id: s.Get("clientId").Str, idPath: join(path, "clientId"),
		secret: s.Get("clientSecret").Str, secretPath: join(path, "clientSecret")}
}

// compileGrant compiles the token endpoint settings of oauth2 scheme s (its flow already
// checked by oauth2Flow) for client cl and returns start-up warnings.
func compileGrant(path string, s gjson.Result, env security.Env, cl grantClient) (*oauth2.Grant, []configerr.Warning, error) {
	flowKey, flow := "clientCredentials", oauth2.ClientCredentials
	if s.Get("flows.tokenExchange").Exists() {
		flowKey, flow = "tokenExchange", oauth2.TokenExchange
	}
	fp := join(path, "flows."+flowKey)
	f := s.Get("flows." + flowKey)
	spec := oauth2.GrantSpec{Scheme: s.Get("id").Str, Flow: flow, TokenURL: f.Get("tokenUrl").Str,
		ClientID: cl.id, Audience: s.Get("audience").Str, Cluster: s.Get("tokenCluster").Str}
	for _, req := range [...]struct{ path, v string }{{join(fp, "tokenUrl"), spec.TokenURL}, {cl.idPath, spec.ClientID}} {
		if req.v == "" {
			return nil, nil, configerr.Atf(req.path, "is required for type oauth2")
		}
	}
	if strings.EqualFold(s.Get("tokenEndpointAuthMethod").Str, "client_secret_post") {
		spec.AuthMethod = oauth2.ClientSecretPost
	}
	f.Get("scopes").ForEach(func(k, _ gjson.Result) bool {
		spec.Scopes = append(spec.Scopes, k.Str)
		return true
	})
	if err := checkGrantText(path, fp, cl.idPath, spec); err != nil {
		return nil, nil, err
	}
	if cl.secret == "" {
		return nil, nil, configerr.Atf(cl.secretPath, "is required for type oauth2")
	}
	secret, err := security.ResolveSecret(cl.secret, cl.secretPath, env)
	if err != nil {
		return nil, nil, err
	}
	spec.ClientSecret = secret.Reveal()
	g, err := oauth2.NewGrant(spec)
	var fe *oauth2.FieldError
	if errors.As(err, &fe) {
		p := join(path, fe.Field)
		if fe.Field == "tokenUrl" {
			p = join(fp, "tokenUrl")
		}
		return nil, nil, configerr.Atf(p, "%s", fe.Msg)
	} else if err != nil {
		return nil, nil, err
	}
	return g, grantWarnings(fp, cl, g), nil
}

// checkGrantText refuses control characters and spaces where they would corrupt the form
// body or the cache key's meaning: scopes are space-separated, so a scope may not hold one.
func checkGrantText(path, fp, idPath string, spec oauth2.GrantSpec) error {
	for _, sc := range spec.Scopes {
		if sc == "" || strings.ContainsAny(sc, " \t\r\n\"\\") || hasControl(sc) {
			return configerr.Atf(join(fp, "scopes"), "scope names must be non-empty and without spaces, quotes, backslashes or control characters (RFC 6749 §3.3)")
		}
	}
	if hasControl(spec.ClientID) {
		return configerr.Atf(idPath, "must not contain control characters")
	}
	if hasControl(spec.Audience) {
		return configerr.Atf(join(path, "audience"), "must not contain control characters")
	}
	return nil
}

func hasControl(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] == 0x7f {
			return true
		}
	}
	return false
}

func grantWarnings(fp string, cl grantClient, g *oauth2.Grant) []configerr.Warning {
	var w []configerr.Warning
	if g.PlainHTTP() {
		w = append(w, configerr.Warning{Path: join(fp, "tokenUrl"),
			Msg: "token URL is plain http: the client secret and the tokens travel unencrypted"})
	}
	if !security.IsEnvRef(cl.secret) {
		w = append(w, configerr.Warning{Path: cl.secretPath,
			Msg: `clientSecret is a literal: use "${ENV_NAME}" in production configs`})
	}
	return w
}
