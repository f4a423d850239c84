package audit

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

var t0 = time.Date(2026, 12, 7, 22, 0, 0, 0, time.UTC)

func TestLine(t *testing.T) {
	cases := []struct {
		name string
		r    Record
		want string
	}{
		{"forwarded call", Record{Tool: "list_orders", Consumer: "alice", Outcome: "ok", UpstreamStatus: 200,
			CredentialSource: "oauth2:client_credentials:orders-cc", Era: "modern", ProtocolVersion: "2026-07-28",
			RequestID: "5895f5a9-e4e3-425b-98db-6c6a926195b7", Start: t0, End: t0.Add(12345678 * time.Nanosecond)},
			`mcp-rest-bridge.audit {"tool":"list_orders","consumer":"alice","outcome":"ok","upstream_status":200,` +
				`"credential_source":"oauth2:client_credentials:orders-cc","duration_ms":12.345,"era":"modern",` +
				`"protocol_version":"2026-07-28","request_id":"5895f5a9-e4e3-425b-98db-6c6a926195b7"}`},
		{"refused before upstream, no consumer, no request id", Record{Tool: "my_profile", Outcome: "credential_refused",
			CredentialSource: "passthrough:header:authorization", Era: "legacy", ProtocolVersion: "2025-11-25", Start: t0, End: t0},
			`mcp-rest-bridge.audit {"tool":"my_profile","consumer":null,"outcome":"credential_refused","upstream_status":0,` +
				`"credential_source":"passthrough:header:authorization","duration_ms":0.000,"era":"legacy",` +
				`"protocol_version":"2025-11-25","request_id":null}`},
		{"clock stepped back", Record{Tool: "t", Outcome: "ok", Start: t0, End: t0.Add(-time.Second)},
			`mcp-rest-bridge.audit {"tool":"t","consumer":null,"outcome":"ok","upstream_status":0,"credential_source":"",` +
				`"duration_ms":0.000,"era":"","protocol_version":"","request_id":null}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			require.Equal(t, c.want, c.r.Line())
		})
	}
}

// TestHostileValuesStayInTheirField: a consumer or request id chosen by a client cannot
// add a line or a member, and is bounded.
func TestHostileValuesStayInTheirField(t *testing.T) {
	evil := "bob\",\"outcome\":\"ok\"}\nmcp-rest-bridge.audit {\"tool\":\"forged\u2028\x00\xff"
	r := Record{Tool: "list_orders", Consumer: evil, Outcome: "credential_refused", RequestID: strings.Repeat("r", 10000),
		Start: t0, End: t0}
	line := r.Line()
	require.NotContains(t, line, "\n")
	require.NotContains(t, line, "\r")
	require.True(t, strings.HasPrefix(line, Prefix))
	var m map[string]any
	require.NoError(t, json.Unmarshal([]byte(strings.TrimPrefix(line, Prefix)), &m))
	require.Len(t, m, 9)
	require.Equal(t, "credential_refused", m["outcome"])
	require.Equal(t, strings.ToValidUTF8(evil, "\uFFFD"), m["consumer"])
	require.Len(t, m["request_id"], maxField)
}

func FuzzLine(f *testing.F) {
	f.Add("alice", "req-1", "list_orders")
	f.Add("a\"b\n", "\xff", "")
	f.Fuzz(func(t *testing.T, consumer, reqID, tool string) {
		line := Record{Tool: tool, Consumer: consumer, RequestID: reqID, Start: t0, End: t0}.Line()
		if strings.ContainsAny(line, "\n\r") || !strings.HasPrefix(line, Prefix) {
			t.Fatalf("line %q", line)
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(strings.TrimPrefix(line, Prefix)), &m); err != nil || len(m) != 9 {
			t.Fatalf("%v %d: %q", err, len(m), line)
		}
	})
}
