package main

import (
	"strings"

	"github.com/higress-group/proxy-wasm-go-sdk/proxywasm"
	"github.com/higress-group/proxy-wasm-go-sdk/proxywasm/types"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/internal/httpsyntax"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/config"
)

// Browser-based MCP clients on an allowed Origin (bridge.allowedOrigins) need
// CORS: a preflight answer, and Access-Control-Allow-Origin on every reply.
// An Origin that is not allowed never gets these headers (and is refused).

// corsHeaders are added to every response for an allowed origin.
func corsHeaders(origin string) [][2]string {
	return [][2]string{
		{"access-control-allow-origin", origin},
		{"access-control-expose-headers", "mcp-protocol-version"},
		{"vary", "Origin"},
	}
}

// preflight answers OPTIONS: 204 with the CORS grant for an allowed Origin,
// 403 for another Origin, 405 without one (not a CORS request).
func preflight(cfg *config.Config) types.Action {
	origin, _ := proxywasm.GetHttpRequestHeader("origin")
	switch {
	case origin == "":
		return reply(405, reasonMethodNotAllowed, [][2]string{{"allow", "POST"}}, nil)
	case !originAllowed(cfg, origin):
		return reply(403, reasonOriginForbidden, nil, nil)
	}
	headers := append(corsHeaders(origin),
		[2]string{"access-control-allow-methods", "POST"},
		[2]string{"access-control-max-age", "600"},
	)
	requested, _ := proxywasm.GetHttpRequestHeader("access-control-request-headers")
	if requested != "" && isHeaderList(requested) {
		headers = append(headers, [2]string{"access-control-allow-headers", requested})
	}
	return reply(204, reasonPreflight, headers, nil)
}

// isHeaderList reports whether s is a comma-separated list of header names;
// only such a list is echoed back.
func isHeaderList(s string) bool {
	for _, name := range strings.Split(s, ",") {
		if !httpsyntax.IsToken(strings.TrimSpace(name)) {
			return false
		}
	}
	return true
}
