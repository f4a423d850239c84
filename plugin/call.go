package main

import (
	"errors"

	"github.com/higress-group/proxy-wasm-go-sdk/proxywasm"
	"github.com/higress-group/proxy-wasm-go-sdk/proxywasm/types"
	"github.com/higress-group/wasm-go/pkg/log"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/accesslog"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/config"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/mcp"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/metrics"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/rest"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/security"
)

// startToolCall validates the arguments, builds the REST request, resolves
// the credential and rewrites the in-flight request. Every refusal is a
// local reply: no request goes upstream unless all of it succeeded.
func startToolCall(ctx *httpContext, pc pluginConfig, st *requestState, call *mcp.Call) types.Action {
	tool := pc.cfg.Tools[call.ToolIndex]
	req := &st.upstream
	// The arguments are validated and resolved once, here; the request and the response
	// conversion both read them from st.restCall.
	if err := tool.Rest.Prepare(call.Arguments, &st.restCall); err != nil {
		return replyToolResult(pc, st, call, metrics.ToolInvalidArguments, rest.ErrorResult(err.Error()))
	}
	if !tool.Rest.HasUpstream() {
		return replyToolResult(pc, st, call, metrics.ToolOK, st.restCall.LocalResult())
	}
	if err := st.restCall.Build(clientView(tool.Rest, st.clientHeaders), req); err != nil {
		return replyToolResult(pc, st, call, metrics.ToolInvalidArguments, rest.ErrorResult(err.Error()))
	}
	// The response is redacted of the tool's configured credentials and of the one this call
	// applies upstream (added below, or by the oauth2 path once it has the token).
	st.secrets = pc.secrets[call.ToolIndex]
	if tool.UsesOAuth2() {
		st.credSource = tool.Policy.Source()
		return startOAuth2Call(ctx, st, call, tool)
	}
	st.credSource = tool.Policy.Source()
	applied, err := tool.Policy.Apply(security.Inbound{Headers: st.clientHeaders, RawQuery: st.rawQuery, Consumer: st.identity.Consumer}, req)
	if err != nil {
		return refuseCredential(st, call, err)
	}
	st.credSource = applied.Source
	log.Debugf("mcp-rest-bridge: tools/call %s: credential source %s", tool.Rest.Name(), applied.Source)
	st.secrets = st.secrets.WithInto(&st.secretSet, applied.Credential)
	return forward(st, call, tool)
}

// refuseCredential answers -31001 for a missing or malformed client credential.
func refuseCredential(st *requestState, call *mcp.Call, err error) types.Action {
	msg, reason := "credential refused", reasonCredential
	var se *security.Error
	if errors.As(err, &se) {
		msg, reason = se.Msg, se.Reason
	}
	st.metrics.AuthFailure(authReason(reason))
	endToolCall(st, call, metrics.ToolCredentialRefused, true)
	return replyJSON(st, 200, reason, mcp.ErrorResponse(call.ID, mcp.CodeCredentialRefused, msg, nil))
}

// forward rewrites the in-flight request into the tool's REST call.
func forward(st *requestState, call *mcp.Call, tool *config.Tool) types.Action {
	if err := rewriteRequest(st, &st.upstream); err != nil {
		log.Errorf("mcp-rest-bridge: tools/call %s: cannot rewrite request: %v", tool.Rest.Name(), err)
		endToolCall(st, call, metrics.ToolInternalError, true)
		return replyJSON(st, 200, reasonJSONRPC, mcp.ErrorResponse(call.ID, mcp.CodeInternalError, "internal error: cannot forward the tool call", nil))
	}
	st.call = call
	st.tool = tool
	return types.ActionContinue
}

// clientView is what Call.Build may read of the client: its headers, plus the downstream
// peer address (the "source.address" property, "ip:port") for tools whose templates call
// getSocketIP or getRealIP, as Higress reads it. Without the property both render as
// Higress's do: getSocketIP empty, getRealIP the first X-Forwarded-For hop or empty.
func clientView(tool *rest.Tool, headers [][2]string) [][2]string {
	if !tool.UsesClientAddress() {
		return headers
	}
	addr, err := proxywasm.GetProperty(sourceAddressProperty)
	if err != nil || len(addr) == 0 {
		return headers
	}
	return append(headers[:len(headers):len(headers)], [2]string{rest.SourceAddressHeader, string(addr)})
}

var sourceAddressProperty = []string{"source", "address"}

// replyToolResult answers a tools/call locally, redacted of the tool's configured credentials
// (a local responseTemplate or an error text could hold one).
func replyToolResult(pc pluginConfig, st *requestState, call *mcp.Call, o metrics.ToolOutcome, result []byte) types.Action {
	endToolCall(st, call, o, false)
	return replyJSON(st, 200, reasonToolResult, pc.secrets[call.ToolIndex].JSON(pc.server.WrapResult(call, result)))
}

// rewriteRequest replaces the whole header map in one host call: only what
// pkg/rest and pkg/security put into req goes upstream, plus the
// x-envoy-original-* headers Higress writes (the client's method and host, and
// its path without credential parameters), for the access log, which would
// otherwise print the REST URL and its API key.
func rewriteRequest(st *requestState, req *rest.Request) error {
	accesslog.Set(req, st.clientHeaders, st.logPath)
	disableReroute()
	if err := setHeaderMap(mapRequestHeaders, req.Wire(st.clientHeaders)); err != nil {
		return err
	}
	return proxywasm.ReplaceHttpRequestBody(req.Body)
}
