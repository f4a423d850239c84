package main

import (
	"strings"
	"testing"

	"github.com/higress-group/proxy-wasm-go-sdk/proxywasm/types"
	"github.com/stretchr/testify/require"
)

// groupStateChecks: a hook that finds no usable state for its stream fails
// closed (500, JSON-RPC internal error), while the plugin's own local replies
// pass its response hooks untouched, as they do in Envoy.
func groupStateChecks(t *testing.T) {
	host := mustStart(t, loadYAMLConfig(t, testdataPath("bridge.yaml")))
	backend := [][2]string{{":status", "200"}, {"content-type", "application/json"}, {"set-cookie", "backend_sid=s3cr3t"}}
	t.Run("response to a request neither rewritten nor answered", func(t *testing.T) {
		defer host.CompleteHttp()
		require.Equal(t, types.HeaderStopIteration, host.CallOnHttpRequestHeaders(legacyHeaders([2]string{"x-request-id", "req-5e1d"})))
		host.CallOnHttpResponseHeaders(backend)
		lr := localResponse(t, host)
		require.Equal(t, uint32(500), lr.StatusCode)
		require.Equal(t, `{"jsonrpc":"2.0","id":null,"error":{"code":-32603,"message":"Internal error: the request state is missing"}}`, string(lr.Data))
		require.Contains(t, allLogs(host), "[mcp-rest-bridge] [nil] [req-5e1d] mcp-rest-bridge: response headers without request state: answered 500")
	})
	t.Run("a panic in a hook fails closed", func(t *testing.T) {
		if strings.Contains(t.Name(), "/wasm/") {
			return // calls the guest's recovery directly: Go mode only (a skip would fail make test-plugin)
		}
		defer host.CompleteHttp()
		require.Equal(t, types.HeaderStopIteration, host.CallOnHttpRequestHeaders(legacyHeaders()))
		action := func() (a types.Action) {
			defer (&httpContext{}).recoverClosed(&a)
			panic("boom")
		}()
		require.Equal(t, types.ActionPause, action)
		lr := localResponse(t, host)
		require.Equal(t, uint32(500), lr.StatusCode)
		require.Equal(t, `{"jsonrpc":"2.0","id":null,"error":{"code":-32603,"message":"Internal error"}}`, string(lr.Data))
		require.Contains(t, strings.Join(host.GetErrorLogs(), "\n"), "mcp-rest-bridge: recovered from panic boom, stack: ")
	})
	t.Run("own local reply passes out", func(t *testing.T) {
		defer host.CompleteHttp()
		post(host, legacyHeaders(), `{"jsonrpc":"2.0","id":3,"method":"ping"}`)
		require.Equal(t, `{"jsonrpc":"2.0","id":3,"result":{}}`, string(localResponse(t, host).Data))
		require.Equal(t, types.ActionContinue, host.CallOnHttpResponseHeaders([][2]string{{":status", "200"}, {"content-type", "application/json"}}))
		require.Equal(t, `{"jsonrpc":"2.0","id":3,"result":{}}`, string(localResponse(t, host).Data))
	})
	t.Run("own 405 passes out", func(t *testing.T) {
		defer host.CompleteHttp()
		host.CallOnHttpRequestHeaders(withHeader(legacyHeaders(), ":method", "GET"))
		require.Equal(t, uint32(405), localResponse(t, host).StatusCode)
		require.Equal(t, types.ActionContinue, host.CallOnHttpResponseHeaders([][2]string{{":status", "405"}}))
		require.Equal(t, uint32(405), localResponse(t, host).StatusCode)
	})
}
