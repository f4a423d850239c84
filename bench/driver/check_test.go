package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/higress-group/proxy-wasm-go-sdk/proxywasm/proxytest"
	"github.com/higress-group/proxy-wasm-go-sdk/proxywasm/types"
)

// benchFixtures builds a scenario's fixtures from bench/config.json.
func benchFixtures(t *testing.T, name string) (scenario, fixtures) {
	t.Helper()
	cfg, err := os.ReadFile("../config.json")
	if err != nil {
		t.Fatal(err)
	}
	sc := scenarios[name]
	fx, err := newFixtures(sc, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return sc, fx
}

// rewritten is what a correct bridge leaves the host with for a tools/call of sc.
func rewritten(sc scenario, fx fixtures) outcome {
	result, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": rpcID,
		"result": map[string]any{"content": []map[string]string{{"type": "text", "text": string(fx.responseBody)}}, "isError": false}})
	up := [][2]string{{":method", "GET"}, {":path", upstreamPath + "?fields=" + strings.ReplaceAll(fieldsArg, ",", "%2C")},
		{":authority", upstreamHost}, {":scheme", "https"}, {"user-agent", "claude-code/2.0.14 (external, cli)"}}
	up = append(up, sc.wantHeaders...)
	return outcome{
		requestHeaders:  up,
		responseHeaders: [][2]string{{":status", "200"}, {"content-type", "application/json"}},
		responseBody:    result,
	}
}

// TestCheckBridge: the tools/call checks pass what a correct rewrite leaves and
// name what is wrong in a rewrite that is not.
func TestCheckBridge(t *testing.T) {
	tests := []struct {
		scenario string
		breakIt  func(*outcome)
		err      string
	}{
		{"apikey", func(*outcome) {}, ""},
		{"passthrough", func(*outcome) {}, ""},
		{"oauth2", func(*outcome) {}, ""},
		{"apikey", func(o *outcome) { o.requestHeaders = o.requestHeaders[:len(o.requestHeaders)-1] },
			"upstream request: header x-api-key: 0 value(s), want exactly the configured credential"},
		{"apikey", func(o *outcome) { o.requestHeaders = append(o.requestHeaders, [2]string{"X-Api-Key", defaultAPIKey}) },
			"upstream request: header x-api-key: 2 value(s), want exactly the configured credential"},
		{"apikey", func(o *outcome) {
			o.requestHeaders = append(o.requestHeaders, [2]string{"authorization", "Bearer " + clientToken})
		},
			"upstream request: header authorization must not reach the backend"},
		{"passthrough", func(o *outcome) {
			o.requestHeaders = append(o.requestHeaders, [2]string{"mcp-protocol-version", "2025-11-25"})
		},
			"upstream request: header mcp-protocol-version must not reach the backend"},
		{"oauth2", func(o *outcome) { o.requestHeaders[len(o.requestHeaders)-1][1] = "Bearer " + clientToken },
			"upstream request: header authorization: 1 value(s), want exactly the configured credential"},
		{"oauth2", func(o *outcome) { o.afterReqBody = types.ActionPause }, "request body phase returned action 1, want Continue"},
		{"apikey", func(o *outcome) { o.requestHeaders[1][1] = "/v1/pets/" + petID }, `upstream request: :path query "", want only fields="name,status,tags"`},
		{"apikey", func(o *outcome) { o.requestHeaders[2][1] = "mcp.example.com" }, `upstream request: :authority "mcp.example.com", want "petstore.internal"`},
		{"apikey", func(o *outcome) { o.requestBody = []byte("{}") }, "upstream request: GET carries a 2-byte body"},
		{"apikey", func(o *outcome) { o.responseHeaders[0][1] = "502" }, `client response: :status "502", want 200`},
		{"apikey", func(o *outcome) { o.responseBody = []byte(strings.Replace(string(o.responseBody), "Rex", "Max", 1)) },
			`tools/call text is not the backend body: "{\"id\":\"p-8812\",\"name\":\"Max\",`},
		{"apikey", func(o *outcome) {
			o.responseBody = []byte(strings.Replace(string(o.responseBody), `"isError":false`, `"isError":true`, 1))
		},
			"tools/call result has isError"},
		{"apikey", func(o *outcome) {
			o.localResponse = &proxytest.LocalHttpResponse{StatusCode: 200, Data: []byte(`{"jsonrpc":"2.0","id":42,"error":{"code":-32603}}`)}
		}, "plugin answered locally instead of calling the backend: HTTP 200"},
	}
	for i, tt := range tests {
		t.Run(fmt.Sprintf("%d-%s", i, tt.scenario), func(t *testing.T) {
			sc, fx := benchFixtures(t, tt.scenario)
			o := rewritten(sc, fx)
			tt.breakIt(&o)
			err := verifier("bridge", sc, fx)(o)
			switch {
			case tt.err == "" && err != nil:
				t.Fatalf("a correct rewrite fails the check: %v", err)
			case tt.err != "" && (err == nil || !strings.HasPrefix(err.Error(), tt.err)):
				t.Fatalf("err = %v, want it to start with %q", err, tt.err)
			}
		})
	}
}

// TestCheckToolsList: the plugin's own tools/list answer must list exactly the
// configured tools; an answer that went upstream, an error or a short list fail.
func TestCheckToolsList(t *testing.T) {
	sc, fx := benchFixtures(t, "toolslist")
	if len(fx.tools) != 3 || fx.tools[2].Name != "get_pet_via_oauth" || len(fx.tools[0].InputSchema.Required) != 1 {
		t.Fatalf("tools from bench/config.json: %+v", fx.tools)
	}
	answer := func(tools []listedTool) *proxytest.LocalHttpResponse {
		body, err := toolsListReply(tools)
		if err != nil {
			t.Fatal(err)
		}
		return &proxytest.LocalHttpResponse{StatusCode: 200, Headers: [][2]string{{"content-type", "application/json"}}, Data: body}
	}
	renamed := append([]listedTool(nil), fx.tools...)
	renamed[1].Description = "something else"
	tests := []struct {
		name string
		res  outcome
		err  string
	}{
		{"the configured tools", outcome{localResponse: answer(fx.tools)}, ""},
		{"went upstream", outcome{}, "tools/list was not answered by the plugin (the request went upstream)"},
		{"one tool short", outcome{localResponse: answer(fx.tools[:2])}, "tools/list answer does not list the configured tools"},
		{"another description", outcome{localResponse: answer(renamed)}, "tools/list answer does not list the configured tools"},
		{"refused", outcome{localResponse: &proxytest.LocalHttpResponse{StatusCode: 401, Data: []byte("unauthorized")}}, "tools/list answer: HTTP 401 unauthorized"},
		{"an error", outcome{localResponse: &proxytest.LocalHttpResponse{StatusCode: 200, Headers: [][2]string{{"content-type", "application/json"}},
			Data: []byte(`{"jsonrpc":"2.0","id":42,"error":{"code":-32601,"message":"nope"}}`)}}, "tools/list answer is not a result"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := verifier("bridge", sc, fx)(tt.res)
			switch {
			case tt.err == "" && err != nil:
				t.Fatalf("a correct answer fails the check: %v", err)
			case tt.err != "" && (err == nil || !strings.HasPrefix(err.Error(), tt.err)):
				t.Fatalf("err = %v, want it to start with %q", err, tt.err)
			}
		})
	}
}

// TestCheckTokenRequest: the priming cycle's token request must be the configured
// client-credentials grant to the token endpoint's cluster.
func TestCheckTokenRequest(t *testing.T) {
	good := proxytest.HttpCalloutAttribute{Upstream: oauthCluster,
		Headers: [][2]string{{":method", "POST"}, {":path", "/oauth2/token"}, {":authority", "auth.petstore.internal"},
			{"authorization", "Basic " + base64.StdEncoding.EncodeToString([]byte(oauthClientID+":"+oauthClientSecret))}},
		Body: []byte("grant_type=client_credentials&scope=pets.read&audience=https%3A%2F%2Fpetstore.internal")}
	tests := []struct {
		name    string
		breakIt func(*proxytest.HttpCalloutAttribute)
		err     string
	}{
		{"configured grant", func(*proxytest.HttpCalloutAttribute) {}, ""},
		{"other cluster", func(c *proxytest.HttpCalloutAttribute) { c.Upstream = "outbound|443||petstore.internal" },
			`token request to cluster "outbound|443||petstore.internal", want "outbound|443||auth.petstore.internal"`},
		{"no client authentication", func(c *proxytest.HttpCalloutAttribute) { c.Headers = c.Headers[:3] },
			"token request without the client's Basic credentials"},
		{"other grant", func(c *proxytest.HttpCalloutAttribute) { c.Body = []byte("grant_type=password&scope=pets.read") },
			`token request form "grant_type=password&scope=pets.read", want grant_type=client_credentials and scope=pets.read`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := good
			c.Headers = append([][2]string(nil), good.Headers...)
			tt.breakIt(&c)
			err := checkTokenRequest(c)
			if (tt.err == "" && err != nil) || (tt.err != "" && (err == nil || err.Error() != tt.err)) {
				t.Fatalf("err = %v, want %q", err, tt.err)
			}
		})
	}
}
