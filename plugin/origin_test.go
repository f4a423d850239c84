package main

import (
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tidwall/sjson"
)

// groupLoopbackOrigins: without bridge.allowedOrigins, loopback Origins (any
// port) are accepted and get CORS, any other Origin is 403 (DNS rebinding),
// and requests without Origin are served. An explicit list replaces this.
func groupLoopbackOrigins(t *testing.T) {
	bridge := loadYAMLConfig(t, testdataPath("bridge.yaml"))
	unset, err := sjson.DeleteBytes(append([]byte(nil), bridge...), "bridge.allowedOrigins")
	require.NoError(t, err)
	empty := setConfig(t, bridge, "bridge.allowedOrigins", []string{})
	ping := `{"jsonrpc":"2.0","id":1,"method":"ping"}`
	for _, tc := range []struct {
		name   string
		cfg    []byte
		origin string
		status uint32
	}{
		{"unset: localhost", unset, "http://localhost:6274", 200},
		{"unset: 127.0.0.1", unset, "http://127.0.0.1:3000", 200},
		{"unset: [::1]", unset, "https://[::1]", 200},
		{"unset: another site", unset, "https://evil.example", 403},
		{"unset: a rebinding name", unset, "http://localhost.evil.example:6274", 403},
		{"unset: no Origin", unset, "", 200},
		{"explicit list replaces the default", bridge, "http://localhost:6274", 403},
		{"explicit list", bridge, appOrigin, 200},
		{"explicit empty list allows none", empty, "http://localhost:6274", 403},
		{"explicit empty list, no Origin", empty, "", 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			host := mustStart(t, tc.cfg)
			h := legacyHeaders()
			if tc.origin != "" {
				h = append(h, [2]string{"origin", tc.origin})
			}
			post(host, h, ping)
			lr := localResponse(t, host)
			require.Equal(t, tc.status, lr.StatusCode, "%s", lr.Data)
			granted, ok := header(lr.Headers, "access-control-allow-origin")
			if tc.status == 200 && tc.origin != "" {
				require.Equal(t, tc.origin, granted)
			} else {
				require.False(t, ok, "no CORS grant")
			}
			if tc.status == 403 {
				require.JSONEq(t, `{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"origin not allowed"}}`, string(lr.Data))
			}
		})
	}
}

// groupAllowToolsHeaders: several x-envoy-allow-mcp-tools headers (from
// several filters) narrow to their intersection; an empty one restricts
// nothing.
func groupAllowToolsHeaders(t *testing.T) {
	cfg := loadYAMLConfig(t, testdataPath("bridge.yaml"))
	allow := func(v string) [2]string { return [2]string{"x-envoy-allow-mcp-tools", v} }
	for _, tc := range []struct {
		name    string
		headers [][2]string
		want    []string
	}{
		{"two lists", [][2]string{allow("search_notes, region_info, subscribe"), allow("region_info,get_pet,subscribe")}, []string{"subscribe", "region_info"}},
		{"disjoint lists", [][2]string{allow("search_notes"), allow("region_info")}, nil},
		{"an empty one restricts nothing", [][2]string{allow(""), allow("subscribe")}, []string{"subscribe"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			host := mustStart(t, cfg)
			post(host, legacyHeaders(tc.headers...), `{"jsonrpc":"2.0","id":6,"method":"tools/list"}`)
			names := toolNames(t, localResponse(t, host).Data)
			if tc.want == nil {
				require.Empty(t, names)
			} else {
				require.Equal(t, tc.want, names)
			}
		})
	}
	t.Run("a call outside the intersection is an unknown tool", func(t *testing.T) {
		host := mustStart(t, cfg)
		post(host, legacyHeaders(allow("search_notes,region_info"), allow("region_info")),
			`{"jsonrpc":"2.0","id":8,"method":"tools/call","params":{"name":"search_notes","arguments":{"q":"x"}}}`)
		lr := localResponse(t, host)
		require.JSONEq(t, `{"jsonrpc":"2.0","id":8,"error":{"code":-32602,"message":"Unknown tool: search_notes"}}`, string(lr.Data))
	})
}
