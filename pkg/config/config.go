// Package config parses and validates the plugin configuration (Higress mcp-server REST mode plus
// this plugin's bridge block) into an immutable, pre-compiled form. Parse is pure: it touches no
// host API, and every error names the JSON path of the offending field.
package config

import (
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/clientauth"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/configerr"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/mcp"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/oauth2"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/rest"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/security"
)

// Defaults of the bridge block (spec.yaml documents them).
const (
	DefaultMaxRequestBodyBytes  = 1 << 20
	DefaultMaxResponseBodyBytes = 4 << 20
	DefaultErrorExcerptBytes    = 512
	DefaultToolsListTTLMs       = 300000
	DefaultServerVersion        = "1.0.0"
	DefaultMaxJSONDepth         = mcp.DefaultMaxArgumentsDepth
	// MaxMaxJSONDepth bounds bridge.maxJsonDepth: gjson's validator and
	// gjson_template recurse once per level, and a Wasm stack under V8
	// traps at about 10,000 levels.
	MaxMaxJSONDepth = 512
	// MaxConfigDepth bounds the nesting of the configuration document.
	MaxConfigDepth = 256
	// CacheScope of tools/list: "private", because the gateway may narrow the list per caller
	// (x-envoy-allow-mcp-tools), so a list must not be shared between callers.
	CacheScope = "private"
)

// Config is the parsed, validated and compiled plugin configuration. It is immutable after Parse
// and implements mcp.Catalog.
type Config struct {
	Server     Server
	Tools      []*Tool // configured order
	MCP        mcp.Options
	AllowTools map[string]bool // nil: every tool is allowed; non-nil (even empty): only these
	Bridge     Bridge
	// CredentialQueryParams are the query parameter names of every apiKey
	// scheme in: query (client or backend), sorted.
	CredentialQueryParams []string
	// ClientAuth is bridge.clientAuth: how the MCP client is authenticated; nil when absent.
	ClientAuth *ClientAuth
	Warnings   []configerr.Warning

	grants map[string]*oauth2.Grant // oauth2 schemes by id, while parsing
	// consumerGrants: oauth2 schemes with consumerCredentials by id, then by consumer
	consumerGrants map[string]map[string]*oauth2.Grant
	entries        [][]byte
	names          []string
	byName         map[string]int
}

// Server is the server block.
type Server struct {
	Name        string
	Version     string // server.version or bridge.serverVersion (never both), else DefaultServerVersion
	Description string
	Config      []byte // raw JSON object of server.config ("{}" when absent)
}

// Tool is one compiled tool with its compiled security policy.
type Tool struct {
	Rest   *rest.Tool
	Policy *security.Policy
	// LegacyOnly is Higress 2.2's tools[].legacyOnly: the tool is served to clients of the
	// initialize-based (legacy) protocol revisions only; the 2026-07-28 profile does not list or
	// run it (see mcp.Catalog).
	LegacyOnly bool
	// Grant is the tool's oauth2 upstream scheme (Policy.OAuth2Scheme), else nil: the plugin
	// obtains a token from it per call.
	Grant *oauth2.Grant
	// ConsumerGrants is set instead of Grant when that scheme has consumerCredentials: each
	// authenticated consumer's own client; a consumer without an entry gets no token.
	ConsumerGrants map[string]*oauth2.Grant
	// Allow is tools[].allow: who may list and call the tool; nil: any caller that passed
	// client authentication (and anonymous ones when it is not required).
	Allow *clientauth.Allow
}

// Bridge is this plugin's own extension block (top-level key "bridge").
type Bridge struct {
	AllowedOrigins    []string // nil (not set): loopback origins only; "*" allows every origin
	MaxRequestBytes   int
	MaxResponseBytes  int
	ErrorExcerptBytes int
	ToolsTTLMs        int64
	// TokenCache is bridge.tokenCache: where OAuth2 tokens are shared beyond one gateway.
	TokenCache TokenCache
	// MaxJSONDepth limits the nesting of tool arguments and of REST
	// response bodies (levels of objects and arrays).
	MaxJSONDepth int
	// Audit is bridge.audit: one audit line per tools/call (pkg/audit).
	Audit bool
}

// UsesOAuth2 reports whether the tool obtains its upstream token from an oauth2 scheme.
func (t *Tool) UsesOAuth2() bool { return t.Grant != nil || t.ConsumerGrants != nil }

// GrantFor returns the grant a call by consumer uses: the consumer's own when the scheme has
// consumerCredentials (nil for a consumer without an entry and for anonymous callers, never
// another consumer's), else Grant.
func (t *Tool) GrantFor(consumer string) *oauth2.Grant {
	if t.ConsumerGrants != nil {
		if consumer == "" {
			return nil
		}
		return t.ConsumerGrants[consumer]
	}
	return t.Grant
}

var _ mcp.Catalog = (*Config)(nil)

// Entries returns the precompiled tools/list entries in configured order.
func (c *Config) Entries() [][]byte { return c.entries }

// EntryIndex returns the index of the named tool in Entries and Tools, or -1.
func (c *Config) EntryIndex(name string) int {
	if i, ok := c.byName[name]; ok {
		return i
	}
	return -1
}

// Names returns the tool names in configured order.
func (c *Config) Names() []string { return c.names }

// LegacyOnly reports whether tool i is served to legacy-era clients only.
func (c *Config) LegacyOnly(i int) bool { return c.Tools[i].LegacyOnly }

// Allowed reports whether allowTools lets the named tool be listed and called.
func (c *Config) Allowed(name string) bool {
	return c.AllowTools == nil || c.AllowTools[name]
}

func (c *Config) buildCatalog() {
	c.entries = make([][]byte, len(c.Tools))
	c.names = make([]string, len(c.Tools))
	c.byName = make(map[string]int, len(c.Tools))
	for i, t := range c.Tools {
		c.entries[i] = t.Rest.ListEntry()
		c.names[i] = t.Rest.Name()
		c.byName[c.names[i]] = i
	}
}
