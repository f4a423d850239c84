package main

import (
	"strconv"

	"github.com/higress-group/proxy-wasm-go-sdk/proxywasm"
	"github.com/higress-group/proxy-wasm-go-sdk/proxywasm/types"
	"github.com/higress-group/wasm-go/pkg/log"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/jsonscan"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/metrics"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/rest"
)

// clientResponseHeaders is the complete header set the MCP client gets for a
// tool result: no backend header (set-cookie, www-authenticate, server, ...)
// survives.
var clientResponseHeaders = [][2]string{{":status", "200"}, {"content-type", "application/json"}}

// The proxy-wasm ABI's header map types (proxy_set_header_map_pairs).
const (
	mapRequestHeaders  uint32 = 0
	mapResponseHeaders uint32 = 2
)

type responseState struct {
	status      int
	contentType string
}

// onResponseHeaders takes the REST response's status and replaces every
// backend header; the body is converted in onResponseBody.
func onResponseHeaders(ctx *httpContext, pc pluginConfig) types.Action {
	st := stateOf(ctx)
	switch {
	case st != nil && st.answered:
		return types.ActionContinue // our own local reply on its way out
	case st == nil || st.call == nil:
		return failClosed(st, "response headers")
	}
	headers, _ := proxywasm.GetHttpResponseHeaders()
	var length, encoding string
	for _, h := range headers {
		switch h[0] {
		case ":status":
			st.resp.status, _ = strconv.Atoi(h[1])
		case "content-type":
			st.resp.contentType = h[1]
		case "content-length":
			length = h[1]
		case "content-encoding":
			encoding = h[1]
		}
	}
	ctx.responseRead(st.resp.contentType, encoding)
	if st.resp.status == 401 {
		dropRefusedToken(st)
	}
	// A declared empty body may still end with an empty data frame, which the
	// wrapper cannot read: answer now rather than never.
	if !ctx.HasResponseBody() || length == "0" || ctx.IsBinaryResponseBody() {
		return replyConverted(pc, st, nil, ctx.IsBinaryResponseBody())
	}
	headers = clientResponseHeaders
	if st.cors != nil {
		headers = append(append(make([][2]string, 0, 2+len(st.cors)), clientResponseHeaders...), st.cors...)
	}
	if err := setHeaderMap(mapResponseHeaders, headers); err != nil {
		log.Errorf("mcp-rest-bridge: cannot replace response headers: %v", err)
	}
	return types.HeaderStopIteration
}

// replyConverted answers from the response-headers phase, when there is no
// body to replace (204, HEAD) or the body cannot be read (compressed or binary).
func replyConverted(pc pluginConfig, st *requestState, body []byte, binary bool) types.Action {
	if binary {
		endToolCall(st, st.call, metrics.ToolUpstreamError, false)
		result := rest.ErrorResult("the REST backend returned HTTP " + strconv.Itoa(st.resp.status) +
			" with an encoded or binary body, which cannot be returned as a tool result")
		return replyJSON(st, 200, reasonUpstreamResult, pc.server.WrapResult(st.call, result))
	}
	return replyJSON(st, 200, reasonUpstreamResult, convert(pc, st, body))
}

// upstreamOutcome is a converted response's tool outcome: only a 2xx is ok.
func upstreamOutcome(status int) metrics.ToolOutcome {
	if status >= 200 && status < 300 {
		return metrics.ToolOK
	}
	return metrics.ToolUpstreamError
}

// convert turns the REST response into the JSON-RPC response. A body larger than
// bridge.maxResponseBodyBytes is refused unread. A body that the
// conversion parses (outputSchema, responseTemplate, errorResponseTemplate:
// rest.Call.ReadsResponse) and that is nested deeper than bridge.maxJsonDepth
// is refused before anything reads it: gjson's validator and the response
// templates recurse per level, and a hostile backend must not be able to trap
// the plugin. A body only escaped into text content is not parsed, so its
// nesting is not counted (a pass over every byte of every response, make
// bench); redaction reads a body as JSON only within the same bound
// (redact.Set.BodyWithin).
func convert(pc pluginConfig, st *requestState, body []byte) []byte {
	if limit := pc.cfg.Bridge.MaxResponseBytes; len(body) > limit {
		// The host buffers up to the larger of the two body bounds (setBufferLimits), or
		// its own limit on plain Envoy: the response bound is the plugin's to keep.
		endToolCall(st, st.call, metrics.ToolUpstreamError, false)
		result := rest.ErrorResult("the REST backend returned HTTP " + strconv.Itoa(st.resp.status) +
			" with a body larger than " + strconv.Itoa(limit) + " bytes, which is not read")
		return pc.server.WrapResult(st.call, result)
	}
	if limit := pc.cfg.Bridge.MaxJSONDepth; st.restCall.ReadsResponse(st.resp.status, st.resp.contentType) &&
		jsonscan.Deeper(body, limit) {
		endToolCall(st, st.call, metrics.ToolUpstreamError, false)
		result := rest.ErrorResult("the REST backend returned HTTP " + strconv.Itoa(st.resp.status) +
			" with a body nested deeper than " + strconv.Itoa(limit) + " levels, which is not read")
		return pc.server.WrapResult(st.call, result)
	}
	endToolCall(st, st.call, upstreamOutcome(st.resp.status), false)
	return convertRedacted(pc, st, body)
}

// onResponseBody converts the buffered REST body into the CallToolResult.
func onResponseBody(ctx *httpContext, pc pluginConfig, body []byte) types.Action {
	st := stateOf(ctx)
	switch {
	case st != nil && st.answered:
		return types.ActionContinue
	case st == nil || st.call == nil:
		return failClosed(st, "response body")
	}
	if err := proxywasm.ReplaceHttpResponseBody(convert(pc, st, body)); err != nil {
		log.Errorf("mcp-rest-bridge: cannot replace response body: %v", err)
	}
	return types.ActionContinue
}
