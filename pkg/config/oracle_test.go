package config

// Higress's own mcp-server REST implementation (github.com/higress-group/wasm-go/pkg/mcp/server),
// driven in-process as a test oracle: its config parser decides whether Higress accepts a config,
// its RestMCPTool gives the tools/list entry, and its RestMCPTool.Call, with the wasm-go
// wrapper's own HttpContext.RouteCall, rewrites an MCP client's request into the upstream one and
// turns the backend's answer into the tool result. Both read and write the request through
// proxywasm host calls, so they run inside an HTTP context of the SDK's host emulator, whose
// header map after the call is what Higress sends upstream.

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/higress-group/proxy-wasm-go-sdk/proxywasm"
	"github.com/higress-group/proxy-wasm-go-sdk/proxywasm/proxytest"
	"github.com/higress-group/proxy-wasm-go-sdk/proxywasm/types"
	"github.com/higress-group/wasm-go/pkg/iface"
	hlog "github.com/higress-group/wasm-go/pkg/log"
	hserver "github.com/higress-group/wasm-go/pkg/mcp/server"
	hutils "github.com/higress-group/wasm-go/pkg/mcp/utils"
	"github.com/higress-group/wasm-go/pkg/wrapper"
	"github.com/tidwall/gjson"
)

// higress is one config loaded by Higress's code.
type higress struct {
	registry *hserver.GlobalToolRegistry
	server   *hserver.RestMCPServer
	name     string
}

// wireRequest is an upstream request as it leaves the gateway: the header map (pseudo headers
// included, names lower-case as Envoy holds them) and the body.
type wireRequest struct {
	Headers [][2]string
	Body    []byte
}

// clientRequest is the MCP POST that reaches the gateway, and the peer address Envoy reports
// for it (the source.address property).
type clientRequest struct {
	Headers       [][2]string
	SourceAddress string
}

// mcpClient is a typical MCP client's tools/call POST behind a load balancer: it authenticates
// to the gateway with a bearer token, accepts JSON or SSE, says which protocol version it speaks.
var mcpClient = clientRequest{
	Headers: [][2]string{
		{":method", "POST"}, {":path", "/mcp"}, {":authority", "mcp.example.com"}, {":scheme", "https"},
		{"content-type", "application/json"}, {"accept", "application/json, text/event-stream"},
		{"accept-encoding", "gzip, deflate"}, {"content-length", "187"}, {"user-agent", "node"},
		{"authorization", "Bearer gw-token-6c1d"}, {"mcp-protocol-version", "2025-06-18"},
		{"x-forwarded-for", "203.0.113.7"}, {"x-forwarded-proto", "https"}, {"x-request-id", "req-7f3a91"},
		{"traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"},
	},
	SourceAddress: "10.1.2.3:40112",
}

// loadHigress parses a config with Higress's ParseConfigCore (must succeed) and builds the same
// RestMCPServer its REST branch builds, so tools can be called.
func loadHigress(cfgJSON []byte) (*higress, error) {
	hlog.SetPluginLog(nopLog{})
	root := gjson.ParseBytes(cfgJSON)
	h := &higress{registry: &hserver.GlobalToolRegistry{}, name: root.Get("server.name").Str}
	h.registry.Initialize()
	var parsed hserver.McpServerConfig
	if err := hserver.ParseConfigCore(root, &parsed, &hserver.ConfigOptions{ToolRegistry: h.registry}); err != nil {
		return nil, fmt.Errorf("higress rejects the config: %w", err)
	}
	h.server = hserver.NewRestMCPServer(h.name)
	h.server.SetConfig([]byte(root.Get("server.config").Raw))
	for _, s := range root.Get("server.securitySchemes").Array() {
		var scheme hserver.SecurityScheme
		if err := json.Unmarshal([]byte(s.Raw), &scheme); err != nil {
			return nil, err
		}
		h.server.AddSecurityScheme(scheme)
	}
	h.server.SetPassthroughAuthHeader(root.Get("server.passthroughAuthHeader").Bool())
	for _, tj := range root.Get("tools").Array() {
		var tool hserver.RestTool
		if err := json.Unmarshal([]byte(tj.Raw), &tool); err != nil {
			return nil, err
		}
		if err := h.server.AddRestTool(tool); err != nil {
			return nil, err
		}
	}
	return h, nil
}

// listEntry returns Higress's tools/list entry of a tool as generic JSON.
func (h *higress) listEntry(name string) (map[string]any, error) {
	info, ok := h.registry.GetToolInfo(h.name, name)
	if !ok {
		return nil, fmt.Errorf("higress has no tool %q", name)
	}
	entry := map[string]any{"name": name, "description": info.Description, "inputSchema": info.InputSchema}
	if len(info.OutputSchema) > 0 {
		entry["outputSchema"] = info.OutputSchema
	}
	return normalizeJSON(entry)
}

// render runs Higress's tools/call for one tool on client's request and returns what goes
// upstream. Higress's RouteCall (wasm-go wrapper, run for real) rewrites the client's request in
// place, so the result is the client's header map after every removal and replacement Higress
// makes, and the body it sets.
func (h *higress) render(t *testing.T, name string, args []byte, client clientRequest) (*wireRequest, error) {
	t.Helper()
	tool, ok := h.server.GetMCPTools()[name]
	if !ok {
		return nil, fmt.Errorf("higress has no tool %q", name)
	}
	ctx := &captureCtx{}
	var callErr error
	wire, _ := inEmulatedRequest(t, client, func() {
		// What Higress's onHttpRequestHeaders (pkg/mcp/server/plugin.go) removes before any
		// tool runs; the hook itself is unexported.
		_ = proxywasm.RemoveHttpRequestHeader("accept-encoding")
		_ = proxywasm.RemoveHttpRequestHeader("mcp-protocol-version")
		callErr = tool.Create(args).Call(ctx, h.server)
	})
	if callErr != nil {
		return nil, callErr
	}
	if !ctx.routed {
		return nil, fmt.Errorf("higress made no upstream call")
	}
	return wire, nil
}

// backendResponse is what the REST backend answers.
type backendResponse struct {
	status  int
	headers [][2]string
	body    []byte
}

// result runs Higress's tools/call for one tool, answers its upstream request with resp, and
// returns the JSON-RPC "result" Higress sends the MCP client.
func (h *higress) result(t *testing.T, name string, args []byte, resp backendResponse) ([]byte, error) {
	t.Helper()
	tool, ok := h.server.GetMCPTools()[name]
	if !ok {
		return nil, fmt.Errorf("higress has no tool %q", name)
	}
	ctx := &captureCtx{}
	var callErr error
	_, reply := inEmulatedRequest(t, mcpClient, func() {
		if callErr = tool.Create(args).Call(ctx, h.server); callErr == nil && ctx.callback != nil {
			ctx.callback(resp.status, resp.headers, resp.body)
		}
	})
	switch {
	case callErr != nil:
		return nil, callErr
	case reply == nil:
		return nil, fmt.Errorf("higress sent no reply")
	}
	return []byte(gjson.GetBytes(reply.Data, "result").Raw), nil
}

// captureCtx is the HttpContext handed to RestMCPTool.Call: RouteCall is the wasm-go wrapper's
// own; the JSON-RPC reply is sent as a local response while the request is being decoded; any
// other method would panic (the embedded interface is nil), which the tests would report.
type captureCtx struct {
	wrapper.HttpContext
	routed   bool
	callback iface.RouteResponseCallback
}

func (c *captureCtx) RouteCall(method, url string, headers [][2]string, body []byte, cb iface.RouteResponseCallback) error {
	c.routed, c.callback = true, cb
	return (&wrapper.CommonHttpCtx[struct{}]{}).RouteCall(method, url, headers, body, cb)
}

func (c *captureCtx) GetExecutionPhase() iface.HTTPExecutionPhase { return iface.DecodeData }

func (c *captureCtx) GetContext(key string) any {
	if key == hutils.CtxJsonRpcID {
		return hutils.JsonRpcID{IntValue: 1}
	}
	return nil
}

// emulatorHook is what the emulated HTTP context runs in OnHttpRequestHeaders.
var emulatorHook func()

type oracleVM struct{ types.DefaultVMContext }
type oraclePlugin struct{ types.DefaultPluginContext }
type oracleHTTP struct{ types.DefaultHttpContext }

func (*oracleVM) NewPluginContext(uint32) types.PluginContext { return &oraclePlugin{} }
func (*oraclePlugin) NewHttpContext(uint32) types.HttpContext { return &oracleHTTP{} }
func (*oracleHTTP) OnHttpRequestHeaders(int, bool) types.Action {
	emulatorHook()
	return types.ActionContinue
}

// inEmulatedRequest runs f inside client's request on a fresh host emulator, where proxywasm
// host calls work, and returns the request's header map and body afterwards, and the local
// response f sent (nil when none).
func inEmulatedRequest(t *testing.T, client clientRequest, f func()) (*wireRequest, *proxytest.LocalHttpResponse) {
	t.Helper()
	opt := proxytest.NewEmulatorOption().WithVMContext(&oracleVM{})
	if client.SourceAddress != "" {
		opt = opt.WithProperty([]string{"source", "address"}, []byte(client.SourceAddress))
	}
	host, reset := proxytest.NewHostEmulator(opt)
	defer reset()
	if host.StartVM() != types.OnVMStartStatusOK || host.StartPlugin() != types.OnPluginStartStatusOK {
		t.Fatal("host emulator did not start")
	}
	emulatorHook = f
	id := host.InitializeHttpContext()
	host.CallOnRequestHeaders(id, client.Headers, false)
	return &wireRequest{Headers: host.GetCurrentRequestHeaders(id), Body: host.GetCurrentRequestBody(id)}, host.GetSentLocalResponse(id)
}

// normalizeJSON round-trips v through encoding/json so values compare with reflect.DeepEqual.
func normalizeJSON(v any) (map[string]any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var out map[string]any
	return out, json.Unmarshal(b, &out)
}

type nopLog struct{}

func (nopLog) Trace(string)                     {}
func (nopLog) Tracef(string, ...interface{})    {}
func (nopLog) Debug(string)                     {}
func (nopLog) Debugf(string, ...interface{})    {}
func (nopLog) Info(string)                      {}
func (nopLog) Infof(string, ...interface{})     {}
func (nopLog) Warn(string)                      {}
func (nopLog) Warnf(string, ...interface{})     {}
func (nopLog) Error(string)                     {}
func (nopLog) Errorf(string, ...interface{})    {}
func (nopLog) Critical(string)                  {}
func (nopLog) Criticalf(string, ...interface{}) {}
func (nopLog) ResetID(string)                   {}
