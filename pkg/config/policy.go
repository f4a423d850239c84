package config

import (
	neturl "net/url"
	"slices"
	"strings"

	"github.com/tidwall/gjson"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/configerr"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/oauth2"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/rest"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/security"
)

// compileSchemes compiles server.securitySchemes, and the token endpoint settings of the
// oauth2 ones into c.grants (warnings into c.Warnings).
func (c *Config) compileSchemes(srv gjson.Result, env security.Env) (map[string]*security.Scheme, error) {
	list := srv.Get("securitySchemes").Array()
	specs := make([]security.SchemeSpec, len(list))
	paths := make([]string, len(list))
	for i, s := range list {
		paths[i] = index("server.securitySchemes", i)
		flow, err := oauth2Flow(paths[i], s)
		if err != nil {
			return nil, err
		}
		def := s.Get("defaultCredential")
		consumers, err := consumerCredentials(paths[i], s, flow)
		if err != nil {
			return nil, err
		}
		specs[i] = security.SchemeSpec{
			ID:                s.Get("id").Str,
			Type:              s.Get("type").Str,
			Scheme:            s.Get("scheme").Str,
			In:                s.Get("in").Str,
			Name:              s.Get("name").Str,
			DefaultCredential: def.Str,
			HasDefault:        def.Type == gjson.String,
			OAuth2Flow:        flow,

			ConsumerCredentials: consumers,
			// an oauth2 scheme's per-consumer clients are grants (compileConsumerGrants)
			HasConsumers: flow == "" && s.Get("consumerCredentials").Exists(),
		}
	}
	schemes, err := security.CompileSchemes(specs, paths, env)
	if err != nil {
		return nil, err
	}
	for i, s := range list {
		if specs[i].OAuth2Flow == "" {
			continue
		}
		if s.Get("consumerCredentials").Exists() {
			byConsumer, warns, err := compileConsumerGrants(paths[i], s, env)
			if err != nil {
				return nil, err
			}
			if c.consumerGrants == nil {
				c.consumerGrants = map[string]map[string]*oauth2.Grant{}
			}
			c.consumerGrants[specs[i].ID] = byConsumer
			c.Warnings = append(c.Warnings, warns...)
			continue
		}
		g, warns, err := compileGrant(paths[i], s, env, schemeClient(paths[i], s))
		if err != nil {
			return nil, err
		}
		if c.grants == nil {
			c.grants = map[string]*oauth2.Grant{}
		}
		c.grants[specs[i].ID] = g
		c.Warnings = append(c.Warnings, warns...)
	}
	return schemes, nil
}

// consumerCredentials reads a scheme's consumerCredentials map in document order. Values are
// strings in the scheme's credential form. An oauth2 scheme's entries are per-consumer clients:
// their shape is checked here, and they are compiled into grants, not scheme credentials.
func consumerCredentials(path string, s gjson.Result, flow string) ([]security.ConsumerCredential, error) {
	m := s.Get("consumerCredentials")
	if !m.Exists() {
		return nil, nil
	}
	at := join(path, "consumerCredentials")
	if flow != "" {
		return nil, checkOAuth2Consumers(path, s, flow)
	}
	var out []security.ConsumerCredential
	var err error
	m.ForEach(func(k, v gjson.Result) bool {
		p := join(at, shownKey(k.Str))
		if v.Type != gjson.String {
			err = configerr.At(p, `must be a string (the credential: "user:pass" for basic, the token or key otherwise)`)
			return false
		}
		out = append(out, security.ConsumerCredential{Consumer: k.Str, Value: v.Str, Path: p})
		return true
	})
	return out, err
}

// policySpec resolves a tool's client scheme C (tools[].security, else
// server.defaultDownstreamSecurity) and upstream scheme U (requestTemplate.security, else
// server.defaultUpstreamSecurity), each with the path of the field it came from. As in Higress,
// a requirement is taken whole: a tool-level id brings its own passthrough/credential.
func policySpec(path string, tj, srv gjson.Result, noUpstream bool) security.PolicySpec {
	spec := security.PolicySpec{
		ToolName:              tj.Get("name").Str,
		PassthroughAuthHeader: srv.Get("passthroughAuthHeader").Bool(),
		NoUpstream:            noUpstream,
	}
	for _, h := range tj.Get("requestTemplate.headers").Array() {
		if strings.EqualFold(h.Get("key").Str, "authorization") {
			spec.TemplateSetsAuthorization = true
		}
	}
	client, clientPath := tj.Get("security"), join(path, "security")
	if client.Get("id").Str == "" {
		client, clientPath = srv.Get("defaultDownstreamSecurity"), "server.defaultDownstreamSecurity"
	}
	if id := client.Get("id").Str; id != "" {
		spec.ClientID, spec.ClientPath = id, join(clientPath, "id")
		spec.Passthrough = client.Get("passthrough").Bool()
	}
	up, upPath := tj.Get("requestTemplate.security"), join(path, "requestTemplate.security")
	if up.Get("id").Str == "" {
		up, upPath = srv.Get("defaultUpstreamSecurity"), "server.defaultUpstreamSecurity"
	}
	if id := up.Get("id").Str; id != "" {
		spec.UpstreamID, spec.UpstreamPath = id, join(upPath, "id")
		if c := up.Get("credential"); c.Type == gjson.String {
			spec.Credential, spec.HasCredential = c.Str, true
			spec.CredentialPath = join(upPath, "credential")
		}
	}
	return spec
}

// checkCarriers refuses args, template headers and template query parameters that target one of
// the tool's credential carriers: they would override the upstream credential, or leak a value
// into the place the client credential is stripped from.
func checkCarriers(path string, tj gjson.Result, spec rest.ToolSpec, rt *rest.Tool, pol *security.Policy) error {
	carriers := pol.Carriers()
	if len(carriers) == 0 {
		return nil
	}
	for _, ac := range rt.ArgCarriers() {
		if !hitsCarrier(carriers, ac.In, ac.Name) {
			continue
		}
		argPath := join(path, "args")
		for _, a := range spec.Args {
			if sameCarrierName(ac.In, a.Name, ac.Name) {
				argPath = a.Path
				break
			}
		}
		return configerr.Atf(argPath, "arg %q is sent as %s %q, which carries a credential of this tool's security "+
			"schemes; it would override or leak the credential", ac.Name, carrierWord(ac.In), ac.Name)
	}
	for k, h := range tj.Get("requestTemplate.headers").Array() {
		name := h.Get("key").Str
		if hitsCarrier(carriers, "header", name) || (strings.EqualFold(name, "cookie") && hasCookieCarrier(carriers)) {
			return configerr.Atf(index(join(path, "requestTemplate.headers"), k)+".key", "template header %q carries a "+
				"credential of this tool's security schemes; it would override or leak the credential "+
				"(set upstream credentials with requestTemplate.security or server.defaultUpstreamSecurity)", name)
		}
	}
	for _, q := range templateQueryNames(tj.Get("requestTemplate.url").Str) {
		if hitsCarrier(carriers, "query", q) {
			return configerr.Atf(join(path, "requestTemplate.url"), "query parameter %q carries a credential of this "+
				"tool's security schemes; it would override or leak the credential", q)
		}
	}
	return nil
}

func hitsCarrier(carriers []security.Carrier, in, name string) bool {
	for _, c := range carriers {
		if c.In == in && sameCarrierName(in, c.Name, name) {
			return true
		}
	}
	return false
}

func hasCookieCarrier(carriers []security.Carrier) bool {
	for _, c := range carriers {
		if c.In == "cookie" {
			return true
		}
	}
	return false
}

// sameCarrierName compares carrier names: header names case-insensitively, query parameter and
// cookie names exactly.
func sameCarrierName(in, a, b string) bool {
	if in == "header" {
		return strings.EqualFold(a, b)
	}
	return a == b
}

func carrierWord(in string) string {
	switch in {
	case "query":
		return "query parameter"
	case "cookie":
		return "cookie"
	}
	return "header"
}

// templateQueryNames returns the literal parameter names in a URL template's query string
// ("https://h/p?appid={{.config.k}}&q={{.args.q}}" -> appid, q). Names that are themselves
// template actions are skipped.
func templateQueryNames(url string) []string {
	q := strings.IndexByte(url, '?')
	if q < 0 {
		return nil
	}
	rawQuery := url[q+1:]
	if h := strings.IndexByte(rawQuery, '#'); h >= 0 {
		rawQuery = rawQuery[:h]
	}
	var names []string
	for _, part := range strings.Split(rawQuery, "&") {
		name, _, _ := strings.Cut(part, "=")
		if u, err := neturl.QueryUnescape(name); err == nil {
			name = u
		}
		if name != "" && !strings.Contains(name, "{{") {
			names = append(names, name)
		}
	}
	return names
}

// credentialQueryParams lists the query parameters any scheme reads or writes a
// credential in, sorted: the access-log path drops them (pkg/accesslog).
func credentialQueryParams(schemes map[string]*security.Scheme) []string {
	var out []string
	for _, s := range schemes {
		if c := s.Carrier(); c.In == "query" && !slices.Contains(out, c.Name) {
			out = append(out, c.Name)
		}
	}
	slices.Sort(out)
	return out
}
