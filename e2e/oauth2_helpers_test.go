package e2e_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/e2e/backend"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/e2e/gateway"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/e2e/internal/oauthtest"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/e2e/internal/pluginbuild"
	"sigs.k8s.io/yaml"
)

// The issue-10 world: a real authorization server (zitadel's OP), the orders backend as its
// resource server (introspection), and the real plugin in one or more local gateways.
const (
	ccClient   = "orders-client"
	ccSecret   = "cc:s3cret/+%&=é-4b7e" // every character RFC 6749 §2.3.1 form-encodes
	ccRotated  = "cc-rotated-0d2a"
	xchgClient = "gw-xchg"
	xchgSecret = "xchg-secret-93fa"
	rsClient   = "orders-api"
	rsSecret   = "rs-secret-77c1"
	appClient  = "mcp-app" // what an MCP client's user token is issued to
	appSecret  = "app-secret-5e0d"
	app2Client = "mcp-app-2"
	app2Secret = "app2-secret-9b13"

	ordersAudience = "https://orders.example.com"
	ccCluster      = "outbound|80||auth.test" // Higress's name for tokenUrl http://auth.test/...
	msgBackendCred = "backend credential could not be obtained"
	codeInternal   = -32603
)

// oauth2YAML: client credentials with the default cluster and client_secret_basic; the same
// client with the rotated secret and client_secret_post; token exchange with an explicit
// cluster (zitadel's OP takes token-exchange clients by Basic only).
const oauth2YAML = `
server:
  name: orders
  securitySchemes:
  - id: orders-cc
    type: oauth2
    flows:
      clientCredentials:
        tokenUrl: http://auth.test/oauth/token
        scopes: {orders.write: "Write orders", orders.read: "Read orders"}
    clientId: ` + ccClient + `
    clientSecret: ${ORDERS_CLIENT_SECRET}
    audience: ` + ordersAudience + `
  - id: orders-cc-rotated
    type: oauth2
    flows:
      clientCredentials:
        tokenUrl: http://auth.test/oauth/token
        scopes: {orders.read: ""}
    clientId: ` + ccClient + `
    clientSecret: ${ORDERS_CLIENT_SECRET_ROTATED}
    tokenEndpointAuthMethod: client_secret_post
  - id: orders-xchg
    type: oauth2
    flows:
      tokenExchange:
        tokenUrl: http://idp.test:8080/oauth/token
        scopes: {orders.read: ""}
    clientId: ` + xchgClient + `
    clientSecret: ${GW_CLIENT_SECRET}
    audience: ` + ordersAudience + `
    tokenCluster: idp
  - id: user
    type: http
    scheme: bearer
tools:
- name: list_orders
  description: Orders, with the gateway's own token.
  requestTemplate: {url: "http://orders.test/v1/oauth/orders", method: GET, security: {id: orders-cc}}
- name: list_orders_rotated
  description: Orders, with the rotated client secret.
  requestTemplate: {url: "http://orders.test/v1/oauth/orders", method: GET, security: {id: orders-cc-rotated}}
- name: my_orders
  description: The caller's orders, with a token exchanged for the caller's.
  security: {id: user, passthrough: true}
  requestTemplate: {url: "http://orders.test/v1/oauth/orders", method: GET, security: {id: orders-xchg}}
`

type oauthWorld struct {
	as      *oauthtest.Server
	backend *backend.Backend
	gws     []*gateway.Gateway
	urls    []string // MCP endpoint per gateway

	mu      sync.Mutex
	replies []string // every MCP response body, for the leak scan
}

type worldOptions struct {
	workers, replicas int
	lifetime          time.Duration
	redisAddr         string // non-empty: bridge.tokenCache.redis on cluster redisCluster at this address
}

const (
	redisCluster  = "outbound|6379||redis.test" // Higress's name for serviceName redis.test
	redisPassword = "redis-pass-e2e-41d7"
	redisBridge   = `
bridge:
  tokenCache:
    redis: {serviceName: redis.test, password: "${REDIS_PASSWORD}", timeout: 500}
`
)

func startOAuthWorld(t *testing.T, o worldOptions) *oauthWorld {
	t.Helper()
	if o.lifetime == 0 {
		o.lifetime = time.Hour
	}
	if o.replicas == 0 {
		o.replicas = 1
	}
	pluginYAML, wasm := oauth2YAML, pluginWasm
	if o.redisAddr != "" {
		pluginYAML, wasm = oauth2YAML+redisBridge, redisPluginWasm(t)
	}
	w := &oauthWorld{as: oauthtest.Start(t, map[string]string{
		ccClient: ccSecret, xchgClient: xchgSecret, rsClient: rsSecret, appClient: appSecret, app2Client: app2Secret,
	}, o.lifetime)}
	w.backend = backend.New(backend.Credentials{OAuth: &backend.OAuth{
		IntrospectionURL: w.as.IntrospectionURL, ClientID: rsClient, ClientSecret: rsSecret, Scope: "orders.read",
	}})
	be := httptest.NewServer(w.backend)
	t.Cleanup(be.Close)
	pluginJSON, err := yaml.YAMLToJSON([]byte(pluginYAML))
	if err != nil {
		t.Fatal(err)
	}
	clusters := map[string]gateway.Cluster{
		"orders": {Address: strings.TrimPrefix(be.URL, "http://")}, ccCluster: {Address: w.as.Addr}, "idp": {Address: w.as.Addr},
	}
	if o.redisAddr != "" {
		clusters[redisCluster] = gateway.Cluster{Address: o.redisAddr}
	}
	for range o.replicas {
		g, err := gateway.New(gateway.Config{
			Wasm: wasm, PluginConfig: pluginJSON, Workers: o.workers, PluginLogLevel: "trace",
			Env: map[string]string{"ORDERS_CLIENT_SECRET": ccSecret, "ORDERS_CLIENT_SECRET_ROTATED": ccRotated,
				"GW_CLIENT_SECRET": xchgSecret, "REDIS_PASSWORD": redisPassword},
			Clusters:            clusters,
			Routes:              []gateway.Route{{Name: "mcp", Prefix: "/mcp", Cluster: "orders", AuthorityClusters: map[string]string{"orders.test": "orders"}}},
			CompilationCacheDir: gateway.DefaultCompilationCacheDir(),
		})
		if err != nil {
			t.Fatalf("gateway.New: %v", err)
		}
		srv := httptest.NewServer(g)
		t.Cleanup(func() { srv.Close(); _ = g.Close() })
		w.gws, w.urls = append(w.gws, g), append(w.urls, srv.URL+"/mcp")
	}
	return w
}

var (
	redisWasmOnce sync.Once
	redisWasm     []byte
	redisWasmErr  error
)

// redisPluginWasm is the plugin with Higress's Redis support (-tags redis), built once, when
// a test first needs it.
func redisPluginWasm(t *testing.T) []byte {
	t.Helper()
	redisWasmOnce.Do(func() { redisWasm, redisWasmErr = pluginbuild.WasmRedis("..") })
	if redisWasmErr != nil {
		t.Fatal(redisWasmErr)
	}
	return redisWasm
}

// rpcReply is a JSON-RPC response to a tools/call.
type rpcReply struct {
	Result *struct {
		Content []struct{ Text string }
		IsError bool
	}
	Error *struct {
		Code    int
		Message string
	}
}

func (r rpcReply) text() string {
	if r.Result == nil || len(r.Result.Content) == 0 {
		return ""
	}
	return r.Result.Content[0].Text
}

// call sends one tools/call (legacy era, stateless) to gateway gw with extra headers.
func (w *oauthWorld) call(t *testing.T, gw int, tool string, header map[string]string) rpcReply {
	t.Helper()
	body := fmt.Sprintf(`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":%q,"arguments":{}}}`, tool)
	req, err := http.NewRequest("POST", w.urls[gw], strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	req.Header.Set("MCP-Protocol-Version", "2025-11-25")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := (&http.Client{Timeout: 20 * time.Second}).Do(req)
	if err != nil {
		t.Fatalf("tools/call %s: %v", tool, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	w.mu.Lock()
	w.replies = append(w.replies, string(raw)+fmt.Sprint(resp.Header))
	w.mu.Unlock()
	var out rpcReply
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("tools/call %s: HTTP %d, not JSON-RPC: %q", tool, resp.StatusCode, raw)
	}
	return out
}

// ordersSubject checks a successful list result and returns the token's subject and client
// as the backend saw them.
func ordersSubject(t *testing.T, r rpcReply) (subject, client string) {
	t.Helper()
	if r.Error != nil || r.Result == nil || r.Result.IsError {
		t.Fatalf("tools/call failed: %+v %q", r.Error, r.text())
	}
	var out struct{ Subject, Client string }
	if err := json.Unmarshal([]byte(r.text()), &out); err != nil {
		t.Fatalf("result is not the backend's orders: %q", r.text())
	}
	return out.Subject, out.Client
}

// backendTokens returns the bearer token of every request the backend got, asserting each
// had exactly one Authorization header and no other credential carrier.
func (w *oauthWorld) backendTokens(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, r := range w.backend.Requests() {
		auth := r.Header.Values("Authorization")
		if len(auth) != 1 || !strings.HasPrefix(auth[0], "Bearer ") {
			t.Errorf("backend request %s has Authorization %q", r.Path, auth)
			continue
		}
		if creds := credentials(r); len(creds) != 1 {
			t.Errorf("backend request %s carries %v, want only the bearer", r.Path, creds)
		}
		out = append(out, strings.TrimPrefix(auth[0], "Bearer "))
	}
	return out
}

// assertNothingLeaked scans every gateway log line (all levels) and every MCP response for the
// client secrets (raw, form-encoded, in a Basic header), the users' tokens and every token
// the authorization server issued, also base64-encoded (wasm-go logs Redis traffic so).
func (w *oauthWorld) assertNothingLeaked(t *testing.T, userTokens ...string) {
	t.Helper()
	secrets := append([]string{ccSecret, ccRotated, xchgSecret, url.QueryEscape(ccSecret), redisPassword}, userTokens...)
	secrets = append(secrets, w.as.Issued()...)
	var forms []string
	for _, s := range secrets {
		forms = append(forms, s, base64.StdEncoding.EncodeToString([]byte(s)))
	}
	forms = append(forms, base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(ccClient)+":"+url.QueryEscape(ccSecret))))
	check := func(where, text string) {
		for _, f := range forms {
			if strings.Contains(text, f) {
				t.Errorf("%s leaks a secret or token: %.300q", where, text)
				return
			}
		}
	}
	for i, g := range w.gws {
		for _, e := range g.Logs() {
			check(fmt.Sprintf("gateway %d log (%s %s)", i, e.Source, e.Level), e.Msg)
		}
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, r := range w.replies {
		check("MCP response", r)
	}
}

// counter sums a plugin counter over every gateway's workers (0 when never defined).
func (w *oauthWorld) counter(name string) uint64 {
	var n uint64
	for _, g := range w.gws {
		v, _ := g.Counter("mcp_rest_bridge." + name)
		n += v
	}
	return n
}

// debugLines returns the plugin's debug lines of all gateways that contain s.
func (w *oauthWorld) debugLines(s string) []string {
	var out []string
	for _, g := range w.gws {
		for _, e := range g.Logs() {
			if e.Source == "plugin" && e.Level == "debug" && strings.Contains(e.Msg, s) {
				out = append(out, e.Msg)
			}
		}
	}
	return out
}
