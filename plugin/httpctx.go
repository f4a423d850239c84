package main

import (
	"runtime/debug"
	"strings"

	"github.com/higress-group/proxy-wasm-go-sdk/proxywasm"
	"github.com/higress-group/proxy-wasm-go-sdk/proxywasm/types"
	"github.com/higress-group/wasm-go/pkg/log"
	"github.com/higress-group/wasm-go/pkg/wrapper"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/mcp"
)

// The plugin keeps wasm-go's VM and plugin contexts (configuration parsing, Higress's
// matchRules, ticks, the logger) and replaces only its per-request HTTP context. wasm-go's
// runs, for every request, ten single-header reads (:scheme, :authority, :path, :method,
// connection, upgrade, content-type, content-encoding, x-request-id; two more on the
// response), an x_request_id property write for its logger, and the matchRules lookup (one
// header read and two property reads) even when the configuration has no rules: fifteen host
// calls the plugin does not need, as it reads each header map whole, once. httpContext does
// what the plugin uses of wasm-go's: the rule match, whole-body buffering with the same
// rules (no body read for websocket upgrades or binary content), and panic recovery, which
// here fails the request closed instead of letting it continue.

// vmContext is wasm-go's VM context with the plugin's own plugin contexts.
type vmContext struct {
	*wrapper.CommonVmCtx[pluginConfig]
}

func (v vmContext) NewPluginContext(id uint32) types.PluginContext {
	inner, _ := v.CommonVmCtx.NewPluginContext(id).(*wrapper.CommonPluginCtx[pluginConfig])
	return &pluginContext{CommonPluginCtx: inner}
}

// pluginContext is wasm-go's plugin context with the plugin's own HTTP contexts.
type pluginContext struct {
	*wrapper.CommonPluginCtx[pluginConfig]
	// global is the configuration every request gets when the plugin configuration has no
	// matchRules (_rules_); with rules, wasm-go's matcher picks one per request.
	global   *pluginConfig
	hasRules bool
}

// startRules and startGlobal carry what checkRawConfig and parseConfig learn during one
// plugin start to OnPluginStart, which runs them synchronously.
var (
	startRules  bool
	startGlobal pluginConfig
)

func (p *pluginContext) OnPluginStart(n int) types.OnPluginStartStatus {
	startRules, startGlobal = false, pluginConfig{}
	status := p.CommonPluginCtx.OnPluginStart(n)
	p.hasRules, p.global = startRules, nil
	if status == types.OnPluginStartStatusOK && !startRules && startGlobal.cfg != nil {
		g := startGlobal
		p.global = &g
	}
	return status
}

func (p *pluginContext) NewHttpContext(id uint32) types.HttpContext {
	return &httpContext{plugin: p, id: id}
}

// matchConfig is the configuration of the request (nil: the plugin does not apply to it).
func (p *pluginContext) matchConfig() *pluginConfig {
	if !p.hasRules {
		return p.global
	}
	c, err := p.GetMatchConfig()
	if err != nil {
		log.Errorf("mcp-rest-bridge: cannot match the request to a rule: %v", err)
		return nil
	}
	return c
}

// httpContext is one HTTP stream.
type httpContext struct {
	types.DefaultHttpContext
	plugin *pluginContext
	id     uint32
	config *pluginConfig // nil: the plugin does not apply to this stream
	st     *requestState

	headers          [][2]string // the client's request headers, read once
	method, path     string
	requestID        string // x-request-id, for log lines and the audit trail
	hasRequestBody   bool
	readRequestBody  bool
	requestBodySize  int
	hasResponseBody  bool
	readResponseBody bool
	binaryResponse   bool
	responseBodySize int
}

func (c *httpContext) Method() string             { return c.method }
func (c *httpContext) Path() string               { return c.path }
func (c *httpContext) HasRequestBody() bool       { return c.hasRequestBody }
func (c *httpContext) HasResponseBody() bool      { return c.hasResponseBody }
func (c *httpContext) IsBinaryResponseBody() bool { return c.binaryResponse }
func (c *httpContext) DontReadRequestBody()       { c.readRequestBody = false }

// isBinary is wasm-go's rule: such bodies are not read.
func isBinary(contentType, contentEncoding string) bool {
	return strings.Contains(contentType, "octet-stream") || strings.Contains(contentType, "grpc") || contentEncoding != ""
}

func (c *httpContext) OnHttpRequestHeaders(_ int, endOfStream bool) (action types.Action) {
	defer c.recoverClosed(&action)
	c.hasRequestBody = !endOfStream
	c.headers, _ = proxywasm.GetHttpRequestHeaders()
	var contentType, contentEncoding, connection, upgrade string
	for _, h := range c.headers {
		switch h[0] {
		case ":method":
			c.method = h[1]
		case ":path":
			c.path = h[1]
		case "x-request-id":
			c.requestID = h[1]
		case "content-type":
			contentType = h[1]
		case "content-encoding":
			contentEncoding = h[1]
		case "connection":
			connection = h[1]
		case "upgrade":
			upgrade = h[1]
		}
	}
	logger.requestID = c.requestID
	if c.config = c.plugin.matchConfig(); c.config == nil {
		return types.ActionContinue
	}
	websocket := strings.EqualFold(connection, "upgrade") && strings.EqualFold(upgrade, "websocket")
	c.readRequestBody = !websocket && !isBinary(contentType, contentEncoding)
	c.readResponseBody = !websocket
	return onRequestHeaders(c, *c.config)
}

func (c *httpContext) OnHttpRequestBody(bodySize int, endOfStream bool) (action types.Action) {
	defer c.recoverClosed(&action)
	if c.config == nil || !c.readRequestBody {
		return types.ActionContinue
	}
	logger.requestID = c.requestID
	c.requestBodySize += bodySize
	if !endOfStream {
		return types.ActionPause
	}
	body, err := proxywasm.GetHttpRequestBody(0, c.requestBodySize)
	if err != nil {
		log.Warnf("mcp-rest-bridge: cannot read the request body: %v", err)
		return types.ActionContinue
	}
	return onRequestBody(c, *c.config, body)
}

func (c *httpContext) OnHttpResponseHeaders(_ int, endOfStream bool) (action types.Action) {
	defer c.recoverClosed(&action)
	if c.config == nil {
		return types.ActionContinue
	}
	logger.requestID = c.requestID
	c.hasResponseBody = !endOfStream
	return onResponseHeaders(c, *c.config)
}

// responseRead is onResponseHeaders's report of the response's content type and encoding,
// from the header map it reads whole.
func (c *httpContext) responseRead(contentType, contentEncoding string) {
	c.binaryResponse = isBinary(contentType, contentEncoding)
	if c.binaryResponse {
		c.readResponseBody = false
	}
}

func (c *httpContext) OnHttpResponseBody(bodySize int, endOfStream bool) (action types.Action) {
	defer c.recoverClosed(&action)
	if c.config == nil || !c.readResponseBody {
		return types.ActionContinue
	}
	logger.requestID = c.requestID
	c.responseBodySize += bodySize
	if !endOfStream {
		return types.ActionPause
	}
	body, err := proxywasm.GetHttpResponseBody(0, c.responseBodySize)
	if err != nil {
		log.Warnf("mcp-rest-bridge: cannot read the response body: %v", err)
		return types.ActionContinue
	}
	return onResponseBody(c, *c.config, body)
}

// OnHttpStreamDone (proxy_on_log: the host calls no hook of the stream after it) gives the
// stream's state back to its configuration's pool.
func (c *httpContext) OnHttpStreamDone() {
	defer c.recoverLogged()
	logger.requestID = c.requestID
	if c.config != nil {
		onStreamDone(c, *c.config)
	}
}

// recoverLogged logs a panic where no reply can be sent any more.
func (c *httpContext) recoverLogged() {
	if r := recover(); r != nil {
		log.Errorf("mcp-rest-bridge: recovered from panic %v, stack: %s", r, debug.Stack())
	}
	logger.requestID = ""
}

// recoverClosed turns a panic in a hook into a logged error and a 500 JSON-RPC internal error
// (wasm-go's recovery let the request continue, to the backend or to the client unconverted).
// Lines written outside a stream's hook (callouts, ticks) name no request.
func (c *httpContext) recoverClosed(action *types.Action) {
	defer func() { logger.requestID = "" }()
	r := recover()
	if r == nil {
		return
	}
	log.Errorf("mcp-rest-bridge: recovered from panic %v, stack: %s", r, debug.Stack())
	if c.st != nil && c.st.answered {
		*action = types.ActionContinue
		return
	}
	*action = replyError(c.st, 500, reasonInternal, mcp.CodeInternalError, "Internal error")
}
