package mcp

import (
	"strings"

	"github.com/tidwall/gjson"
)

// Headers carries the MCP request headers, read once in the header phase.
// An empty value counts as absent. Params holds every Mcp-Param-* header as
// (header name, value); names match case-insensitively. Fill the fields
// directly or call Add for each request header.
type Headers struct {
	ProtocolVersion string
	Method          string
	Name            string
	Params          [][2]string
	dup             string // first standard header seen twice by Add
}

// Add records one request header if it is an MCP header and ignores others.
// A standard MCP header that occurs twice makes a Modern request fail with
// CodeHeaderMismatch: two values cannot both agree with the body.
func (h *Headers) Add(name, value string) {
	switch {
	case strings.EqualFold(name, HeaderProtocolVersion):
		h.set(&h.ProtocolVersion, HeaderProtocolVersion, value)
	case strings.EqualFold(name, HeaderMethod):
		h.set(&h.Method, HeaderMethod, value)
	case strings.EqualFold(name, HeaderName):
		h.set(&h.Name, HeaderName, value)
	case hasPrefixFold(name, HeaderParamPrefix) && len(name) > len(HeaderParamPrefix):
		h.Params = append(h.Params, [2]string{name, value})
	}
}

func (h *Headers) set(field *string, canonical, value string) {
	if *field != "" && h.dup == "" {
		h.dup = canonical
	}
	*field = value
}

// param returns the value of the Mcp-Param-* header named header, whether it
// is present, and whether it occurs more than once.
func (h *Headers) param(header string) (value string, found, dup bool) {
	for _, p := range h.Params {
		if strings.EqualFold(p[0], header) {
			if found {
				return value, true, true
			}
			value, found = p[1], true
		}
	}
	return value, found, false
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// ServerInfo identifies the server. Description becomes `instructions`.
type ServerInfo struct{ Name, Version, Title, Description string }

// Options are the static MCP settings of one plugin configuration.
type Options struct {
	Info ServerInfo
	// ToolsTTLMs is `ttlMs` of tools/list and server/discover (>= 0).
	ToolsTTLMs int64
	// CacheScope is `cacheScope` of tools/list: "public" or "private";
	// "" means "private", because the list is filtered per request
	// (allowTools, x-envoy-allow-mcp-tools) and may differ between callers.
	CacheScope string
	// MaxArgumentsDepth limits the nesting of params.arguments (its object
	// is level 1); 0 means DefaultMaxArgumentsDepth. The rest of a message
	// may nest EnvelopeDepth levels.
	MaxArgumentsDepth int
}

// Catalog is the configured tool set. It must not change after NewServer.
type Catalog interface {
	Entries() [][]byte          // tools/list entries (JSON objects), configured order
	EntryIndex(name string) int // -1 if unknown
	Names() []string            // Names()[i] is the name of Entries()[i]
	// LegacyOnly reports whether tool i is served to legacy-era clients only
	// (Higress 2.2 tools[].legacyOnly): the modern era neither lists nor runs it.
	LegacyOnly(i int) bool
}

// OutcomeKind says what the plugin must do with an Outcome.
type OutcomeKind uint8

const (
	Reply    OutcomeKind = iota + 1 // send Status, ContentType, Body
	Accepted                        // send 202 with no body
	ToolCall                        // run Call against the tool
)

// Outcome is the result of Handle.
type Outcome struct {
	Kind        OutcomeKind
	Status      int    // HTTP status (Reply, Accepted)
	ContentType string // Reply: application/json
	Body        []byte // Reply: one JSON-RPC response
	Code        int    // Reply: JSON-RPC error code, 0 for a result
	Method      string // the method when it is one we know (a constant), else ""
	Call        *Call  // ToolCall
}

// Call is a validated tools/call request.
type Call struct {
	ID        []byte // raw JSON id (string or integer), copied
	Era       Era
	Version   string // protocol version the request is served under
	Tool      string
	ToolIndex int // index into Catalog.Entries()
	// Arguments is the arguments object ({} when absent or null). It aliases
	// the request body: the body must stay unmodified while Call is in use.
	Arguments gjson.Result
}
