package main

import (
	"strconv"
	"strings"
	"time"

	"github.com/higress-group/proxy-wasm-go-sdk/proxywasm"
	"github.com/higress-group/proxy-wasm-go-sdk/proxywasm/types"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/accesslog"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/clientauth"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/config"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/mcp"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/metrics"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/redact"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/rest"
)

// now is the plugin's clock (audit durations).
var now = time.Now

// requestState is everything one HTTP exchange carries between hooks.
type requestState struct {
	clientHeaders [][2]string
	rawQuery      string
	logPath       string // x-envoy-original-path once :path is rewritten (pkg/accesslog)
	mcpHeaders    mcp.Headers
	allowHeaders  []string    // every x-envoy-allow-mcp-tools value; "" = no restriction
	cors          [][2]string // CORS response headers for an allowed Origin, else nil
	call          *mcp.Call
	metrics       *metrics.Set // the configuration's counters
	audit         bool         // bridge.audit: endToolCall writes an audit line
	start         time.Time    // when the request's headers arrived (the audit line's duration)
	credSource    string       // the call's upstream credential source, logged, never a value
	tool          *config.Tool
	restCall      rest.Call   // the tools/call's arguments, prepared for its tool
	secrets       *redact.Set // the call's credentials: the tool's configured ones plus the applied one
	secretSet     redact.Set  // holds secrets when the call adds a credential (Set.WithInto), recycled
	upstream      rest.Request
	resp          responseState
	oauth2        oauth2State // the tool's oauth2 grant, when its upstream scheme is oauth2
	// answered is set once the plugin sent a local reply: in Envoy that reply
	// passes through this filter's response hooks, which must let it out.
	answered bool
	// identity is the caller authenticated by bridge.clientAuth (anonymous without it).
	identity clientauth.Identity
	// authWait: authentication waits for a JWKS fetch (plugin/jwks.go); the body, once
	// read, waits in waitingBody.
	authWait    bool
	waitingBody []byte
	// pinned: a callout holds the state (a JWKS or token wait) and may resume it after the
	// stream ended, so it is not recycled (plugin/pool.go).
	pinned bool
	out    []byte // the tools/call's JSON-RPC message, a buffer recycled with the state
	// requestID is the client's x-request-id (the audit line's request_id).
	requestID string
}

func stateOf(ctx *httpContext) *requestState { return ctx.st }

// onRequestHeaders checks what can be checked before the body arrives and
// keeps the client's headers (credential carriers included) in hand.
func onRequestHeaders(ctx *httpContext, pc pluginConfig) types.Action {
	cfg := pc.cfg
	// The state exists from the first hook on, so that a later hook without
	// it is an anomaly that fails closed.
	st := pc.states.get()
	st.metrics, st.audit, st.start, st.requestID = pc.metrics, cfg.Bridge.Audit, now(), ctx.requestID
	ctx.st = st
	if ctx.Method() == "OPTIONS" {
		ctx.DontReadRequestBody()
		st.answered = true
		return preflight(cfg)
	}
	if ctx.Method() != "POST" {
		ctx.DontReadRequestBody()
		if ctx.Method() == "GET" {
			if action, ok := serveMetadata(ctx, st, cfg.ClientAuth); ok {
				return action
			}
		}
		pc.metrics.Request("", metrics.RequestRefused)
		st.answered = true
		return reply(405, reasonMethodNotAllowed, [][2]string{{"allow", "POST"}}, nil)
	}
	headers := ctx.headers
	st.clientHeaders = headers
	var origin, contentType, contentLength string
	forgedLogPath := false
	for _, h := range headers {
		switch h[0] {
		case "origin":
			origin = h[1]
		case "content-type":
			contentType = h[1]
		case "content-length":
			contentLength = h[1]
		case "x-envoy-allow-mcp-tools":
			st.allowHeaders = append(st.allowHeaders, h[1])
		case accesslog.Header, accesslog.HostHeader, accesslog.MethodHeader:
			forgedLogPath = true
		default:
			if strings.HasPrefix(h[0], "mcp-") {
				st.mcpHeaders.Add(h[0], h[1])
			}
		}
	}
	if forgedLogPath {
		// Access logs print this header instead of :path: a client must not
		// write its own log line, even for a request answered locally.
		disableReroute()
		for _, name := range accesslog.Names {
			_ = proxywasm.RemoveHttpRequestHeader(name)
		}
	}
	if origin != "" && !originAllowed(cfg, origin) {
		ctx.DontReadRequestBody()
		st.metrics.Request("", metrics.RequestRefused)
		return replyError(st, 403, reasonOriginForbidden, mcp.CodeInvalidRequest, "origin not allowed")
	}
	if origin != "" {
		st.cors = corsHeaders(origin)
	}
	if action, ok := authenticate(ctx, pc, st, headers); !ok {
		ctx.DontReadRequestBody()
		st.metrics.Request("", metrics.RequestRefused)
		return action
	}
	if !isJSONContentType(contentType) {
		ctx.DontReadRequestBody()
		st.metrics.Request("", metrics.RequestRefused)
		return replyError(st, 415, reasonMediaType, mcp.CodeInvalidRequest, "Content-Type must be application/json")
	}
	limit := cfg.Bridge.MaxRequestBytes
	if n, err := strconv.Atoi(contentLength); err == nil && n > limit {
		ctx.DontReadRequestBody()
		st.metrics.Request("", metrics.RequestRefused)
		return replyError(st, 413, reasonBodyTooLarge, mcp.CodeInvalidRequest, tooLargeMessage(limit))
	}
	if !ctx.HasRequestBody() {
		ctx.DontReadRequestBody()
		st.metrics.Request("", metrics.RequestRefused)
		return replyError(st, 400, reasonJSONRPC, mcp.CodeParseError, "Parse error: empty body")
	}
	path := ctx.Path()
	if i := strings.IndexByte(path, '?'); i >= 0 {
		st.rawQuery = path[i+1:]
	}
	st.logPath = accesslog.OriginalPath(path, cfg.CredentialQueryParams)
	setBufferLimits(pc)
	return types.HeaderStopIteration
}

// setBufferLimits asks the host (Higress) to buffer this stream's bodies up to the larger of
// bridge.maxRequestBodyBytes and bridge.maxResponseBodyBytes, in one property: Higress's Envoy
// applies set_decoder_buffer_limit and set_encoder_buffer_limit alike, to the stream's one
// buffer limit (FilterManager::setBufferLimit), so a second property only overwrote the first.
// The plugin enforces both bounds itself (onRequestHeaders, onRequestBody, onResponseBody).
// The property cannot be skipped: the host's own limit is its downstream connection buffer
// limit, 32 KiB in Higress's default configuration (64 KiB per HTTP/2 stream), below every
// bound the plugin accepts, and the guest cannot read it. Plain Envoy keeps the property as
// filter state and applies its own limit. It is set directly: the wrapper's helpers log.
func setBufferLimits(pc pluginConfig) {
	_ = proxywasm.SetProperty(bufferLimitProperty, pc.bufferLimit)
}

// bufferLimitProperty: the response's name, should a host ever tell the two apart (the
// response is the body likely to exceed a host's default).
var bufferLimitProperty = []string{"set_encoder_buffer_limit"}

// disableReroute keeps Envoy on the route it chose for the client's request: Higress clears
// the route cache at each change of the request headers unless clear_route_cache is "off"
// (plain Envoy always clears it and ignores the property). Only a request the plugin changes
// needs it, so it is set just before the change, not for requests answered locally.
func disableReroute() {
	_ = proxywasm.SetProperty(clearRouteCacheProperty, routeCacheOff)
}

var (
	clearRouteCacheProperty = []string{"clear_route_cache"}
	routeCacheOff           = []byte("off")
)

func isJSONContentType(ct string) bool {
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = ct[:i]
	}
	return strings.EqualFold(strings.TrimSpace(ct), "application/json")
}

// onRequestBody answers MCP locally or rewrites the request into the tool's
// REST call.
func onRequestBody(ctx *httpContext, pc pluginConfig, body []byte) types.Action {
	cfg := pc.cfg
	st := stateOf(ctx)
	switch {
	case st == nil:
		return failClosed(nil, "request body")
	case st.answered:
		return types.ActionPause // answered already: nothing goes upstream
	case st.authWait:
		st.waitingBody = body // the caller is not known yet: jwksWait.done goes on
		return types.ActionPause
	}
	if len(body) > cfg.Bridge.MaxRequestBytes {
		st.metrics.Request("", metrics.RequestRefused)
		return replyError(st, 413, reasonBodyTooLarge, mcp.CodeInvalidRequest, tooLargeMessage(cfg.Bridge.MaxRequestBytes))
	}
	var refused error
	allowed := callerAllowed(cfg, st, allowFunc(cfg, st.allowHeaders), &refused)
	out := pc.server.Handle(allowed, &st.mcpHeaders, body)
	if refused != nil && out.Kind == mcp.Reply && out.Method == mcp.MethodToolsCall {
		st.metrics.Request(mcp.MethodToolsCall, metrics.RequestRefused)
		return challenge(cfg.ClientAuth, st, refused)
	}
	switch out.Kind {
	case mcp.Accepted:
		countReply(st.metrics, out)
		st.answered = true
		return reply(202, reasonAccepted, st.cors, nil)
	case mcp.ToolCall:
		return startToolCall(ctx, pc, st, out.Call)
	default:
		countReply(st.metrics, out)
		return replyJSON(st, uint32(out.Status), reasonJSONRPC, out.Body)
	}
}
