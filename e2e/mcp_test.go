package e2e_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/e2e/backend"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/e2e/demo"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/e2e/examples"
	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
)

// codeCredentialRefused is the plugin's JSON-RPC code for a refused client credential.
const codeCredentialRefused = -31001

var demoTools = []string{"list_pets", "get_pet", "list_my_orders", "place_order", "store_inventory", "add_pet", "search_pets", "admin_stats"}

// TestGoSDK drives the demo with the official Go MCP SDK in both protocol eras, and once with
// bodies delivered to the plugin in 7-byte chunks.
func TestGoSDK(t *testing.T) {
	for _, v := range []struct {
		name  string
		era   string
		chunk int
	}{
		{"legacy", legacy, 0},
		{"modern", modern, 0},
		{"legacy chunked", legacy, 7},
	} {
		t.Run(v.name, func(t *testing.T) {
			d := startDemo(t, demo.Options{ChunkSize: v.chunk})
			for _, tc := range credentialModes {
				t.Run(tc.name, func(t *testing.T) {
					d.Backend.Reset()
					tc.run(t, d, v.era)
				})
			}
			assertNoSecretsInLogs(t, d)
		})
	}
}

var credentialModes = []struct {
	name string
	run  func(t *testing.T, d *demo.Demo, era string)
}{
	{"tools/list", testToolsList},
	{"public", testPublic},
	{"passthrough bearer", testPassthroughBearer},
	{"passthrough body", testPassthroughBody},
	{"passthrough missing", testPassthroughMissing},
	{"passthrough wrong form", testPassthroughWrongForm},
	{"default apiKey header", testAPIKeyHeader},
	{"default apiKey query", testAPIKeyQuery},
	{"default basic", testBasic},
}

func testToolsList(t *testing.T, d *demo.Demo, era string) {
	cs, _ := connect(t, d.MCPURL, era, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	res, err := cs.ListTools(ctx, nil)
	if err != nil {
		t.Fatalf("tools/list: %v", err)
	}
	var names []string
	for _, tool := range res.Tools {
		names = append(names, tool.Name)
	}
	if !slices.Equal(names, demoTools) {
		t.Fatalf("tools = %v, want %v", names, demoTools)
	}
	schema, err := json.Marshal(res.Tools[1].InputSchema)
	if err != nil {
		t.Fatal(err)
	}
	var s struct {
		Type       string
		Required   []string
		Properties map[string]struct{ Type string }
	}
	if err := json.Unmarshal(schema, &s); err != nil {
		t.Fatal(err)
	}
	if s.Type != "object" || !slices.Equal(s.Required, []string{"petId"}) || s.Properties["petId"].Type != "integer" {
		t.Errorf("get_pet inputSchema = %s", schema)
	}
	if n := len(d.Backend.Requests()); n != 0 {
		t.Errorf("tools/list reached the backend %d times", n)
	}
}

func testPublic(t *testing.T, d *demo.Demo, era string) {
	cs, rec := connect(t, d.MCPURL, era, nil)
	res, err := callTool(t, cs, "list_pets", map[string]any{"species": "cat"})
	if err != nil || res.IsError || !strings.Contains(resultText(res), `"Mittens"`) {
		t.Fatalf("list_pets = %+v, %v", res, err)
	}
	r := onlyRecord(t, d.Backend)
	if r.Method != "GET" || r.Path != "/v1/pets" || r.Query.Get("species") != "cat" || r.Query.Get("limit") != "10" || r.Host != "petstore.local" {
		t.Errorf("backend got %s %s?%s host %s", r.Method, r.Path, r.RawQuery, r.Host)
	}
	if c := credentials(r); len(c) != 0 {
		t.Errorf("public call carried credentials %v", c)
	}
	assertNoBackendHeaders(t, rec)
}

func testPassthroughBearer(t *testing.T, d *demo.Demo, era string) {
	cs, rec := connect(t, d.MCPURL, era, map[string]string{
		"Authorization": "Bearer demo-alice-token",
		"X-API-Key":     "client-supplied-key", // not this tool's carrier: dropped like every header
		"Cookie":        "session=client-cookie",
	})
	res, err := callTool(t, cs, "list_my_orders", nil)
	if err != nil || res.IsError || !strings.Contains(resultText(res), `"user": "alice"`) {
		t.Fatalf("list_my_orders = %+v, %v", res, err)
	}
	r := onlyRecord(t, d.Backend)
	if r.Method != "GET" || r.Path != "/v1/me/orders" {
		t.Errorf("backend got %s %s", r.Method, r.Path)
	}
	if got, want := credentials(r), []string{"header:Authorization=Bearer demo-alice-token"}; !slices.Equal(got, want) {
		t.Errorf("credentials at the backend = %v, want exactly %v", got, want)
	}
	assertNoBackendHeaders(t, rec)
}

func testPassthroughBody(t *testing.T, d *demo.Demo, era string) {
	cs, _ := connect(t, d.MCPURL, era, map[string]string{"Authorization": "bearer demo-bob-token"})
	res, err := callTool(t, cs, "place_order", map[string]any{"petId": 2})
	if err != nil || res.IsError || !strings.Contains(resultText(res), `"status": "placed"`) {
		t.Fatalf("place_order = %+v, %v", res, err)
	}
	r := onlyRecord(t, d.Backend)
	var body map[string]any
	if err := json.Unmarshal([]byte(r.Body), &body); err != nil || len(body) != 2 || body["petId"] != 2.0 || body["quantity"] != 1.0 {
		t.Errorf("backend body = %q (%v)", r.Body, err)
	}
	if r.Method != "POST" || r.Path != "/v1/orders" || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		t.Errorf("backend got %s %s content-type %q", r.Method, r.Path, r.Header.Get("Content-Type"))
	}
	if got, want := credentials(r), []string{"header:Authorization=Bearer demo-bob-token"}; !slices.Equal(got, want) {
		t.Errorf("credentials at the backend = %v, want exactly %v", got, want)
	}
}

// refused asserts a JSON-RPC credential refusal that names the tool and no credential.
func refused(t *testing.T, err error, tool string, secrets ...string) {
	t.Helper()
	var werr *jsonrpc.Error
	if !errors.As(err, &werr) {
		t.Fatalf("%s: got %v, want a JSON-RPC error", tool, err)
	}
	if werr.Code != codeCredentialRefused || !strings.Contains(werr.Message, `"`+tool+`"`) {
		t.Errorf("%s: error %d %q, want code %d naming the tool", tool, werr.Code, werr.Message, codeCredentialRefused)
	}
	for _, s := range secrets {
		if strings.Contains(werr.Message, s) {
			t.Errorf("%s: error message echoes the credential: %q", tool, werr.Message)
		}
	}
}

func testPassthroughMissing(t *testing.T, d *demo.Demo, era string) {
	cs, _ := connect(t, d.MCPURL, era, map[string]string{"X-API-Key": "not-a-bearer"})
	res, err := callTool(t, cs, "list_my_orders", nil)
	if err == nil {
		t.Fatalf("list_my_orders without a token = %+v, want a JSON-RPC error", res)
	}
	refused(t, err, "list_my_orders", "not-a-bearer")
	if recs := d.Backend.Requests(); len(recs) != 0 {
		t.Errorf("the backend got %d requests; a refused call must not reach it", len(recs))
	}
}

func testPassthroughWrongForm(t *testing.T, d *demo.Demo, era string) {
	for _, auth := range []string{
		basic("alice:demo-alice-token"), // the right secret in the wrong scheme
		"Bearer demo-alice-token extra", // two tokens
		"Bearer ",                       // no token
		"Token demo-alice-token",        // unknown scheme
	} {
		cs, _ := connect(t, d.MCPURL, era, map[string]string{"Authorization": auth})
		_, err := callTool(t, cs, "place_order", map[string]any{"petId": 1})
		refused(t, err, "place_order", "demo-alice-token")
	}
	if recs := d.Backend.Requests(); len(recs) != 0 {
		t.Errorf("the backend got %d requests; refused calls must not reach it", len(recs))
	}
}

func testAPIKeyHeader(t *testing.T, d *demo.Demo, era string) {
	cs, rec := connect(t, d.MCPURL, era, map[string]string{
		"Authorization": "Bearer client-own-token", // must never reach an apiKey backend
		"X-API-Key":     "client-supplied-key",     // replaced by the gateway's key
	})
	res, err := callTool(t, cs, "store_inventory", nil)
	if err != nil || res.IsError || !strings.Contains(resultText(res), `"available"`) {
		t.Fatalf("store_inventory = %+v, %v", res, err)
	}
	r := onlyRecord(t, d.Backend)
	if got, want := credentials(r), []string{"header:X-Api-Key=" + d.Secrets[examples.EnvAPIKey]}; !slices.Equal(got, want) {
		t.Errorf("credentials at the backend = %v, want exactly %v", got, want)
	}
	d.Backend.Reset()
	res, err = callTool(t, cs, "add_pet", map[string]any{"name": "Nemo", "species": "fish", "price": 12.5})
	if err != nil || res.IsError || !strings.Contains(resultText(res), `"Nemo"`) {
		t.Fatalf("add_pet = %+v, %v", res, err)
	}
	r = onlyRecord(t, d.Backend)
	if got, want := credentials(r), []string{"header:X-Api-Key=" + d.Secrets[examples.EnvAPIKey]}; !slices.Equal(got, want) || r.Method != "POST" {
		t.Errorf("backend got %s with credentials %v, want exactly %v", r.Method, got, want)
	}
	assertNoBackendHeaders(t, rec)
}

func testAPIKeyQuery(t *testing.T, d *demo.Demo, era string) {
	// The client puts its own api_key on the MCP URL and in a header: neither may cross.
	cs, _ := connect(t, d.MCPURL+"?api_key=client-supplied-key", era, map[string]string{"Authorization": "Bearer client-own-token"})
	res, err := callTool(t, cs, "search_pets", map[string]any{"q": "re"})
	if err != nil || res.IsError || !strings.Contains(resultText(res), `"Rex"`) {
		t.Fatalf("search_pets = %+v, %v", res, err)
	}
	r := onlyRecord(t, d.Backend)
	if got, want := credentials(r), []string{"query:api_key=" + d.Secrets[examples.EnvSearchKey]}; !slices.Equal(got, want) {
		t.Errorf("credentials at the backend = %v, want exactly %v", got, want)
	}
	if r.Query.Get("q") != "re" || len(r.Query) != 2 {
		t.Errorf("backend query = %q", r.RawQuery)
	}
}

func testBasic(t *testing.T, d *demo.Demo, era string) {
	cs, _ := connect(t, d.MCPURL, era, map[string]string{"Authorization": basic("mallory:guess")})
	res, err := callTool(t, cs, "admin_stats", nil)
	if err != nil || res.IsError || !strings.Contains(resultText(res), `"routes"`) {
		t.Fatalf("admin_stats = %+v, %v", res, err)
	}
	r := onlyRecord(t, d.Backend)
	if got, want := credentials(r), []string{"header:Authorization=" + basic(d.Secrets[examples.EnvAdminCredential])}; !slices.Equal(got, want) {
		t.Errorf("credentials at the backend = %v, want exactly %v", got, want)
	}
}

// TestBackendRefusalStaysInside: the backend refuses the plugin's key with 401, WWW-Authenticate
// and Set-Cookie; the MCP client gets a tool error and none of those headers.
func TestBackendRefusalStaysInside(t *testing.T) {
	secrets := examples.Secrets()
	d := startDemo(t, demo.Options{BackendCredentials: &backend.Credentials{APIKey: "rotated-key-the-plugin-lacks"}})
	for _, era := range []string{legacy, modern} {
		t.Run(eraName(era), func(t *testing.T) {
			d.Backend.Reset()
			cs, rec := connect(t, d.MCPURL, era, nil)
			res, err := callTool(t, cs, "store_inventory", nil)
			if err != nil || !res.IsError || !strings.Contains(resultText(res), "401") {
				t.Fatalf("store_inventory = %+v, %v; want a tool error mentioning 401", res, err)
			}
			if strings.Contains(resultText(res), secrets[examples.EnvAPIKey]) {
				t.Errorf("tool error echoes the key: %q", resultText(res))
			}
			if r := onlyRecord(t, d.Backend); r.Header.Get("X-Api-Key") != secrets[examples.EnvAPIKey] {
				t.Errorf("backend got X-Api-Key %q", r.Header.Get("X-Api-Key"))
			}
			assertNoBackendHeaders(t, rec)
		})
	}
}

// assertNoBackendHeaders checks every HTTP response the client saw.
func assertNoBackendHeaders(t *testing.T, rec *recorder) {
	t.Helper()
	for _, h := range rec.headers() {
		for _, name := range []string{"Set-Cookie", "Www-Authenticate", "X-Envoy-Upstream-Service-Time"} {
			if v := h.Values(name); len(v) > 0 {
				t.Errorf("the MCP client got %s: %q", name, v)
			}
		}
	}
}

// assertNoSecretsInLogs scans every line the gateway captured (plugin logs at all levels, guest
// stdout/stderr, the gateway's own lines) for every credential used in the tests.
func assertNoSecretsInLogs(t *testing.T, d *demo.Demo) {
	t.Helper()
	secrets := []string{"demo-alice-token", "demo-bob-token", "client-supplied-key", "client-own-token", "client-cookie", "mallory:guess"}
	for _, v := range d.Secrets {
		secrets = append(secrets, v, basic(v)[len("Basic "):])
	}
	logs := d.Gateway.Logs()
	if len(logs) == 0 {
		t.Fatal("no log lines captured at all")
	}
	for _, e := range logs {
		for _, s := range secrets {
			if strings.Contains(e.Msg, s) {
				t.Errorf("%s %s log line contains a secret (%.6s...): %q", e.Source, e.Level, s, e.Msg)
			}
		}
	}
}
