package main

import (
	"github.com/higress-group/proxy-wasm-go-sdk/proxywasm/types"
	"github.com/higress-group/wasm-go/pkg/log"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/clientauth"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/config"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/metrics"
)

// Client authentication (bridge.clientAuth, pkg/clientauth) runs in the request-headers step,
// after the Origin check and before anything of MCP is read: an unauthenticated caller learns
// nothing about the server. Preflights (OPTIONS) and the RFC 9728 metadata GET stay
// unauthenticated, as clients need them before they hold a token. The gateway's credential
// never goes upstream: the upstream header map is rebuilt from scratch (rest.Request.Wire
// copies only tracing headers), and config refuses a tool that would pass it through.

const reasonClientAuthPrefix = "mcp-rest.client-auth."

// Reason of the metadata answer.
const reasonResourceMetadata = "mcp-rest.resource-metadata"

// challenge answers an authentication or authorization failure: 401 or 403 with
// WWW-Authenticate and {"error","message"} (pkg/clientauth.Challenge), with the CORS grant of
// an allowed Origin, exposing WWW-Authenticate to browser clients.
func challenge(ca *config.ClientAuth, st *requestState, err error) types.Action {
	a := clientauth.Challenge(ca.Metadata, err)
	log.Debugf("mcp-rest-bridge: client refused: %s", a.Reason)
	if r, ok := metrics.ClientAuthReason(string(a.Reason)); ok {
		st.metrics.AuthFailure(r)
	}
	headers := make([][2]string, 0, 3+len(st.cors))
	headers = append(headers, jsonHeaders...)
	if a.WWWAuthenticate != "" {
		headers = append(headers, [2]string{"www-authenticate", a.WWWAuthenticate})
	}
	if st.cors != nil {
		headers = append(append(headers, st.cors...), [2]string{"access-control-expose-headers", "www-authenticate"})
	}
	st.answered = true
	return reply(a.Status, reasonClientAuthPrefix+string(a.Reason), headers, a.Body)
}

// serveMetadata answers GET of the RFC 9728 well-known paths; ok is false for other paths.
func serveMetadata(ctx *httpContext, st *requestState, ca *config.ClientAuth) (types.Action, bool) {
	if ca == nil || ca.Metadata == nil || !ca.Metadata.Serves(ctx.Path()) {
		return 0, false
	}
	st.answered = true
	// The document is public: any origin may read it (MCP clients in browsers fetch it
	// from their own origin before they hold a token).
	return reply(200, reasonResourceMetadata, [][2]string{
		{"content-type", "application/json"},
		{"cache-control", "public, max-age=300"},
		{"access-control-allow-origin", "*"},
	}, ca.Metadata.Document()), true
}

// callerAllowed wraps base (allowTools and x-envoy-allow-mcp-tools) with the tools' allow
// rules for st's caller. A tool the rules refuse is hidden from tools/list; for tools/call
// the refusal is kept in *refused so that the answer is 401/403 rather than "Unknown tool".
func callerAllowed(cfg *config.Config, st *requestState, base func(string) bool, refused *error) func(string) bool {
	if cfg.ClientAuth == nil {
		return base
	}
	return func(name string) bool {
		if !base(name) {
			return false
		}
		i := cfg.EntryIndex(name)
		if i < 0 {
			return false
		}
		if err := clientauth.Check(cfg.Tools[i].Allow, name, st.identity); err != nil {
			*refused = err
			return false
		}
		return true
	}
}
