package main

import (
	"os"
	"testing"

	"github.com/higress-group/wasm-go/pkg/test"
	"github.com/stretchr/testify/require"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/config"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/metrics"
)

// groupMetrics drives one request of each kind through one plugin instance and then reads
// every counter the configuration defines: each must hold exactly what was sent, the rest 0.
func groupMetrics(t *testing.T) {
	raw := loadYAMLConfig(t, testdataPath("bridge.yaml"))
	cfg, err := config.Parse(raw, os.LookupEnv)
	require.NoError(t, err)
	host := mustStart(t, raw)
	call := func(tool, args string) string {
		return `{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"` + tool + `","arguments":` + args + `}}`
	}
	bearer := [2]string{"authorization", "Bearer " + clientBearer}
	steps := []func(){
		func() { post(host, legacyHeaders(), `{"jsonrpc":"2.0","id":1,"method":"tools/list"}`) },
		func() { post(host, legacyHeaders(), `{"jsonrpc":"2.0","method":"notifications/initialized"}`) },
		func() { post(host, legacyHeaders(), `{"jsonrpc":"2.0","id":2,"method":"resources/list"}`) },
		func() { post(host, withHeader(legacyHeaders(), ":method", "GET"), "") },
		func() { post(host, withHeader(legacyHeaders(), "content-type", "text/plain"), `{}`) },
		func() { post(host, legacyHeaders(), call("no.such-tool", `{}`)) },
		func() { post(host, legacyHeaders(), call("get_pet", `{}`)) }, // petId is required
		func() { post(host, legacyHeaders(), call("my_profile", `{}`)) },
		func() {
			post(host, legacyHeaders([2]string{"authorization", "Basic " + clientBearer + "!"}), call("my_ledger", `{}`))
		},
		func() {
			post(host, legacyHeaders(bearer), call("get_pet", `{"petId":"p1"}`))
			respond(t, host, "200", [][2]string{{"content-type", "application/json"}}, `{"id":"p1"}`)
		},
		func() {
			post(host, legacyHeaders(bearer), call("get_pet", `{"petId":"p2"}`))
			respond(t, host, "503", [][2]string{{"content-type", "text/plain"}}, `down`)
		},
		func() {
			post(host, legacyHeaders(bearer), call("my_profile", `{}`))
			respond(t, host, "204", nil, "")
		},
	}
	for _, step := range steps {
		step()
		host.CompleteHttp()
	}
	p := metrics.Prefix
	want := map[string]uint64{
		p + "method.tools_list.outcome.ok.requests":                 1,
		p + "method.notifications_initialized.outcome.ok.requests":  1,
		p + "method.other.outcome.error.requests":                   1,
		p + "method.other.outcome.refused.requests":                 2,
		p + "method.tools_call.outcome.error.requests":              3, // unknown tool, two refused credentials
		p + "method.tools_call.outcome.ok.requests":                 4,
		p + "tool.get_pet.outcome.invalid_arguments.tool_calls":     1,
		p + "tool.get_pet.outcome.ok.tool_calls":                    1,
		p + "tool.get_pet.outcome.upstream_error.tool_calls":        1,
		p + "tool.my_profile.outcome.credential_refused.tool_calls": 1,
		p + "tool.my_profile.outcome.ok.tool_calls":                 1,
		p + "tool.my_ledger.outcome.credential_refused.tool_calls":  1,
		p + "reason.missing_credential.auth_failures":               1,
		p + "reason.malformed_credential.auth_failures":             1,
	}
	requireCounters(t, host, metrics.Names(cfg.Names(), oauth2Schemes(cfg)), want)
	_, err = host.GetCounterMetric(p + "tool.no_such-tool.outcome.ok.tool_calls")
	require.Error(t, err, "a client-chosen tool name never becomes a counter")
}

// requireCounters checks every named counter: the ones in want hold that value, all others 0.
func requireCounters(t *testing.T, host test.TestHost, names []string, want map[string]uint64) {
	t.Helper()
	got := map[string]uint64{}
	for _, n := range names {
		v, err := host.GetCounterMetric(n)
		require.NoError(t, err, "counter %s is defined at start", n)
		if v != 0 {
			got[n] = v
		}
	}
	require.Equal(t, want, got)
}

// requireCounter checks one counter, named without metrics.Prefix.
func requireCounter(t *testing.T, host test.TestHost, name string, want uint64) {
	t.Helper()
	got, err := host.GetCounterMetric(metrics.Prefix + name)
	require.NoError(t, err, "counter %s", name)
	require.Equal(t, want, got, "counter %s", name)
}
