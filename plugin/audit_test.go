package main

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/higress-group/wasm-go/pkg/test"
	"github.com/stretchr/testify/require"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/audit"
)

// durationMember is the one member of an audit line that depends on the clock.
var durationMember = regexp.MustCompile(`"duration_ms":([0-9]+\.[0-9]{3}),`)

// auditLines returns the audit lines among the info logs, each with its duration checked
// (a number >= 0) and replaced by D. A log line starts with wasm-go's "[plugin] ..." prefix.
func auditLines(t *testing.T, host test.TestHost) []string {
	t.Helper()
	var out []string
	for _, l := range host.GetInfoLogs() {
		i := strings.Index(l, audit.Prefix)
		if i < 0 {
			continue
		}
		line := l[i:]
		m := durationMember.FindStringSubmatch(line)
		require.NotNil(t, m, "duration in %s", line)
		d, err := strconv.ParseFloat(m[1], 64)
		require.NoError(t, err)
		require.GreaterOrEqual(t, d, 0.0)
		var obj map[string]any
		require.NoError(t, json.Unmarshal([]byte(strings.TrimPrefix(line, audit.Prefix)), &obj), "JSON: %s", line)
		out = append(out, durationMember.ReplaceAllString(line, `"duration_ms":D,`))
	}
	return out
}

// groupAudit: with bridge.audit, every tools/call of a configured tool ends in exactly one
// audit line (forwarded, refused, invalid, local), and nothing else writes one; the lines
// name credential sources, never a credential. Without bridge.audit there is none.
func groupAudit(t *testing.T) {
	t.Run("on", auditOn)
	t.Run("off by default", func(t *testing.T) {
		host := mustStart(t, loadYAMLConfig(t, testdataPath("bridge.yaml")))
		post(host, legacyHeaders([2]string{"authorization", "Bearer " + clientBearer}), auditCall("get_pet", `{"petId":"p1"}`))
		respond(t, host, "200", [][2]string{{"content-type", "application/json"}}, `{}`)
		host.CompleteHttp()
		require.Empty(t, auditLines(t, host))
	})
}

func auditCall(tool, args string) string {
	return `{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"` + tool + `","arguments":` + args + `}}`
}

func auditOn(t *testing.T) {
	raw := setConfig(t, loadYAMLConfig(t, testdataPath("bridge.yaml")), "bridge.audit", true)
	host := mustStart(t, raw)
	bearer := [2]string{"authorization", "Bearer " + clientBearer}
	call := auditCall
	rid := func(n string) [2]string { return [2]string{"x-request-id", "req-7f3e-" + n} } // each line names its own request
	post(host, legacyHeaders(bearer, rid("1")), call("get_pet", `{"petId":"p1"}`))
	respond(t, host, "200", [][2]string{{"content-type", "application/json"}}, `{"id":"p1","key":"`+testAPIKey+`"}`)
	host.CompleteHttp()
	meta := `"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{},` +
		`"io.modelcontextprotocol/clientInfo":{"name":"modern-client","version":"2.0"}}`
	post(host, modernHeaders("tools/call", "my_profile", bearer, rid("2")),
		`{"jsonrpc":"2.0","id":"c","method":"tools/call","params":{"name":"my_profile","arguments":{},`+meta+`}}`)
	respond(t, host, "503", [][2]string{{"content-type", "text/plain"}}, "down")
	host.CompleteHttp()
	post(host, legacyHeaders(rid("3")), call("my_profile", `{}`))
	host.CompleteHttp()
	post(host, legacyHeaders(bearer, rid("4")), call("get_pet", `{}`))
	host.CompleteHttp()
	post(host, legacyHeaders(), `{"jsonrpc":"2.0","id":1,"method":"tools/list"}`)
	host.CompleteHttp()
	post(host, legacyHeaders(), call("no_such_tool", `{}`))
	host.CompleteHttp()

	p := audit.Prefix
	require.Equal(t, []string{
		p + `{"tool":"get_pet","consumer":null,"outcome":"ok","upstream_status":200,"credential_source":"default:apiKey:header:x-api-key",` +
			`"duration_ms":D,"era":"legacy","protocol_version":"2025-11-25","request_id":"req-7f3e-1"}`,
		p + `{"tool":"my_profile","consumer":null,"outcome":"upstream_error","upstream_status":503,"credential_source":"passthrough:header:authorization",` +
			`"duration_ms":D,"era":"modern","protocol_version":"2026-07-28","request_id":"req-7f3e-2"}`,
		p + `{"tool":"my_profile","consumer":null,"outcome":"credential_refused","upstream_status":0,"credential_source":"passthrough:header:authorization",` +
			`"duration_ms":D,"era":"legacy","protocol_version":"2025-11-25","request_id":"req-7f3e-3"}`,
		p + `{"tool":"get_pet","consumer":null,"outcome":"invalid_arguments","upstream_status":0,"credential_source":"",` +
			`"duration_ms":D,"era":"legacy","protocol_version":"2025-11-25","request_id":"req-7f3e-4"}`,
	}, auditLines(t, host))
	requireNoSecretInLogs(t, host, allSecrets...)
}

// groupClientAuthObservability: bridge.clientAuth refusals count by reason (a refused
// tools/call is a refused request), and the audit line names the authenticated consumer.
func groupClientAuthObservability(t *testing.T) {
	host := mustStart(t, setConfig(t, caCfg(t), "bridge.audit", true))
	post(host, legacyHeaders(bearer("carol-gw-key-5f1c9a0d27b5")), toolCall("public_status"))
	host.CompleteHttp()
	post(host, legacyHeaders(), toolCall("public_status"))
	host.CompleteHttp()
	post(host, legacyHeaders(bearer(aliceJWT(t, map[string]any{"exp": pluginNow(t).Add(-time.Minute).Unix()}))), toolCall("public_status"))
	host.CompleteHttp()
	post(host, legacyHeaders(bearer(carolGWKey)), toolCall("list_orders"))
	host.CompleteHttp()
	alice := aliceJWT(t, nil)
	post(host, legacyHeaders(bearer(alice)), toolCall("list_orders"))
	respond(t, host, "200", [][2]string{{"content-type", "application/json"}}, `[]`)
	host.CompleteHttp()

	for name, want := range map[string]uint64{
		"reason.unknown_key.auth_failures": 1, "reason.missing.auth_failures": 1, "reason.expired.auth_failures": 1,
		"reason.forbidden.auth_failures": 1, "reason.bad_signature.auth_failures": 0,
		"method.other.outcome.refused.requests": 3, "method.tools_call.outcome.refused.requests": 1,
		"method.tools_call.outcome.ok.requests": 1, "tool.list_orders.outcome.ok.tool_calls": 1,
	} {
		requireCounter(t, host, name, want)
	}
	require.Equal(t, []string{audit.Prefix + `{"tool":"list_orders","consumer":"alice","outcome":"ok","upstream_status":200,` +
		`"credential_source":"default:apiKey:header:x-orders-key","duration_ms":D,"era":"legacy","protocol_version":"2025-11-25","request_id":null}`}, // the request has no x-request-id
		auditLines(t, host))
	requireNoSecretInLogs(t, host, alice, carolGWKey, ordersBackend)
}
