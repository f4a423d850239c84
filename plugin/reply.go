package main

import (
	"strconv"

	"github.com/higress-group/proxy-wasm-go-sdk/proxywasm"
	"github.com/higress-group/proxy-wasm-go-sdk/proxywasm/types"
	"github.com/higress-group/wasm-go/pkg/log"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/mcp"
)

// Stable reasons of local replies (Envoy's response code details).
const (
	reasonMethodNotAllowed = "mcp-rest.method-not-allowed"
	reasonOriginForbidden  = "mcp-rest.origin-forbidden"
	reasonMediaType        = "mcp-rest.unsupported-media-type"
	reasonBodyTooLarge     = "mcp-rest.body-too-large"
	reasonJSONRPC          = "mcp-rest.jsonrpc"
	reasonAccepted         = "mcp-rest.accepted"
	reasonToolResult       = "mcp-rest.tool-result"
	reasonCredential       = "mcp-rest.credential-refused"
	reasonUpstreamResult   = "mcp-rest.upstream-result"
	reasonPreflight        = "mcp-rest.cors-preflight"
	reasonStateLost        = "mcp-rest.state-lost"
	reasonInternal         = "mcp-rest.internal-error"
)

var jsonHeaders = [][2]string{{"content-type", "application/json"}}

// reply sends one local response and stops the filter chain. Every refusal
// and every locally answered MCP message goes through here.
func reply(status uint32, reason string, headers [][2]string, body []byte) types.Action {
	if err := proxywasm.SendHttpResponseWithDetail(status, reason, headers, body, -1); err != nil {
		log.Errorf("mcp-rest-bridge: cannot send local reply %s: %v", reason, err)
	}
	return types.ActionPause
}

// replyJSON answers with a JSON-RPC message, with the CORS headers of st's
// allowed Origin (st may be nil).
func replyJSON(st *requestState, status uint32, reason string, body []byte) types.Action {
	if st != nil {
		st.answered = true
	}
	headers := jsonHeaders
	if st != nil && st.cors != nil {
		headers = append(append(make([][2]string, 0, 1+len(st.cors)), jsonHeaders...), st.cors...)
	}
	return reply(status, reason, headers, body)
}

// replyError answers with a JSON-RPC error whose id is unknown (null):
// used for refusals decided before the body was parsed.
func replyError(st *requestState, status uint32, reason string, code int, msg string) types.Action {
	return replyJSON(st, status, reason, mcp.ErrorResponse(nil, code, msg, nil))
}

func tooLargeMessage(limit int) string {
	return "request body exceeds " + strconv.Itoa(limit) + " bytes"
}

// failClosed answers a hook that finds no usable state for its stream (no
// state, a body after a local reply, a response to a request that was neither
// rewritten nor answered): HTTP 500 with a JSON-RPC internal error, so that
// nothing goes upstream and no REST response reaches the client unconverted.
func failClosed(st *requestState, hook string) types.Action {
	log.Errorf("mcp-rest-bridge: %s without request state: answered 500", hook)
	return replyError(st, 500, reasonStateLost, mcp.CodeInternalError, "Internal error: the request state is missing")
}
