// Package mcp implements the JSON-RPC 2.0 framing and the MCP methods the
// bridge answers locally, for both protocol eras on one endpoint:
//
//   - Modern (2026-07-28): stateless; every request carries its version in
//     params._meta and mirrors method, tool name and x-mcp-header arguments
//     in HTTP headers, which must agree with the body.
//   - Legacy (2025-11-25 and earlier): initialize handshake, ping, the
//     MCP-Protocol-Version header checked when present; no sessions.
//
// The package is pure: it works on a body, a few header values and a
// Catalog, and builds every response by appending into one buffer.
package mcp

// JSON-RPC 2.0 and MCP error codes.
const (
	CodeParseError     = -32700
	CodeInvalidRequest = -32600
	CodeMethodNotFound = -32601
	CodeInvalidParams  = -32602
	CodeInternalError  = -32603
	// CodeHeaderMismatch: HTTP headers missing, malformed or not matching the
	// body (2026-07-28 streamable-http "Server Validation"). HTTP 400.
	CodeHeaderMismatch = -32020
	// CodeUnsupportedVersion: UnsupportedProtocolVersionError, data
	// {"supported":[...],"requested":"..."} (2026-07-28 versioning). HTTP 400.
	CodeUnsupportedVersion = -32022
	// CodeCredentialRefused is the bridge's own code for a tools/call refused
	// because the client credential is missing or malformed. Application
	// codes belong outside -32768..-32000 (2026-07-28 basic/index
	// "Error Codes"). Provisional: the plugin asked for a name.
	CodeCredentialRefused = -31001
)

// Methods and notifications.
const (
	MethodInitialize        = "initialize"
	MethodPing              = "ping"
	MethodDiscover          = "server/discover"
	MethodToolsList         = "tools/list"
	MethodToolsCall         = "tools/call"
	NotificationInitialized = "notifications/initialized"
	NotificationCancelled   = "notifications/cancelled"
)

// Protocol versions we serve.
const (
	Version20260728 = "2026-07-28" // modern
	Version20251125 = "2025-11-25"
	Version20250618 = "2025-06-18"
	Version20250326 = "2025-03-26"
	Version20241105 = "2024-11-05"

	LatestVersion       = Version20260728
	LatestLegacyVersion = Version20251125
	// AssumedLegacyVersion is used when a request names no version at all
	// (2025-11-25 transports "Protocol Version Header").
	AssumedLegacyVersion = Version20250326
)

// supportedVersions is newest first; modern versions precede legacy ones.
var supportedVersions = [...]string{Version20260728, Version20251125, Version20250618, Version20250326, Version20241105}

const modernCount = 1 // supportedVersions[:modernCount] are modern

// HTTP header names as the spec spells them; matching is case-insensitive.
const (
	HeaderProtocolVersion = "MCP-Protocol-Version"
	HeaderMethod          = "Mcp-Method"
	HeaderName            = "Mcp-Name"
	HeaderParamPrefix     = "Mcp-Param-"
)

// Reserved _meta keys (2026-07-28 basic/index "_meta").
const (
	MetaProtocolVersion    = "io.modelcontextprotocol/protocolVersion"
	MetaClientCapabilities = "io.modelcontextprotocol/clientCapabilities"
	MetaServerInfo         = "io.modelcontextprotocol/serverInfo"
)

// Result and cache vocabulary (2026-07-28 basic/index, server/utilities/caching).
const (
	ResultTypeComplete = "complete"
	CacheScopePublic   = "public"
	CacheScopePrivate  = "private"
	ContentTypeJSON    = "application/json"
)
