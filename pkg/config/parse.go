package config

import (
	"encoding/json"
	"errors"
	"strings"

	"github.com/tidwall/gjson"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/configerr"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/jsonscan"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/mcp"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/rest"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/security"
)

// Parse decodes, validates and compiles the plugin configuration (JSON, as Higress and Envoy hand
// it to the plugin). It is pure: env resolves "${ENV_NAME}" credential references and nothing else
// is read. The error text starts with the JSON path of the offending field and never contains a
// configured value.
func Parse(data []byte, env security.Env) (*Config, error) {
	root, err := decode(data)
	if err != nil {
		return nil, err
	}
	if err := walk(nil, root, &rootField); err != nil {
		return nil, err
	}
	c := &Config{}
	var bridgeVersion string
	if c.Bridge, bridgeVersion, err = parseBridge(root.Get("bridge")); err != nil {
		return nil, err
	}
	var caWarns []configerr.Warning
	if c.ClientAuth, caWarns, err = parseClientAuth(root.Get("bridge.clientAuth"), env); err != nil {
		return nil, err
	}
	c.Warnings = append(c.Warnings, caWarns...)
	srv := root.Get("server")
	if c.Server.Version, err = serverVersion(srv.Get("version"), bridgeVersion); err != nil {
		return nil, err
	}
	c.Server.Name = srv.Get("name").Str
	c.Server.Description = srv.Get("description").Str
	c.Server.Config = []byte("{}")
	if cfg := srv.Get("config"); cfg.IsObject() {
		c.Server.Config = []byte(cfg.Raw)
	}
	schemes, err := c.compileSchemes(srv, env)
	if err != nil {
		return nil, err
	}
	c.CredentialQueryParams = credentialQueryParams(schemes)
	tc, warns, err := parseTokenCache(root.Get("bridge.tokenCache"), env, len(c.grants) > 0)
	if err != nil {
		return nil, err
	}
	c.Bridge.TokenCache = tc
	c.Warnings = append(c.Warnings, warns...)
	if err := c.compileTools(root, schemes, env); err != nil {
		return nil, err
	}
	if c.AllowTools, err = parseAllowTools(root.Get("allowTools"), c.Tools); err != nil {
		return nil, err
	}
	c.MCP = mcp.Options{
		Info: mcp.ServerInfo{
			Name:        c.Server.Name,
			Version:     c.Server.Version,
			Description: c.Server.Description,
		},
		ToolsTTLMs:        c.Bridge.ToolsTTLMs,
		CacheScope:        CacheScope,
		MaxArgumentsDepth: c.Bridge.MaxJSONDepth,
	}
	c.buildCatalog()
	return c, nil
}

// serverVersion decides serverInfo.version. server.version is Higress 2.2's key and is read as
// Higress reads it (surrounding spaces trimmed; blank means the default), so a Higress config
// reports the same version here. bridge.serverVersion is this plugin's older key. Setting both is
// a config error rather than a silent precedence: two different versions in one config is a
// mistake the operator must resolve.
func serverVersion(higress gjson.Result, bridge string) (string, error) {
	if !higress.Exists() {
		if bridge == "" {
			return DefaultServerVersion, nil
		}
		return bridge, nil
	}
	if bridge != "" {
		return "", configerr.Atf("server.version", "set either server.version or bridge.serverVersion, not both")
	}
	if v := strings.TrimSpace(higress.Str); v != "" {
		return v, nil
	}
	return DefaultServerVersion, nil
}

// decode checks that data is one JSON object and parses it.
func decode(data []byte) (gjson.Result, error) {
	if len(data) == 0 {
		return gjson.Result{}, configerr.Atf("", "empty configuration")
	}
	if jsonscan.Deeper(data, MaxConfigDepth) {
		// gjson's validator below recurses per level.
		return gjson.Result{}, configerr.Atf("", "nested deeper than %d levels", MaxConfigDepth)
	}
	if !gjson.ValidBytes(data) {
		var v json.RawMessage
		var se *json.SyntaxError
		if err := json.Unmarshal(data, &v); errors.As(err, &se) {
			return gjson.Result{}, configerr.Atf("", "not valid JSON (syntax error at byte %d)", se.Offset)
		}
		return gjson.Result{}, configerr.Atf("", "not valid JSON")
	}
	root := gjson.ParseBytes(data)
	if !root.IsObject() {
		return gjson.Result{}, configerr.Atf("", "must be a JSON object, not %s", typeName(root))
	}
	return root, nil
}

// compileTools compiles every tool and its security policy, in configured order.
func (c *Config) compileTools(root gjson.Result, schemes map[string]*security.Scheme, env security.Env) error {
	srv := root.Get("server")
	tools := root.Get("tools").Array()
	if len(tools) == 0 {
		return configerr.Atf("tools", "at least one tool is required")
	}
	seen := make(map[string]int, len(tools))
	c.Tools = make([]*Tool, 0, len(tools))
	for i, tj := range tools {
		path := index("tools", i)
		name := tj.Get("name").Str
		if err := checkToolName(join(path, "name"), name); err != nil {
			return err
		}
		if first, dup := seen[name]; dup {
			return configerr.Atf(join(path, "name"), "duplicate tool name %q (also tools[%d])", name, first)
		}
		seen[name] = i
		t, err := c.compileTool(path, tj, srv, schemes, env)
		if err != nil {
			return err
		}
		c.Tools = append(c.Tools, t)
	}
	return nil
}

func (c *Config) compileTool(path string, tj, srv gjson.Result, schemes map[string]*security.Scheme, env security.Env) (*Tool, error) {
	spec, warns, err := toolSpec(path, tj)
	if err != nil {
		return nil, err
	}
	c.Warnings = append(c.Warnings, warns...)
	rt, rw, err := rest.CompileTool(path, spec, c.Server.Config, nil)
	if err != nil {
		return nil, err
	}
	c.Warnings = append(c.Warnings, rw...)
	pol, err := security.CompilePolicy(policySpec(path, tj, srv, !rt.HasUpstream()), schemes, env)
	if err != nil {
		return nil, err
	}
	if err := checkCarriers(path, tj, spec, rt, pol); err != nil {
		return nil, err
	}
	if err := checkVerifiedPassthrough(path, tj, pol, c.ClientAuth); err != nil {
		return nil, err
	}
	allow, err := parseAllow(join(path, "allow"), tj.Get("allow"), c.ClientAuth)
	if err != nil {
		return nil, err
	}
	if p := pol.IgnoredCredentialPath(); p != "" {
		c.Warnings = append(c.Warnings, configerr.Warning{Path: p,
			Msg: "credential is ignored: passthrough is on, so the client's credential is used"})
	}
	return &Tool{Rest: rt, Policy: pol, LegacyOnly: tj.Get("legacyOnly").Bool(), Grant: c.grants[pol.OAuth2Scheme()],
		ConsumerGrants: c.consumerGrants[pol.OAuth2Scheme()], Allow: allow}, nil
}

func parseAllowTools(r gjson.Result, tools []*Tool) (map[string]bool, error) {
	if !r.IsArray() {
		return nil, nil
	}
	known := make(map[string]bool, len(tools))
	for _, t := range tools {
		known[t.Rest.Name()] = true
	}
	allow := map[string]bool{}
	for i, v := range r.Array() {
		if !known[v.Str] {
			return nil, configerr.Atf(index("allowTools", i), "names unknown tool %s", configerr.Word(v.Str))
		}
		allow[v.Str] = true
	}
	return allow, nil
}
