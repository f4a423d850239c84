package main

import (
	"encoding/json"
	"testing"

	"github.com/higress-group/proxy-wasm-go-sdk/proxywasm/types"
	"github.com/stretchr/testify/require"
)

// groupMatchRules: Higress's matchRules (_rules_) still pick the configuration per request
// (the plugin's HTTP context asks wasm-go's matcher), a request no rule matches is left alone,
// and the global configuration, when there is one beside the rules, serves the rest.
func groupMatchRules(t *testing.T) {
	var petstore map[string]any
	require.NoError(t, json.Unmarshal(petstoreConfig(t), &petstore))
	rule := map[string]any{"_match_route_": []string{"default/petstore-mcp"}}
	for k, v := range petstore {
		rule[k] = v
	}
	other := map[string]any{"_match_domain_": []string{"pets.example.com"}, "server": map[string]any{"name": "other"},
		"tools": []any{map[string]any{"name": "ping_pets", "description": "Local answer.", "args": []any{},
			"responseTemplate": map[string]any{"body": "pong"}}}}
	list := `{"jsonrpc":"2.0","id":1,"method":"tools/list"}`
	// toolsOf runs in its own subtest: a test host must be reset before the next one starts.
	toolsOf := func(t *testing.T, route, authority string, cfg any) (tools []string) {
		t.Run(route+"@"+authority, func(t *testing.T) {
			raw, err := json.Marshal(cfg)
			require.NoError(t, err)
			host := mustStart(t, raw)
			require.NoError(t, host.SetRouteName(route))
			action := post(host, withHeader(legacyHeaders(), ":authority", authority), list)
			lr := host.GetLocalResponse()
			if lr == nil {
				require.Equal(t, types.ActionContinue, action, "not the plugin's request: passed on untouched")
				return
			}
			tools = toolNames(t, lr.Data)
		})
		return tools
	}
	rules := map[string]any{"_rules_": []any{rule, other}}
	require.Equal(t, petstoreTools, toolsOf(t, "default/petstore-mcp", "gateway.example.com", rules), "route rule")
	require.Equal(t, []string{"ping_pets"}, toolsOf(t, "default/other", "pets.example.com", rules), "domain rule")
	require.Nil(t, toolsOf(t, "default/other", "gateway.example.com", rules), "no rule matches")
	withGlobal := map[string]any{"_rules_": []any{other}}
	for k, v := range petstore {
		withGlobal[k] = v
	}
	require.Equal(t, []string{"ping_pets"}, toolsOf(t, "default/petstore-mcp", "pets.example.com", withGlobal), "rule beside a global config")
	require.Equal(t, petstoreTools, toolsOf(t, "default/other", "gateway.example.com", withGlobal), "global config")
}
