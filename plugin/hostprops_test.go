package main

import (
	"testing"

	"github.com/higress-group/wasm-go/pkg/test"
	"github.com/stretchr/testify/require"
)

// property reads a stream property the plugin set ("" = never set).
func property(host test.TestHost, name string) string {
	v, err := host.GetProperty([]string{name})
	if err != nil {
		return ""
	}
	return string(v)
}

// groupHostProperties: the properties Higress acts on are set exactly when they change
// something. One buffer limit (Higress applies either name to the stream's one limit), the
// larger of the two body bounds; clear_route_cache "off" only for a request the plugin
// rewrites, none for one answered locally.
func groupHostProperties(t *testing.T) {
	cases := []struct {
		name                string
		maxRequest, maxResp int // 0: the petstore config's, 64 KiB and 1 MiB
		body                string
		limit, routeCache   string
	}{
		{name: "tools/call", body: getPetCall, limit: "1048576", routeCache: "off"},
		{name: "tools/list", body: `{"jsonrpc":"2.0","id":1,"method":"tools/list"}`, limit: "1048576"},
		{name: "request bound larger", maxRequest: 8 << 20, maxResp: 2048, body: getPetCall, limit: "8388608", routeCache: "off"},
		{name: "response bound larger", maxRequest: 4096, maxResp: 65536, body: getPetCall, limit: "65536", routeCache: "off"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := petstoreConfig(t)
			if tc.maxRequest != 0 {
				cfg = setConfig(t, cfg, "bridge.maxRequestBodyBytes", tc.maxRequest)
				cfg = setConfig(t, cfg, "bridge.maxResponseBodyBytes", tc.maxResp)
			}
			host := mustStart(t, cfg)
			post(host, legacyHeaders(), tc.body)
			require.Equal(t, tc.limit, property(host, "set_encoder_buffer_limit"))
			require.Equal(t, "", property(host, "set_decoder_buffer_limit"), "one limit property")
			require.Equal(t, tc.routeCache, property(host, "clear_route_cache"))
		})
	}
	t.Run("forged access-log header removed", func(t *testing.T) {
		host := mustStart(t, petstoreConfig(t))
		post(host, legacyHeaders([2]string{"x-envoy-original-path", "/forged"}), `{"jsonrpc":"2.0","id":1,"method":"tools/list"}`)
		require.Equal(t, "off", property(host, "clear_route_cache"), "a removed request header is a change")
	})
}

// groupResponseBound: with the host's limit at the larger request bound, a REST body over
// bridge.maxResponseBodyBytes is refused by the plugin, unread, as an upstream error.
func groupResponseBound(t *testing.T) {
	cfg := setConfig(t, petstoreConfig(t), "bridge.maxRequestBodyBytes", 8<<20)
	cfg = setConfig(t, cfg, "bridge.maxResponseBodyBytes", 1024)
	for _, tc := range []struct {
		name    string
		size    int
		isError bool
	}{{"at the bound", 1024, false}, {"one byte over", 1025, true}} {
		t.Run(tc.name, func(t *testing.T) {
			host := mustStart(t, cfg)
			post(host, legacyHeaders(), getPetCall)
			require.Nil(t, host.GetLocalResponse())
			body := `{"id":42,"name":"` + pad(tc.size-len(`{"id":42,"name":""}`)) + `"}`
			require.Len(t, body, tc.size)
			out := respond(t, host, "200", [][2]string{{"content-type", "application/json"}}, body)
			require.Equal(t, tc.isError, jsonField(t, out, "result.isError").Bool(), "%s", out)
			if tc.isError {
				require.Equal(t, "the REST backend returned HTTP 200 with a body larger than 1024 bytes, which is not read",
					jsonField(t, out, "result.content.0.text").String())
			}
		})
	}
}

func pad(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = 'x'
	}
	return string(b)
}
