package main

import (
	"encoding/base64"
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/higress-group/wasm-go/pkg/test"
	"github.com/stretchr/testify/require"
	"github.com/tidwall/gjson"
)

// Client credentials the redaction tests send (the configured ones are in testdata/redact.yaml).
const (
	ptBearer       = "client-bearer.7c1d9e/Zz+="
	ptBasic        = "alice:alice-pw-5e2a"
	clientKeyHdr   = "ck-header-3f9a2b71"
	clientKeyQuery = "ck-query/8e4d+1a="
	clientKeyCk    = "ck-cookie-6b2e90aa"
)

// redactSecrets is every credential of testdata/redact.yaml and of the clients, plus the Basic
// passwords alone.
var redactSecrets = []string{"hdr-key-9d2f6b1e", "q-default/7f3a+9c", "cookie-default-51d0", "svc-notes:n0tes-p4ss",
	"n0tes-p4ss", "override-bearer-2c8e", ptBearer, ptBasic, "alice-pw-5e2a", clientKeyHdr, clientKeyQuery, clientKeyCk}

// secretForms lists each secret raw, URL-encoded (query and path), JSON-escaped, and base64
// (without padding, as in any Basic header that carries it).
func secretForms() []string {
	var out []string
	for _, s := range redactSecrets {
		j, _ := json.Marshal(s)
		out = append(out, s, url.QueryEscape(s), url.PathEscape(s), string(j[1:len(j)-1]),
			strings.TrimRight(base64.StdEncoding.EncodeToString([]byte(s)), "="))
	}
	return out
}

// requireNoSecretForm fails if out or any log line holds any form of any planted secret.
func requireNoSecretForm(t *testing.T, host test.TestHost, out []byte) {
	t.Helper()
	for _, f := range secretForms() {
		require.NotContains(t, string(out), f, "a credential reached the MCP client")
	}
	requireNoSecretInLogs(t, host, secretForms()...)
}

// redactCredential is one tool family of redact.yaml: how its client authenticates and
// where the echoed credential shows in the structured echo once redacted.
type redactCredential struct {
	prefix  string      // tools <prefix>_structured and <prefix>_text
	headers [][2]string // client headers
	query   string      // client query ("" none)
	path    string      // gjson path in the echo
	want    string      // its value once redacted
}

func redactCredentials() []redactCredential {
	b64 := base64.StdEncoding.EncodeToString
	return []redactCredential{
		{prefix: "hdr", path: "received.headers.x-api-key", want: "[REDACTED]"},
		{prefix: "query", path: "received.url", want: "/anything/query?api_key=[REDACTED]"},
		{prefix: "cookie", path: "received.headers.cookie", want: "backend_session=[REDACTED]"},
		{prefix: "basic", path: "received.headers.authorization", want: "Basic [REDACTED]="},
		{prefix: "override", path: "received.headers.authorization", want: "Bearer [REDACTED]"},
		{prefix: "pt_bearer", headers: [][2]string{{"authorization", "Bearer " + ptBearer}},
			path: "received.headers.authorization", want: "Bearer [REDACTED]"},
		{prefix: "pt_basic", headers: [][2]string{{"authorization", "Basic " + b64([]byte(ptBasic))}},
			path: "received.headers.authorization", want: "Basic [REDACTED]=="},
		{prefix: "pt_header", headers: [][2]string{{"x-client-key", clientKeyHdr}}, path: "received.headers.x-api-key", want: "[REDACTED]"},
		{prefix: "pt_query", query: "client_key=" + url.QueryEscape(clientKeyQuery), path: "received.url",
			want: "/anything/inbox?client_key=[REDACTED]"},
		{prefix: "pt_cookie", headers: [][2]string{{"cookie", "lang=en; session_key=" + clientKeyCk}},
			path: "received.headers.cookie", want: "session_key=[REDACTED]"},
	}
}

// echo is what an echoing backend answers: the request URL and its credential-carrying
// headers, as JSON (Go's encoder: '&', '<', '>' as \u0026 ...) and as text lines.
func echo(up [][2]string) (jsonBody, text string) {
	headers := map[string]string{}
	var path string
	var lines []string
	for _, h := range up {
		switch h[0] {
		case ":path":
			path = h[1]
		case "authorization", "x-api-key", "cookie":
			headers[h[0]] = h[1]
			lines = append(lines, h[0]+": "+h[1])
		}
	}
	b, _ := json.Marshal(map[string]any{"error": "unauthorized", "received": map[string]any{"url": path, "headers": headers}})
	return string(b), "GET " + path + "\n" + strings.Join(lines, "\n") + "\n"
}

type redactKind struct {
	name, suffix, status, contentType string
	body                              func(jsonBody, text string) string
	isError                           bool
	check                             func(t *testing.T, out []byte, c redactCredential)
}

func redactKinds() []redactKind {
	textPrefix := func(p string) func(*testing.T, []byte, redactCredential) {
		return func(t *testing.T, out []byte, _ redactCredential) {
			text := jsonField(t, out, "result.content.0.text").String()
			require.True(t, strings.HasPrefix(text, p), "text %q", text)
			require.Contains(t, text, "[REDACTED]")
		}
	}
	return []redactKind{
		{name: "2xx JSON with outputSchema", suffix: "_structured", status: "200", contentType: "application/json",
			body: func(j, _ string) string { return j }, check: func(t *testing.T, out []byte, c redactCredential) {
				require.Equal(t, c.want, jsonField(t, out, "result.structuredContent."+c.path).String())
				text := jsonField(t, out, "result.content.0.text").String()
				require.Equal(t, c.want, gjson.Get(text, c.path).String(), "text content %s", text)
			}},
		{name: "2xx JSON as text", suffix: "_text", status: "200", contentType: "application/json",
			body: func(j, _ string) string { return j }, check: func(t *testing.T, out []byte, c redactCredential) {
				require.Equal(t, c.want, gjson.Get(jsonField(t, out, "result.content.0.text").String(), c.path).String())
			}},
		{name: "2xx JSON with escaped slashes as text", suffix: "_text", status: "200", contentType: "application/json",
			body: func(j, _ string) string { return strings.ReplaceAll(j, "/", `\/`) }, check: textPrefix(`{"error":"unauthorized","received":`)},
		{name: "2xx text", suffix: "_text", status: "200", contentType: "text/plain",
			body: func(_, tx string) string { return tx }, check: textPrefix("GET /anything/")},
		{name: "4xx excerpt", suffix: "_text", status: "401", contentType: "application/json", isError: true,
			body: func(j, _ string) string { return j }, check: textPrefix(`HTTP 401: {"error":"unauthorized","received":`)},
		{name: "non-JSON excerpt", suffix: "_text", status: "502", contentType: "text/html", isError: true,
			body:  func(_, tx string) string { return "<html><body><pre>upstream saw:\n" + tx + "</pre></body></html>" },
			check: textPrefix("HTTP 502: <html><body><pre>upstream saw:")},
		{name: "errorResponseTemplate", suffix: "_structured", status: "403", contentType: "application/json", isError: true,
			body: func(j, _ string) string { return j }, check: func(t *testing.T, out []byte, c redactCredential) {
				text := jsonField(t, out, "result.content.0.text").String()
				require.True(t, strings.HasPrefix(text, "refused: unauthorized {"), text)
				require.Equal(t, c.want, gjson.Get(strings.TrimPrefix(text, "refused: unauthorized "), strings.TrimPrefix(c.path, "received.")).String())
			}},
		{name: "image", suffix: "_text", status: "200", contentType: "image/png", isError: true,
			body: func(_, tx string) string { return "\x89PNG\r\n\x1a\n\x00\x00\x00\x00tEXtComment\x00" + tx },
			check: func(t *testing.T, out []byte, _ redactCredential) {
				require.Equal(t, withheldImage, jsonField(t, out, "result.content.0.text").String())
			}},
	}
}

// groupRedaction: a backend echoing the credential of the call, for every scheme type and
// every response kind, never gets it to the MCP client or into a log.
func groupRedaction(t *testing.T) {
	cfg := loadYAMLConfig(t, testdataPath("redact.yaml"))
	for _, c := range redactCredentials() {
		for _, k := range redactKinds() {
			t.Run(c.prefix+"/"+k.name, func(t *testing.T) {
				host := mustStart(t, cfg)
				up := callUpstream(t, host, c, c.prefix+k.suffix)
				j, tx := echo(up)
				out := respond(t, host, k.status, [][2]string{{"content-type", k.contentType}}, k.body(j, tx))
				require.Equal(t, k.isError, jsonField(t, out, "result.isError").Bool(), "%s", out)
				k.check(t, out, c)
				requireNoSecretForm(t, host, out)
			})
		}
	}
	t.Run("chunked body, secret split across chunks", func(t *testing.T) {
		host := mustStart(t, cfg)
		up := callUpstream(t, host, redactCredentials()[0], "hdr_text")
		_, tx := echo(up)
		cut := strings.Index(tx, "9d2f")
		require.Positive(t, cut)
		host.CallOnHttpResponseHeaders([][2]string{{":status", "200"}, {"content-type", "text/plain"}})
		host.CallOnHttpStreamingResponseBody([]byte(tx[:cut]), false)
		host.CallOnHttpStreamingResponseBody([]byte(tx[cut:]), true)
		out := host.GetResponseBody()
		require.Equal(t, "GET /anything/hdr\nx-api-key: [REDACTED]\n", jsonField(t, out, "result.content.0.text").String())
		requireNoSecretForm(t, host, out)
	})
	t.Run("a secret straddling the excerpt cut leaves no prefix", func(t *testing.T) {
		host := mustStart(t, cfg)
		callUpstream(t, host, redactCredentials()[0], "hdr_text")
		pad := strings.Repeat("x", 505)
		out := respond(t, host, "401", [][2]string{{"content-type", "text/plain"}}, pad+" hdr-key-9d2f6b1e tail")
		require.Equal(t, "HTTP 401: "+pad+" [REDAC…", jsonField(t, out, "result.content.0.text").String())
	})
	t.Run("a secret split by JSON structure is caught on the final message", func(t *testing.T) {
		// A key holding '"' and ',' (visible ASCII, so allowed in a header) spans two JSON
		// strings of the body: not an echo inside the body, but pasted into the text content
		// it reads as the key, so the final message gets a second pass.
		host := mustStart(t, setConfig(t, cfg, "server.securitySchemes.0.defaultCredential", `k","role":"admin-9f`))
		callUpstream(t, host, redactCredentials()[0], "hdr_text")
		out := respond(t, host, "200", [][2]string{{"content-type", "application/json"}}, `{"x":"k","role":"admin-9f"}`)
		require.Equal(t, `{"x":"[REDACTED]"}`, jsonField(t, out, "result.content.0.text").String())
	})
	t.Run("a short credential is redacted as a whole token, with a warning at start", func(t *testing.T) {
		host := mustStart(t, setConfig(t, cfg, "server.securitySchemes.0.defaultCredential", "k1"))
		requireLogLine(t, host.GetWarnLogs(), "mcp-rest-bridge: tool hdr_text: 1 credential form(s) shorter than 8 bytes are redacted from responses only where they stand as a whole token")
		callUpstream(t, host, redactCredentials()[0], "hdr_text")
		out := respond(t, host, "401", [][2]string{{"content-type", "application/json"}}, `{"received":{"x-api-key":"k1"},"note":"k1x k1"}`)
		require.Equal(t, `HTTP 401: {"received":{"x-api-key":"[REDACTED]"},"note":"k1x [REDACTED]"}`, jsonField(t, out, "result.content.0.text").String())
	})
	t.Run("a template reassembling the secret is caught on the final message", func(t *testing.T) {
		host := mustStart(t, cfg)
		callUpstream(t, host, redactCredentials()[0], "halves")
		out := respond(t, host, "200", [][2]string{{"content-type", "application/json"}}, `{"a":"hdr-key-","b":"9d2f6b1e"}`)
		require.Equal(t, "key: [REDACTED]", jsonField(t, out, "result.content.0.text").String())
		requireNoSecretForm(t, host, out)
	})
}

// groupRedactionOAuth2: the token obtained for the call (client credentials, and token
// exchange with the client's subject token) is redacted from an echoing backend's answer.
func groupRedactionOAuth2(t *testing.T) {
	for _, c := range []struct{ tool, token, answer string }{
		{"list_orders", issuedCC, tokenJSON(issuedCC, 3600)},
		{"my_orders", issuedXchg, `{"access_token":"` + issuedXchg + `","token_type":"bearer","expires_in":300}`},
	} {
		t.Run(c.tool, func(t *testing.T) {
			host := mustStart(t, oauth2Cfg(t))
			post(host, userCall(), toolCall(c.tool))
			answerToken(host, "200", c.answer)
			requireUpstreamToken(t, host, c.token)
			body, _ := echo(host.GetRequestHeaders())
			if c.tool == "my_orders" { // the subject token of the exchange is the call's too
				body = strings.Replace(body, `"error":"unauthorized"`, `"error":"unauthorized `+userToken+`"`, 1)
			}
			out := respond(t, host, "401", [][2]string{{"content-type", "application/json"}}, body)
			text := jsonField(t, out, "result.content.0.text").String()
			require.Equal(t, "Bearer [REDACTED]", gjson.Get(strings.TrimPrefix(text, "HTTP 401: "), "received.headers.authorization").String(), text)
			requireNoOAuth2Leak(t, host, out)
			if c.tool == "my_orders" {
				require.Contains(t, text, `"error":"unauthorized [REDACTED]"`)
			}
		})
	}
}

// groupRedactionOAuth2ClientSecret: a backend that echoes the scheme's client secret, or the
// Basic pair of the token request, has both redacted (they are configured credentials too).
func groupRedactionOAuth2ClientSecret(t *testing.T) {
	host := mustStart(t, oauth2Cfg(t))
	post(host, userCall(), toolCall("list_orders"))
	answerToken(host, "200", tokenJSON(issuedCC, 3600))
	requireUpstreamToken(t, host, issuedCC)
	pair := base64.StdEncoding.EncodeToString([]byte("orders-client:" + ccSecret))
	out := respond(t, host, "500", [][2]string{{"content-type", "application/json"}},
		`{"error":"misconfigured","secret":"`+ccSecret+`","basic":"Basic `+pair+`"}`)
	text := jsonField(t, out, "result.content.0.text").String()
	require.Equal(t, `HTTP 500: {"error":"misconfigured","secret":"[REDACTED]","basic":"Basic [REDACTED]"}`, text)
	requireNoOAuth2Leak(t, host, out)
}

// callUpstream sends a tools/call for tool with c's client credential and returns the
// upstream request headers the plugin produced.
func callUpstream(t *testing.T, host test.TestHost, c redactCredential, tool string) [][2]string {
	t.Helper()
	headers := legacyHeaders(c.headers...)
	if c.query != "" {
		headers = withHeader(headers, ":path", "/mcp?"+c.query)
	}
	post(host, headers, `{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"`+tool+`","arguments":{}}}`)
	require.Nil(t, host.GetLocalResponse(), "the call was not forwarded")
	return host.GetRequestHeaders()
}
