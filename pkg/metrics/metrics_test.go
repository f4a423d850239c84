package metrics

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// fakeHost is a host's counter store: one counter per name, as Envoy keeps them.
type fakeHost map[string]*fakeCounter

type fakeCounter struct{ n uint64 }

func (c *fakeCounter) Increment(d uint64) { c.n += d }

func (h fakeHost) define(name string) Counter {
	if c, ok := h[name]; ok {
		return c
	}
	c := &fakeCounter{}
	h[name] = c
	return c
}

// nonZero returns the counters that moved.
func (h fakeHost) nonZero() map[string]uint64 {
	out := map[string]uint64{}
	for n, c := range h {
		if c.n != 0 {
			out[n] = c.n
		}
	}
	return out
}

var (
	tools   = []string{"list_orders", "orders.get", "get-weather"}
	schemes = []string{"orders-oauth", "hr.exchange"}
)

func TestNamesDefinedOnce(t *testing.T) {
	host := fakeHost{}
	New(host.define, tools, schemes)
	names := Names(tools, schemes)
	require.Len(t, names, len(methods)*3+len(tools)*6+13+len(schemes)*5)
	require.Len(t, host, len(names), "each name is defined exactly once")
	for _, n := range names {
		require.Contains(t, host, n)
	}
	require.Contains(t, names, "mcp_rest_bridge.method.tools_call.outcome.ok.requests")
	require.Contains(t, names, "mcp_rest_bridge.tool.orders_get.outcome.upstream_error.tool_calls")
	require.Contains(t, names, "mcp_rest_bridge.reason.missing_credential.auth_failures")
	require.Contains(t, names, "mcp_rest_bridge.scheme.hr_exchange.outcome.http_error.token_fetches")
}

func TestCounting(t *testing.T) {
	cases := []struct {
		name  string
		count func(s *Set)
		want  map[string]uint64
	}{
		{"tools/call ok", func(s *Set) { s.Request("tools/call", RequestOK) },
			map[string]uint64{"mcp_rest_bridge.method.tools_call.outcome.ok.requests": 1}},
		{"known notification", func(s *Set) { s.Request("notifications/initialized", RequestOK) },
			map[string]uint64{"mcp_rest_bridge.method.notifications_initialized.outcome.ok.requests": 1}},
		{"client-chosen method is other", func(s *Set) {
			s.Request("evil.method\nx", RequestError)
			s.Request("resources/list", RequestError)
		}, map[string]uint64{"mcp_rest_bridge.method.other.outcome.error.requests": 2}},
		{"refused before the message", func(s *Set) { s.Request("", RequestRefused) },
			map[string]uint64{"mcp_rest_bridge.method.other.outcome.refused.requests": 1}},
		{"tool by index", func(s *Set) { s.ToolCall(1, ToolCredentialRefused); s.ToolCall(2, ToolOK) },
			map[string]uint64{
				"mcp_rest_bridge.tool.orders_get.outcome.credential_refused.tool_calls": 1,
				"mcp_rest_bridge.tool.get-weather.outcome.ok.tool_calls":                1,
			}},
		{"out of range counts nothing", func(s *Set) {
			s.ToolCall(-1, ToolOK)
			s.ToolCall(3, ToolOK)
			s.ToolCall(0, numToolOutcomes)
			s.Request("ping", numRequestOutcomes)
			s.AuthFailure(numAuthReasons)
			s.TokenFetch("orders-oauth", numFetchOutcomes)
			s.TokenFetch("not-configured", FetchOK)
		}, map[string]uint64{}},
		{"token fetches by scheme", func(s *Set) {
			s.TokenFetch("orders-oauth", FetchOK)
			s.TokenFetch("orders-oauth", FetchOK)
			s.TokenFetch("hr.exchange", FetchNoResponse)
		}, map[string]uint64{
			"mcp_rest_bridge.scheme.orders-oauth.outcome.ok.token_fetches":         2,
			"mcp_rest_bridge.scheme.hr_exchange.outcome.no_response.token_fetches": 1,
		}},
		{"auth failure", func(s *Set) { s.AuthFailure(AuthMalformedCredential) },
			map[string]uint64{"mcp_rest_bridge.reason.malformed_credential.auth_failures": 1}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			host := fakeHost{}
			c.count(New(host.define, tools, schemes))
			require.Equal(t, c.want, host.nonZero())
		})
	}
}

func TestNilSetCountsNothing(t *testing.T) {
	var s *Set
	s.Request("ping", RequestOK)
	s.ToolCall(0, ToolOK)
	s.AuthFailure(AuthMissingCredential)
	s.TokenFetch("orders-oauth", FetchOK)
}

func TestLabel(t *testing.T) {
	for in, want := range map[string]string{
		"list_orders": "list_orders", "orders.list": "orders_list", "get-weather": "get-weather",
		"": "_", "a b/c:d": "a_b_c_d", "wetter_über": "wetter__ber", "x\ny": "x_y",
	} {
		require.Equal(t, want, Label(in), "Label(%q)", in)
	}
}

func TestToolOutcomeString(t *testing.T) {
	require.Equal(t, "backend_credential_failed", ToolBackendCredential.String())
	require.Equal(t, "unknown", numToolOutcomes.String())
}

func TestClientAuthReason(t *testing.T) {
	for in, want := range map[string]AuthReason{"missing": AuthMissing, "expired": AuthExpired, "forbidden": AuthForbidden,
		"unknown_kid": AuthUnknownKID} {
		got, ok := ClientAuthReason(in)
		require.True(t, ok, in)
		require.Equal(t, want, got, in)
	}
	for _, bad := range []string{"", "missing_credential", "Expired", "other"} {
		_, ok := ClientAuthReason(bad)
		require.False(t, ok, bad)
	}
}
