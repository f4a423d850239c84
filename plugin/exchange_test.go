package main

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

const petstoreKey = "petstore-key-4471"

// petstoreConfig is testdata/configs/petstore.yaml as the gateway passes it.
// Its key is ${PETSTORE_API_KEY}; the emulator cannot give the .wasm an
// environment, so the test writes the value in (see TestEnvCredentialResolved).
func petstoreConfig(t *testing.T) json.RawMessage {
	cfg := loadYAMLConfig(t, "../testdata/configs/petstore.yaml")
	return setConfig(t, cfg, "server.securitySchemes.0.defaultCredential", petstoreKey)
}

var petstoreTools = []string{"list_pets", "get_pet", "create_pet", "update_pet_status", "delete_pet",
	"place_order", "list_my_orders", "store_hours"}

const petsJSON = `{"pets":[{"id":1,"name":"Rex","status":"available","category":{"name":"dog"}},` +
	`{"id":2,"name":"Tom","status":"available","category":{"name":"cat"}}]}`

// exchangeStep is one POST of a client conversation.
type exchangeStep struct {
	name     string
	headers  [][2]string
	body     string
	upstream [][2]string // exact upstream headers; nil = answered locally
	status   string      // REST status when upstream
	rest     string      // REST body when upstream
	check    func(t *testing.T, out []byte)
}

func legacyExchange() []exchangeStep {
	return []exchangeStep{
		{name: "initialize", headers: withHeader(legacyHeaders(), "mcp-protocol-version", ""),
			body: `{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"legacy-client","version":"1.0"}}}`,
			check: func(t *testing.T, out []byte) {
				require.Equal(t, "2025-11-25", jsonField(t, out, "result.protocolVersion").String())
				require.Equal(t, "petstore", jsonField(t, out, "result.serverInfo.name").String())
				require.Equal(t, "2.3.0", jsonField(t, out, "result.serverInfo.version").String())
				require.Equal(t, "Browse, add and adopt pets from the Example Pet Store.", jsonField(t, out, "result.instructions").String())
			}},
		{name: "initialized", headers: legacyHeaders(), body: `{"jsonrpc":"2.0","method":"notifications/initialized"}`},
		{name: "tools/list", headers: legacyHeaders(), body: `{"jsonrpc":"2.0","id":1,"method":"tools/list"}`,
			check: func(t *testing.T, out []byte) { require.Equal(t, petstoreTools, toolNames(t, out)) }},
		{name: "tools/call get_pet", headers: legacyHeaders(),
			body:     `{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"get_pet","arguments":{"petId":42}}}`,
			upstream: [][2]string{{":method", "GET"}, {":path", "/v2/pets/42"}, {":authority", "petstore.example.com"}, {":scheme", "https"}, {"content-type", "application/json"}, {"accept", "*/*"}, {"x-petstore-key", petstoreKey}},
			status:   "200", rest: `{"id":42,"name":"Rex","status":"available","tags":["good"]}`,
			check: func(t *testing.T, out []byte) {
				require.JSONEq(t, `{"id":42,"name":"Rex","status":"available","tags":["good"]}`, jsonField(t, out, "result.structuredContent").Raw)
			}},
		{name: "tools/call list_pets renders its response template", headers: legacyHeaders(),
			body:     `{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"list_pets","arguments":{"limit":2}}}`,
			upstream: [][2]string{{":method", "GET"}, {":path", "/v2/stores/store-042/pets?status=available&limit=2"}, {":authority", "petstore.example.com"}, {":scheme", "https"}, {"accept", "application/json"}, {"content-type", "application/json"}, {"x-petstore-key", petstoreKey}},
			status:   "200", rest: petsJSON,
			check: func(t *testing.T, out []byte) {
				require.Equal(t, "\n1. Rex (dog) - available\n2. Tom (cat) - available\n", jsonField(t, out, "result.content.0.text").String())
			}},
	}
}

func modernExchange() []exchangeStep {
	meta := `"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{},"io.modelcontextprotocol/clientInfo":{"name":"modern-client","version":"2.0"}}`
	return []exchangeStep{
		{name: "server/discover", headers: modernHeaders("server/discover", ""),
			body: `{"jsonrpc":"2.0","id":"d","method":"server/discover","params":{` + meta + `}}`,
			check: func(t *testing.T, out []byte) {
				require.Equal(t, "complete", jsonField(t, out, "result.resultType").String())
				require.True(t, jsonField(t, out, "result.capabilities.tools").IsObject())
			}},
		{name: "tools/list", headers: modernHeaders("tools/list", ""), body: `{"jsonrpc":"2.0","id":"l","method":"tools/list","params":{` + meta + `}}`,
			check: func(t *testing.T, out []byte) {
				require.Equal(t, petstoreTools, toolNames(t, out))
				require.Equal(t, int64(120000), jsonField(t, out, "result.ttlMs").Int())
				require.Equal(t, "Pet-Id", jsonField(t, out, `result.tools.1.inputSchema.properties.petId.x-mcp-header`).String())
			}},
		{name: "tools/call get_pet with its Mcp-Param header", headers: modernHeaders("tools/call", "get_pet", [2]string{"mcp-param-pet-id", "7"}),
			body:     `{"jsonrpc":"2.0","id":"c","method":"tools/call","params":{"name":"get_pet","arguments":{"petId":7},` + meta + `}}`,
			upstream: [][2]string{{":method", "GET"}, {":path", "/v2/pets/7"}, {":authority", "petstore.example.com"}, {":scheme", "https"}, {"content-type", "application/json"}, {"accept", "*/*"}, {"x-petstore-key", petstoreKey}},
			status:   "200", rest: `{"id":7,"name":"Tom"}`,
			check: func(t *testing.T, out []byte) {
				require.Equal(t, "complete", jsonField(t, out, "result.resultType").String())
				require.JSONEq(t, `{"id":7,"name":"Tom"}`, jsonField(t, out, "result.structuredContent").Raw)
			}},
		{name: "tools/call without its Mcp-Param header is -32020", headers: modernHeaders("tools/call", "get_pet"),
			body: `{"jsonrpc":"2.0","id":"m","method":"tools/call","params":{"name":"get_pet","arguments":{"petId":7},` + meta + `}}`,
			check: func(t *testing.T, out []byte) {
				require.Equal(t, int64(-32020), jsonField(t, out, "error.code").Int())
			}},
	}
}

// TestHigressConfigExchanges runs a legacy and a modern client conversation
// against a Higress-format config from testdata, in Go mode and in the .wasm.
func groupHigressConfigExchanges(t *testing.T) {
	cfg := petstoreConfig(t)
	func(t *testing.T) {
		for era, steps := range map[string][]exchangeStep{"legacy": legacyExchange(), "modern": modernExchange()} {
			for _, s := range steps {
				t.Run(era+"/"+s.name, func(t *testing.T) {
					host := mustStart(t, cfg)
					post(host, s.headers, s.body)
					var out []byte
					if s.upstream == nil {
						lr := localResponse(t, host)
						out = lr.Data
						if s.check == nil { // a notification
							require.Equal(t, uint32(202), lr.StatusCode)
							return
						}
					} else {
						require.Nil(t, host.GetLocalResponse())
						want := append(s.upstream[:len(s.upstream):len(s.upstream)], [2]string{"x-envoy-original-path", "/mcp"},
							[2]string{"x-envoy-original-method", "POST"}, [2]string{"x-envoy-original-host", "gateway.example.com"})
						require.Equal(t, want, host.GetRequestHeaders())
						out = respond(t, host, s.status, [][2]string{{"content-type", "application/json"}}, s.rest)
					}
					s.check(t, out)
					requireNoSecretInLogs(t, host, petstoreKey)
				})
			}
		}
	}(t)
}
