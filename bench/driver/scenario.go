package main

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Fixed values shared by the fixtures and the checks. They must agree with
// bench/config.json.
const (
	clientToken   = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJiZW5jaC11c2VyIiwiYXVkIjoicGV0c3RvcmUifQ.c2lnbmF0dXJlLWJlbmNo"
	defaultAPIKey = "bench-petstore-key-0001"
	petID         = "p-8812"
	fieldsArg     = "name,status,tags"
	rpcID         = 42
	upstreamHost  = "petstore.internal"
	upstreamPath  = "/v1/pets/" + petID

	// The OAuth2 client of get_pet_via_oauth and what its token endpoint issues.
	oauthClientID     = "mcp-gateway"
	oauthSecretEnv    = "BENCH_OAUTH_CLIENT_SECRET"
	oauthClientSecret = "bench-oauth-secret-5e1c"
	oauthCluster      = "outbound|443||auth.petstore.internal"
	oauthToken        = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJtY3AtZ2F0ZXdheSIsInNjb3BlIjoicGV0cy5yZWFkIn0.aXNzdWVkLWJ5LWJlbmNo"
	oauthTokenTTL     = 3600 // seconds: the virtual clock moves 0.1 s per 1000 requests, no refresh is due in a run
)

// scenario is one MCP exchange the bench measures and what the plugin must do with it.
type scenario struct {
	method        string      // tools/call or tools/list
	tool          string      // tools/call: the tool called
	wantHeaders   [][2]string // tools/call: upstream headers that must be present with exactly this value
	absentHeaders []string    // tools/call: upstream headers that must be gone
	// oauth2: the upstream credential is a client-credentials token. The driver's token
	// endpoint issues it once, in a priming cycle before the warm-up; no counted cycle may
	// pause for a token or leave a token request behind.
	oauth2 bool
}

var scenarios = map[string]scenario{
	// Default apiKey credential from requestTemplate.security; the client's
	// bearer token must not reach the backend.
	"apikey": {
		method:        "tools/call",
		tool:          "get_pet",
		wantHeaders:   [][2]string{{"x-api-key", defaultAPIKey}},
		absentHeaders: []string{"authorization", "mcp-protocol-version"},
	},
	// Client bearer passed through to a bearer backend.
	"passthrough": {
		method:        "tools/call",
		tool:          "get_pet_as_user",
		wantHeaders:   [][2]string{{"authorization", "Bearer " + clientToken}},
		absentHeaders: []string{"x-api-key", "mcp-protocol-version"},
	},
	// The gateway's own OAuth2 client-credentials token, from the cache: the client's
	// bearer is replaced by the issued token.
	"oauth2": {
		method:        "tools/call",
		tool:          "get_pet_via_oauth",
		wantHeaders:   [][2]string{{"authorization", "Bearer " + oauthToken}},
		absentHeaders: []string{"x-api-key", "mcp-protocol-version"},
		oauth2:        true,
	},
	// tools/list, answered by the plugin itself from the configuration.
	"toolslist": {method: "tools/list"},
}

func scenarioNames() string {
	names := make([]string, 0, len(scenarios))
	for n := range scenarios {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// fixtures is one request/response exchange, built once and replayed N times.
// The response is what the backend sends: for tools/list, an MCP server that
// serves the configured tools (the no-op's counterpart of the plugin's local
// answer; the plugin itself never sees it).
type fixtures struct {
	requestHeaders  [][2]string
	requestBody     []byte
	responseHeaders [][2]string
	responseBody    []byte
	tools           []listedTool // tools/list: what the answer must list
}

func newFixtures(sc scenario, config []byte) (fixtures, error) {
	var fx fixtures
	switch sc.method {
	case "tools/call":
		fx.requestBody = []byte(fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":%q,"arguments":{"petId":%q,"fields":%q}}}`,
			rpcID, sc.tool, petID, fieldsArg))
		fx.responseBody = petResponse()
	case "tools/list":
		fx.requestBody = []byte(fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"tools/list"}`, rpcID))
		var err error
		if fx.tools, err = configuredTools(config); err != nil {
			return fixtures{}, err
		}
		if fx.responseBody, err = toolsListReply(fx.tools); err != nil {
			return fixtures{}, err
		}
	}
	fx.requestHeaders = [][2]string{
		{":method", "POST"},
		{":path", "/mcp"},
		{":authority", "mcp.example.com"},
		{":scheme", "https"},
		{"content-type", "application/json"},
		{"accept", "application/json, text/event-stream"},
		{"mcp-protocol-version", "2025-11-25"},
		{"authorization", "Bearer " + clientToken},
		{"user-agent", "claude-code/2.0.14 (external, cli)"},
		{"accept-encoding", "gzip, deflate, br"},
		{"content-length", strconv.Itoa(len(fx.requestBody))},
		{"x-forwarded-for", "203.0.113.7"},
		{"x-forwarded-proto", "https"},
		{"x-request-id", "0f6c1d2e-8b7a-4c39-9e51-2a7d4b6c8e90"},
		{"traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"},
	}
	fx.responseHeaders = [][2]string{
		{":status", "200"},
		{"content-type", "application/json"},
		{"content-length", strconv.Itoa(len(fx.responseBody))},
		{"date", "Mon, 17 Nov 2025 09:30:00 GMT"},
		{"server", "petstore/1.4"},
		{"cache-control", "no-store"},
		{"x-envoy-upstream-service-time", "7"},
	}
	return fx, nil
}

// petResponse is a compact 1 KiB JSON object, as a REST backend would send it.
func petResponse() []byte {
	const head = `{"id":"` + petID + `","name":"Rex","status":"available","species":"dog","breed":"border collie",` +
		`"birthDate":"2021-04-03","weightKg":18.4,"vaccinated":true,"microchip":"985112003456789",` +
		`"tags":["friendly","trained","good-with-kids"],` +
		`"owner":{"id":"u-1021","name":"Alex Doe","email":"alex.doe@example.com"},` +
		`"photos":[{"url":"https://cdn.petstore.example/p-8812/1.jpg","width":1024,"height":768},` +
		`{"url":"https://cdn.petstore.example/p-8812/2.jpg","width":1024,"height":768}],` +
		`"notes":"`
	const tail = `"}`
	var b strings.Builder
	b.WriteString(head)
	const filler = "Loves long walks and fetch. "
	for b.Len()+len(tail) < 1024 {
		b.WriteByte(filler[(b.Len()-len(head))%len(filler)])
	}
	b.WriteString(tail)
	return []byte(b.String())
}

// listedTool is what a tools/list answer says about a tool, as far as the
// bench checks it: the MCP fields that come from the configuration.
type listedTool struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	InputSchema struct {
		Type       string                     `json:"type"`
		Properties map[string]listedArgSchema `json:"properties"`
		Required   []string                   `json:"required,omitempty"`
	} `json:"inputSchema"`
}

type listedArgSchema struct {
	Type        string `json:"type"`
	Description string `json:"description"`
}

// configuredTools reads the tools of a plugin configuration as MCP lists them.
func configuredTools(config []byte) ([]listedTool, error) {
	var cfg struct {
		Tools []struct {
			Name, Description string
			Args              []struct {
				Name, Description, Type string
				Required                bool
			}
		}
	}
	if err := json.Unmarshal(config, &cfg); err != nil {
		return nil, fmt.Errorf("driver: configuration: %w", err)
	}
	tools := make([]listedTool, len(cfg.Tools))
	for i, t := range cfg.Tools {
		lt := &tools[i]
		lt.Name, lt.Description = t.Name, t.Description
		lt.InputSchema.Type = "object"
		lt.InputSchema.Properties = map[string]listedArgSchema{}
		for _, a := range t.Args {
			lt.InputSchema.Properties[a.Name] = listedArgSchema{Type: a.Type, Description: a.Description}
			if a.Required {
				lt.InputSchema.Required = append(lt.InputSchema.Required, a.Name)
			}
		}
	}
	return tools, nil
}

// toolsListReply is an MCP server's answer to the fixtures' tools/list.
func toolsListReply(tools []listedTool) ([]byte, error) {
	var reply struct {
		JSONRPC string `json:"jsonrpc"`
		ID      int    `json:"id"`
		Result  struct {
			Tools []listedTool `json:"tools"`
		} `json:"result"`
	}
	reply.JSONRPC, reply.ID, reply.Result.Tools = "2.0", rpcID, tools
	return json.Marshal(reply)
}
