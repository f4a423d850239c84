package main

import (
	"errors"

	"github.com/higress-group/proxy-wasm-go-sdk/proxywasm"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/config"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/mcp"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/metrics"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/oauth2"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/security"
)

// defineCounter defines a host counter (Envoy exports it on /stats as "wasmcustom.<name>").
func defineCounter(name string) metrics.Counter { return proxywasm.DefineCounterMetric(name) }

// countReply counts a message the MCP server answered locally.
func countReply(m *metrics.Set, out mcp.Outcome) {
	if out.Code != 0 {
		m.Request(out.Method, metrics.RequestError)
		return
	}
	m.Request(out.Method, metrics.RequestOK)
}

// endToolCall counts a finished tools/call: its tool outcome, and the request's (a tool
// result, isError or not, is a JSON-RPC result; rpcError says the answer was an error).
func endToolCall(st *requestState, call *mcp.Call, o metrics.ToolOutcome, rpcError bool) {
	st.metrics.ToolCall(call.ToolIndex, o)
	if rpcError {
		st.metrics.Request(mcp.MethodToolsCall, metrics.RequestError)
	} else {
		st.metrics.Request(mcp.MethodToolsCall, metrics.RequestOK)
	}
	if st.audit {
		writeAudit(st, call, o)
	}
}

// authReason maps a refused client credential to its bounded metric label.
func authReason(reason string) metrics.AuthReason {
	if reason == security.ReasonMalformedCredential {
		return metrics.AuthMalformedCredential
	}
	return metrics.AuthMissingCredential
}

// oauth2Schemes lists the OAuth2 schemes the tools of cfg fetch tokens for, once each, in
// tool order: the scheme label values of the token fetch counters.
func oauth2Schemes(cfg *config.Config) []string {
	var out []string
	seen := map[string]bool{}
	for _, t := range cfg.Tools {
		if s := t.Policy.OAuth2Scheme(); t.UsesOAuth2() && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// fetchOutcome maps a token request's error (pkg/oauth2's kinds) to its metric label.
func fetchOutcome(err error) metrics.FetchOutcome {
	var e *oauth2.Error
	switch {
	case err == nil:
		return metrics.FetchOK
	case !errors.As(err, &e):
		return metrics.FetchBadResponse
	case e.Kind == oauth2.KindDispatch:
		return metrics.FetchDispatch
	case e.Kind == oauth2.KindNoResponse:
		return metrics.FetchNoResponse
	case e.Kind == oauth2.KindStatus:
		return metrics.FetchHTTPError
	}
	return metrics.FetchBadResponse
}
