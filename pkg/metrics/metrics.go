// Package metrics names the plugin's counters and keeps them, defined once at plugin start,
// in fixed slots: counting a request builds no name and grows no map.
//
// Names follow the convention of Higress's own Wasm plugins (ai-statistics:
// "route.<r>.upstream.<c>.model.<m>.metric.<name>"): "<key>.<value>." pairs after a fixed
// prefix, the metric's own name last, so that Envoy's tag extraction (stats_tags regexes,
// docs/observability.md) turns each pair into a tag. Envoy adds "wasmcustom." in front.
// Every label value is bounded: methods are a fixed list ("other" for the rest), outcomes and
// reasons are constants, tool names and scheme ids come from the configuration. Nothing a
// client sends (a consumer, a header, a credential) ever becomes part of a name.
package metrics

import "github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/mcp"

// Prefix starts every counter name.
const Prefix = "mcp_rest_bridge."

// Counter is one host counter; proxywasm.MetricCounter satisfies it.
type Counter interface{ Increment(delta uint64) }

// Define creates the host counter of a full name (or returns the existing one: Envoy and
// proxytest both give a name defined twice the same counter).
type Define func(name string) Counter

// Method label values, in slot order; the last one, "other", takes every method outside the
// list, and requests refused before their JSON-RPC message was read.
var methods = [...]string{
	"initialize", "ping", "server_discover", "tools_list", "tools_call",
	"notifications_initialized", "notifications_cancelled", "other",
}

const methodOther = len(methods) - 1

func methodSlot(m string) int {
	switch m {
	case mcp.MethodInitialize:
		return 0
	case mcp.MethodPing:
		return 1
	case mcp.MethodDiscover:
		return 2
	case mcp.MethodToolsList:
		return 3
	case mcp.MethodToolsCall:
		return 4
	case mcp.NotificationInitialized:
		return 5
	case mcp.NotificationCancelled:
		return 6
	}
	return methodOther
}

// RequestOutcome is how one MCP POST ended.
type RequestOutcome uint8

const (
	// RequestOK: a JSON-RPC result (a tool result with isError included) or 202.
	RequestOK RequestOutcome = iota
	// RequestError: a JSON-RPC error response.
	RequestError
	// RequestRefused: refused at the HTTP level before the message was read (method,
	// Origin, Content-Type, size, empty body).
	RequestRefused
	numRequestOutcomes
)

var requestOutcomes = [numRequestOutcomes]string{"ok", "error", "refused"}

// ToolOutcome is how one tools/call ended.
type ToolOutcome uint8

const (
	ToolOK                ToolOutcome = iota // upstream 2xx converted, or a local (template-only) result
	ToolInvalidArguments                     // the arguments failed validation or the request could not be built
	ToolUpstreamError                        // the backend answered non-2xx, or a body that cannot be read
	ToolCredentialRefused                    // the client's credential was missing or malformed (-31001)
	ToolBackendCredential                    // the backend credential (OAuth2 token) could not be obtained
	ToolInternalError                        // the request could not be rewritten
	numToolOutcomes
)

var toolOutcomes = [numToolOutcomes]string{
	"ok", "invalid_arguments", "upstream_error", "credential_refused", "backend_credential_failed", "internal_error",
}

// String is the outcome's label value (also the audit line's "outcome").
func (o ToolOutcome) String() string {
	if o < numToolOutcomes {
		return toolOutcomes[o]
	}
	return "unknown"
}

// AuthReason is why a client credential was refused.
type AuthReason uint8

const (
	// A tool's passthrough credential (security.Error): the configured carrier was absent,
	// or present but not in the configured form.
	AuthMissingCredential AuthReason = iota
	AuthMalformedCredential
	// bridge.clientAuth (pkg/clientauth's closed set of reasons, same spelling).
	AuthMissing
	AuthMalformed
	AuthUnknownKey
	AuthAlgRefused
	AuthUnknownKID
	AuthBadSignature
	AuthBadIssuer
	AuthBadAudience
	AuthExpired
	AuthNotYetValid
	AuthForbidden
	numAuthReasons
)

var authReasons = [numAuthReasons]string{
	"missing_credential", "malformed_credential",
	"missing", "malformed", "unknown_key", "alg_refused", "unknown_kid", "bad_signature", "bad_issuer",
	"bad_audience", "expired", "not_yet_valid", "forbidden",
}

// ClientAuthReason returns the AuthReason spelled r (a pkg/clientauth reason); ok is false
// for a spelling outside the list.
func ClientAuthReason(r string) (AuthReason, bool) {
	for i := AuthMissing; i < numAuthReasons; i++ {
		if authReasons[i] == r {
			return i, true
		}
	}
	return 0, false
}

// FetchOutcome is how one token request to an OAuth2 token endpoint ended.
type FetchOutcome uint8

const (
	FetchOK          FetchOutcome = iota // a usable token
	FetchDispatch                        // the callout could not be sent
	FetchNoResponse                      // timeout, reset, or no status
	FetchHTTPError                       // the token endpoint answered non-2xx
	FetchBadResponse                     // 2xx, but no usable token in it
	numFetchOutcomes
)

var fetchOutcomes = [numFetchOutcomes]string{"ok", "dispatch_failed", "no_response", "http_error", "bad_response"}
