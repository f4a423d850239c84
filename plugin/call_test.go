package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// Client-side secrets: each may reach the backend only where a case says.
const (
	clientBearer   = "client-bearer-5e1c"
	clientBasic    = "YWxpY2U6czNjcjN0LXB3" // alice:s3cr3t-pw
	clientHdrKey   = "client-hdr-key-77a0"
	clientQueryKey = "client-q-key-31b2"
	clientCookie   = "client-cookie-key-c9d4"
	evilKey        = "client-forged-backend-key"
	backendBasic   = "c3ZjLW5vdGVzOm4wdGVzLXA0c3M=" // svc-notes:n0tes-p4ss, from bridge.yaml
)

var allSecrets = []string{testAPIKey, "override-bearer-2c8e", "q-default-7f3a9c", "cookie-default-51d0", "n0tes-p4ss", backendBasic,
	clientBearer, clientBasic, clientHdrKey, clientQueryKey, clientCookie, evilKey}

// clientCarriers is a client request that carries every kind of credential
// at once, plus a forged copy of the backend's API key header and query key.
func clientCarriers(auth string) [][2]string {
	h := legacyHeaders(
		[2]string{"authorization", auth},
		[2]string{"proxy-authorization", "Basic " + clientBasic},
		[2]string{"cookie", "theme=dark; session_key=" + clientCookie},
		[2]string{"x-client-key", clientHdrKey},
		[2]string{"x-api-key", evilKey},
		[2]string{"traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"},
		[2]string{"user-agent", "mcp-test/1.0"},
		[2]string{"x-envoy-original-path", "/forged?client_key=" + clientQueryKey},
	)
	return withHeader(h, ":path", "/mcp?tenant=acme&client_key="+clientQueryKey+"&api_key="+evilKey)
}

type forwardCase struct {
	name    string
	tool    string
	args    string
	auth    string      // client's Authorization header
	headers [][2]string // exact upstream headers
	body    string      // exact upstream body
}

func forwardCases() []forwardCase {
	const trace = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
	bearer := "Bearer " + clientBearer
	return []forwardCase{
		{name: "default apiKey header, path escaping, query arg", tool: "get_pet", auth: bearer,
			args: `{"petId":"../admin?x=1","fields":"name,tags"}`,
			headers: [][2]string{{":method", "GET"}, {":path", "/v1/pets/..%2Fadmin%3Fx=1?fields=name%2Ctags"},
				{":authority", "petstore.internal"}, {":scheme", "http"}, {"content-type", "application/json"}, {"accept", "*/*"}, {"traceparent", trace}, {"user-agent", "mcp-test/1.0"}, {"x-api-key", testAPIKey}}},
		{name: "default apiKey query replaces the forged client key, argsToUrlParam", tool: "search_notes", auth: bearer,
			args: `{"q":"cats & dogs/ü"}`,
			headers: [][2]string{{":method", "GET"}, {":path", "/v2/search?q=cats+%26+dogs%2F%C3%BC&limit=10&api_key=q-default-7f3a9c"},
				{":authority", "notes.internal"}, {":scheme", "http"}, {"content-type", "application/json"}, {"accept", "*/*"}, {"traceparent", trace}, {"user-agent", "mcp-test/1.0"}}},
		{name: "default basic, argsToJsonBody", tool: "create_note", auth: bearer,
			args: `{"title":"Groceries","body":"milk\neggs","tags":["home","todo"]}`,
			headers: [][2]string{{":method", "POST"}, {":path", "/v2/notes"}, {":authority", "notes.internal"}, {":scheme", "http"},
				{"content-type", "application/json; charset=utf-8"}, {"accept", "*/*"}, {"traceparent", trace}, {"user-agent", "mcp-test/1.0"}, {"authorization", "Basic " + backendBasic}},
			body: `{"title":"Groceries","body":"milk\neggs","tags":["home","todo"]}`},
		{name: "no scheme: client Authorization is stripped, argsToFormBody", tool: "subscribe", auth: bearer,
			args: `{"email":"a+b@example.com","plan":"pro"}`,
			headers: [][2]string{{":method", "POST"}, {":path", "/v2/subscriptions"}, {":authority", "notes.internal"}, {":scheme", "http"},
				{"content-type", "application/x-www-form-urlencoded"}, {"accept", "*/*"}, {"traceparent", trace}, {"user-agent", "mcp-test/1.0"}},
			body: `email=a%2Bb%40example.com&plan=pro`},
		{name: "default apiKey cookie beside a cookie arg, header and body args", tool: "tag_note", auth: bearer,
			args: `{"noteId":"n 1","requestId":"req-42","locale":"de-DE","tag":"urgent"}`,
			headers: [][2]string{{":method", "PUT"}, {":path", "/v2/notes/n%201/tags"}, {":authority", "notes.internal"}, {":scheme", "http"},
				{"x-region", "eu-west-1"}, {"requestid", "req-42"}, {"cookie", "locale=de-DE; backend_session=cookie-default-51d0"},
				{"content-type", "application/json; charset=utf-8"}, {"accept", "*/*"}, {"traceparent", trace}, {"user-agent", "mcp-test/1.0"}},
			body: `{"tag":"urgent"}`},
		{name: "passthrough bearer to bearer", tool: "my_profile", auth: bearer, args: `{}`,
			headers: [][2]string{{":method", "GET"}, {":path", "/me"}, {":authority", "profiles.internal"}, {":scheme", "http"},
				{"content-type", "application/json"}, {"accept", "*/*"}, {"traceparent", trace}, {"user-agent", "mcp-test/1.0"}, {"authorization", bearer}}},
		{name: "passthrough bearer, scheme word in lower case", tool: "my_profile", auth: "bearer " + clientBearer, args: `{}`,
			headers: [][2]string{{":method", "GET"}, {":path", "/me"}, {":authority", "profiles.internal"}, {":scheme", "http"},
				{"content-type", "application/json"}, {"accept", "*/*"}, {"traceparent", trace}, {"user-agent", "mcp-test/1.0"}, {"authorization", bearer}}},
		{name: "passthrough apiKey header in its own place (no upstream scheme)", tool: "my_files", auth: bearer, args: `{}`,
			headers: [][2]string{{":method", "GET"}, {":path", "/files"}, {":authority", "files.internal"}, {":scheme", "http"},
				{"content-type", "application/json"}, {"accept", "*/*"}, {"traceparent", trace}, {"user-agent", "mcp-test/1.0"}, {"x-client-key", clientHdrKey}}},
		{name: "passthrough apiKey query to backend header", tool: "my_inbox", auth: bearer, args: `{}`,
			headers: [][2]string{{":method", "GET"}, {":path", "/messages"}, {":authority", "inbox.internal"}, {":scheme", "http"},
				{"content-type", "application/json"}, {"accept", "*/*"}, {"traceparent", trace}, {"user-agent", "mcp-test/1.0"}, {"x-api-key", clientQueryKey}}},
		{name: "passthrough apiKey cookie alone, other cookies dropped", tool: "my_calendar", auth: bearer, args: `{}`,
			headers: [][2]string{{":method", "GET"}, {":path", "/events"}, {":authority", "calendar.internal"}, {":scheme", "http"},
				{"content-type", "application/json"}, {"accept", "*/*"}, {"traceparent", trace}, {"user-agent", "mcp-test/1.0"}, {"cookie", "session_key=" + clientCookie}}},
		{name: "credential override of the template wins over the scheme (no default)", tool: "export_report", auth: bearer,
			args: `{"reportId":"q3"}`,
			headers: [][2]string{{":method", "POST"}, {":path", "/exports/q3"}, {":authority", "reports.internal"}, {":scheme", "http"},
				{"content-type", "application/json"}, {"accept", "*/*"}, {"traceparent", trace}, {"user-agent", "mcp-test/1.0"}, {"authorization", "Bearer override-bearer-2c8e"}}},
		{name: "passthrough basic keeps the client's base64", tool: "my_ledger", auth: "Basic " + clientBasic, args: `{}`,
			headers: [][2]string{{":method", "GET"}, {":path", "/entries"}, {":authority", "ledger.internal"}, {":scheme", "http"},
				{"content-type", "application/json"}, {"accept", "*/*"}, {"traceparent", trace}, {"user-agent", "mcp-test/1.0"}, {"authorization", "Basic " + clientBasic}}},
	}
}

// TestToolCallForwarding asserts the exact upstream request of each
// argument position, body mode and credential carrier, and that no secret
// reached a log line.
func groupToolCallForwarding(t *testing.T) {
	cfg := loadYAMLConfig(t, testdataPath("bridge.yaml"))
	func(t *testing.T) {
		for _, tc := range forwardCases() {
			t.Run(tc.name, func(t *testing.T) {
				host := mustStart(t, cfg)
				post(host, clientCarriers(tc.auth), `{"jsonrpc":"2.0","id":11,"method":"tools/call","params":{"name":"`+tc.tool+`","arguments":`+tc.args+`}}`)
				require.Nil(t, host.GetLocalResponse(), "the call must go upstream")
				// The access-log path is the client's, without its credential parameters; the
				// client's own x-envoy-original-path is replaced. Method and host as Higress.
				want := append(tc.headers[:len(tc.headers):len(tc.headers)], [2]string{"x-envoy-original-path", "/mcp?tenant=acme"},
					[2]string{"x-envoy-original-method", "POST"}, [2]string{"x-envoy-original-host", "gateway.example.com"})
				require.Equal(t, want, host.GetRequestHeaders())
				require.Equal(t, tc.body, string(host.GetRequestBody()))
				requireNoSecretInLogs(t, host, allSecrets...)
			})
		}
	}(t)
}

type refusalCase struct {
	name    string
	tool    string
	headers [][2]string
	reason  string // substring of the error message: which scheme was expected
}

func refusalCases() []refusalCase {
	noAuth := legacyHeaders()
	return []refusalCase{
		{name: "missing bearer", tool: "my_profile", headers: noAuth, reason: "Bearer"},
		{name: "wrong scheme word", tool: "my_profile", headers: legacyHeaders([2]string{"authorization", "Token " + clientBearer}), reason: "Bearer"},
		{name: "two tokens", tool: "my_profile", headers: legacyHeaders([2]string{"authorization", "Bearer " + clientBearer + " extra"}), reason: "Bearer"},
		{name: "empty token", tool: "my_profile", headers: legacyHeaders([2]string{"authorization", "Bearer "}), reason: "Bearer"},
		{name: "non token68 characters", tool: "my_profile", headers: legacyHeaders([2]string{"authorization", "Bearer " + clientBearer + "\"<>"}), reason: "Bearer"},
		{name: "basic that is not base64", tool: "my_ledger", headers: legacyHeaders([2]string{"authorization", "Basic " + clientBearer + "!"}), reason: "Basic"},
		{name: "basic without a colon", tool: "my_ledger", headers: legacyHeaders([2]string{"authorization", "Basic Y2xpZW50LWJlYXJlci01ZTFj"}), reason: "user:pass"},
		{name: "bearer sent to a basic passthrough", tool: "my_ledger", headers: legacyHeaders([2]string{"authorization", "Bearer " + clientBearer}), reason: "Basic"},
		{name: "missing apiKey header", tool: "my_files", headers: legacyHeaders([2]string{"authorization", "Bearer " + clientBearer}), reason: "X-Client-Key"},
		{name: "missing apiKey query", tool: "my_inbox", headers: legacyHeaders([2]string{"x-client-key", clientHdrKey}), reason: "client_key"},
		{name: "missing apiKey cookie", tool: "my_calendar", headers: legacyHeaders([2]string{"cookie", "theme=dark"}), reason: "session_key"},
	}
}

// TestCredentialRefusals: a passthrough credential that is missing or
// malformed is a JSON-RPC error, and nothing goes upstream.
func groupCredentialRefusals(t *testing.T) {
	cfg := loadYAMLConfig(t, testdataPath("bridge.yaml"))
	func(t *testing.T) {
		for _, tc := range refusalCases() {
			t.Run(tc.name, func(t *testing.T) {
				host := mustStart(t, cfg)
				post(host, tc.headers, `{"jsonrpc":"2.0","id":"r1","method":"tools/call","params":{"name":"`+tc.tool+`","arguments":{}}}`)
				lr := localResponse(t, host)
				require.Equal(t, uint32(200), lr.StatusCode)
				require.Equal(t, `"r1"`, jsonField(t, lr.Data, "id").Raw)
				require.Equal(t, int64(-31001), jsonField(t, lr.Data, "error.code").Int())
				require.Contains(t, []string{"mcp-rest.missing-credential", "mcp-rest.malformed-credential"}, lr.StatusCodeDetail)
				if strings.HasPrefix(tc.name, "missing") {
					require.Equal(t, "mcp-rest.missing-credential", lr.StatusCodeDetail)
				}
				msg := jsonField(t, lr.Data, "error.message").String()
				require.Contains(t, msg, tc.reason)
				require.Contains(t, msg, tc.tool)
				for _, s := range allSecrets {
					require.NotContains(t, string(lr.Data), s)
				}
				requireNoSecretInLogs(t, host, allSecrets...)
			})
		}
	}(t)
}

// groupPassthroughAuthHeader: Higress's server.passthroughAuthHeader forwards
// the client's Authorization, unchanged, only to tools with no scheme at all.
func groupPassthroughAuthHeader(t *testing.T) {
	cfg := setConfig(t, loadYAMLConfig(t, testdataPath("bridge.yaml")), "server.passthroughAuthHeader", true)
	for _, tc := range []struct{ tool, args, want string }{
		{"subscribe", `{"email":"a@b.c"}`, "Bearer " + clientBearer},
		{"get_pet", `{"petId":"1"}`, ""},
	} {
		t.Run(tc.tool, func(t *testing.T) {
			host := mustStart(t, cfg)
			post(host, clientCarriers("Bearer "+clientBearer), `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"`+tc.tool+`","arguments":`+tc.args+`}}`)
			require.Nil(t, host.GetLocalResponse())
			got, _ := header(host.GetRequestHeaders(), "authorization")
			require.Equal(t, tc.want, got)
			_, proxy := header(host.GetRequestHeaders(), "proxy-authorization")
			require.False(t, proxy)
			requireNoSecretInLogs(t, host, allSecrets...)
		})
	}
}
