package main

import (
	"testing"

	"github.com/stretchr/testify/require"
)

const appOrigin = "https://app.example.com" // allowed in testdata/bridge.yaml

// groupCORS: browser clients on an allowed Origin get a preflight answer and
// Access-Control-Allow-Origin on local replies and tool results; other
// Origins get neither.
func groupCORS(t *testing.T) {
	cfg := loadYAMLConfig(t, testdataPath("bridge.yaml"))
	preflightHeaders := func(origin string) [][2]string {
		h := withHeader(legacyHeaders(), ":method", "OPTIONS")
		h = append(h, [2]string{"access-control-request-method", "POST"},
			[2]string{"access-control-request-headers", "content-type, mcp-protocol-version, authorization"})
		if origin != "" {
			h = append(h, [2]string{"origin", origin})
		}
		return h
	}
	t.Run("preflight from an allowed origin", func(t *testing.T) {
		host := mustStart(t, cfg)
		host.CallOnHttpRequestHeaders(preflightHeaders(appOrigin))
		lr := localResponse(t, host)
		require.Equal(t, uint32(204), lr.StatusCode)
		require.Equal(t, [][2]string{
			{"access-control-allow-origin", appOrigin}, {"access-control-expose-headers", "mcp-protocol-version"},
			{"vary", "Origin"}, {"access-control-allow-methods", "POST"}, {"access-control-max-age", "600"},
			{"access-control-allow-headers", "content-type, mcp-protocol-version, authorization"},
		}, lr.Headers)
	})
	t.Run("preflight from another origin", func(t *testing.T) {
		host := mustStart(t, cfg)
		host.CallOnHttpRequestHeaders(preflightHeaders("https://evil.example"))
		lr := localResponse(t, host)
		require.Equal(t, uint32(403), lr.StatusCode)
		_, granted := header(lr.Headers, "access-control-allow-origin")
		require.False(t, granted)
	})
	t.Run("OPTIONS without origin is 405", func(t *testing.T) {
		host := mustStart(t, cfg)
		host.CallOnHttpRequestHeaders(preflightHeaders(""))
		require.Equal(t, uint32(405), localResponse(t, host).StatusCode)
	})
	t.Run("local reply carries the grant", func(t *testing.T) {
		host := mustStart(t, cfg)
		post(host, legacyHeaders([2]string{"origin", appOrigin}), `{"jsonrpc":"2.0","id":1,"method":"ping"}`)
		lr := localResponse(t, host)
		got, _ := header(lr.Headers, "access-control-allow-origin")
		require.Equal(t, appOrigin, got)
		ct, _ := header(lr.Headers, "content-type")
		require.Equal(t, "application/json", ct)
	})
	t.Run("tool result carries the grant", func(t *testing.T) {
		host := mustStart(t, cfg)
		post(host, legacyHeaders([2]string{"origin", appOrigin}), `{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"get_pet","arguments":{"petId":"1"}}}`)
		require.Nil(t, host.GetLocalResponse())
		_, leaked := header(host.GetRequestHeaders(), "origin")
		require.False(t, leaked, "the client's Origin is not forwarded upstream")
		respond(t, host, "200", [][2]string{{"content-type", "application/json"}, {"access-control-allow-origin", "*"}}, `{"id":"1"}`)
		require.Equal(t, [][2]string{{":status", "200"}, {"content-type", "application/json"},
			{"access-control-allow-origin", appOrigin}, {"access-control-expose-headers", "mcp-protocol-version"}, {"vary", "Origin"}},
			host.GetResponseHeaders())
	})
}
