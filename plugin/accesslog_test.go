package main

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// groupAccessLogPath: access logs print x-envoy-original-path instead of
// :path. Once :path is rewritten it holds the client's path without any
// credential query parameter; a client-sent value never survives, not even
// on a request answered locally.
func groupAccessLogPath(t *testing.T) {
	cfg := loadYAMLConfig(t, testdataPath("bridge.yaml"))
	host := mustStart(t, cfg)
	forged := [2]string{"x-envoy-original-path", "/forged?client_key=" + clientQueryKey}
	forgedHost := [2]string{"x-envoy-original-host", "forged.example.com"}
	t.Run("rewritten", func(t *testing.T) {
		defer host.CompleteHttp()
		h := withHeader(legacyHeaders(forged, forgedHost), ":path", "/mcp?client_key="+clientQueryKey+"&trace=on&api%5Fkey="+evilKey)
		post(host, h, `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"my_inbox","arguments":{}}}`)
		require.Nil(t, host.GetLocalResponse())
		got, _ := header(host.GetRequestHeaders(), ":path")
		require.Equal(t, "/messages", got)
		var logPaths []string
		for _, hv := range host.GetRequestHeaders() {
			if hv[0] == "x-envoy-original-path" {
				logPaths = append(logPaths, hv[1])
			}
		}
		require.Equal(t, []string{"/mcp?trace=on"}, logPaths)
		got, _ = header(host.GetRequestHeaders(), "x-envoy-original-host")
		require.Equal(t, "gateway.example.com", got, "the client's host replaces a forged one")
		got, _ = header(host.GetRequestHeaders(), "x-envoy-original-method")
		require.Equal(t, "POST", got)
	})
	t.Run("answered locally", func(t *testing.T) {
		defer host.CompleteHttp()
		post(host, legacyHeaders(forged, forgedHost), `{"jsonrpc":"2.0","id":2,"method":"tools/list"}`)
		require.Equal(t, uint32(200), localResponse(t, host).StatusCode)
		_, present := header(host.GetRequestHeaders(), "x-envoy-original-path")
		require.False(t, present, "a client-sent x-envoy-original-path is removed")
		_, present = header(host.GetRequestHeaders(), "x-envoy-original-host")
		require.False(t, present, "a client-sent x-envoy-original-host is removed")
	})
}
