package main

import (
	"testing"

	"github.com/higress-group/proxy-wasm-go-sdk/proxywasm/types"
	"github.com/stretchr/testify/require"
)

// groupLegacyOnly: Higress 2.2's tools[].legacyOnly and server.version, end to end through the
// plugin. get_pet is made legacy-only: legacy clients list and call it (it goes upstream); the
// 2026-07-28 profile leaves it out of tools/list and answers a tools/call of it locally with a
// tool execution error, so nothing goes upstream.
func groupLegacyOnly(t *testing.T) {
	cfg := loadYAMLConfig(t, testdataPath("bridge.yaml"))
	cfg = setConfig(t, cfg, "tools.0.legacyOnly", true)
	cfg = setConfig(t, cfg, "server.version", " 2.5.0 ")
	modernNames := configuredToolNames[1:]
	t.Run("legacy tools/list keeps it", func(t *testing.T) {
		host := mustStart(t, cfg)
		post(host, legacyHeaders(), `{"jsonrpc":"2.0","id":1,"method":"tools/list"}`)
		require.Equal(t, configuredToolNames, toolNames(t, localResponse(t, host).Data))
	})
	t.Run("modern tools/list leaves it out", func(t *testing.T) {
		host := mustStart(t, cfg)
		post(host, modernHeaders("tools/list", ""), `{"jsonrpc":"2.0","id":2,"method":"tools/list","params":{`+modernMeta+`}}`)
		require.Equal(t, modernNames, toolNames(t, localResponse(t, host).Data))
	})
	t.Run("legacy tools/call goes upstream", func(t *testing.T) {
		host := mustStart(t, cfg)
		action := post(host, legacyHeaders(), `{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"get_pet","arguments":{"petId":"7"}}}`)
		require.Nil(t, host.GetLocalResponse())
		require.Equal(t, types.ActionContinue, action)
		path, _ := header(host.GetRequestHeaders(), ":path")
		require.Equal(t, "/v1/pets/7", path)
	})
	t.Run("modern tools/call is a tool execution error", func(t *testing.T) {
		host := mustStart(t, cfg)
		post(host, modernHeaders("tools/call", "get_pet"),
			`{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"get_pet","arguments":{"petId":"7"},`+modernMeta+`}}`)
		lr := localResponse(t, host)
		require.Equal(t, uint32(200), lr.StatusCode)
		require.Equal(t, "4", jsonField(t, lr.Data, "id").Raw)
		require.Equal(t, "complete", jsonField(t, lr.Data, "result.resultType").String())
		require.True(t, jsonField(t, lr.Data, "result.isError").Bool(), "body: %s", lr.Data)
		require.Equal(t, `Tool "get_pet" is legacy-only: it is served only to clients of the initialize-based protocol revisions (2025-11-25 and earlier)`,
			jsonField(t, lr.Data, "result.content.0.text").String())
		require.Equal(t, "2.5.0", jsonField(t, lr.Data, `result._meta.io\.modelcontextprotocol/serverInfo.version`).String())
	})
	t.Run("server.version is serverInfo.version", func(t *testing.T) {
		host := mustStart(t, cfg)
		post(host, legacyHeaders(), `{"jsonrpc":"2.0","id":5,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}`)
		require.Equal(t, "2.5.0", jsonField(t, localResponse(t, host).Data, "result.serverInfo.version").String())
	})
}
