package e2e_test

import (
	"encoding/base64"
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/e2e/demo"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/e2e/examples"
)

// echoYAML serves the backend's echo endpoint (/v1/debug/echo) once per credential mode. The
// status and format args go to the echo as query parameters: it answers with that status, as
// JSON or text, quoting every header and the URL it got.
const echoYAML = `
server:
  name: echo
  securitySchemes:
  - {id: user-bearer, type: http, scheme: bearer}
  - {id: user-cookie, type: apiKey, in: cookie, name: sid}
  - {id: store-key, type: apiKey, in: header, name: X-API-Key, defaultCredential: "${DEMO_API_KEY}"}
  - {id: search-key, type: apiKey, in: query, name: api_key, defaultCredential: "${DEMO_SEARCH_KEY}"}
  - {id: admin-basic, type: http, scheme: basic, defaultCredential: "${DEMO_ADMIN_CREDENTIAL}"}
  - {id: svc-bearer, type: http, scheme: bearer}
tools:
- {name: echo_key, description: header API key, args: [{name: status, type: string}, {name: format, type: string}],
   requestTemplate: {url: "http://petstore.local/v1/debug/echo", method: GET, argsToUrlParam: true, security: {id: store-key}},
   outputSchema: {type: object}}
- {name: echo_query, description: query API key, args: [{name: status, type: string}, {name: format, type: string}],
   requestTemplate: {url: "http://petstore.local/v1/debug/echo", method: GET, argsToUrlParam: true, security: {id: search-key}},
   outputSchema: {type: object}}
- {name: echo_basic, description: HTTP Basic, args: [{name: status, type: string}, {name: format, type: string}],
   requestTemplate: {url: "http://petstore.local/v1/debug/echo", method: GET, argsToUrlParam: true, security: {id: admin-basic}},
   outputSchema: {type: object}}
- {name: echo_override, description: tool credential, args: [{name: status, type: string}, {name: format, type: string}],
   requestTemplate: {url: "http://petstore.local/v1/debug/echo", method: GET, argsToUrlParam: true,
     security: {id: svc-bearer, credential: "` + echoOverride + `"}},
   outputSchema: {type: object}}
- {name: echo_user, description: the client's bearer token, security: {id: user-bearer, passthrough: true},
   args: [{name: status, type: string}, {name: format, type: string}],
   requestTemplate: {url: "http://petstore.local/v1/debug/echo", method: GET, argsToUrlParam: true, security: {id: user-bearer}},
   outputSchema: {type: object}}
- {name: echo_cookie, description: the client's cookie key, security: {id: user-cookie, passthrough: true},
   args: [{name: status, type: string}, {name: format, type: string}],
   requestTemplate: {url: "http://petstore.local/v1/debug/echo", method: GET, argsToUrlParam: true},
   outputSchema: {type: object}}
`

const (
	echoOverride   = "e2e-override-token-41d7"
	echoUserToken  = "e2e-user+token/9f3a="
	echoUserCookie = "e2e-user-cookie-6d02b1"
)

// TestBackendEchoIsRedacted: an echoing backend gets each credential (checked in its record),
// quotes it back in a 2xx JSON answer (structuredContent), a 2xx text answer, a 4xx JSON error
// and a 5xx text error; the MCP client sees "[REDACTED]" and no form of any credential, and no
// log line of the gateway holds one.
func TestBackendEchoIsRedacted(t *testing.T) {
	secrets := examples.Secrets()
	d := startDemo(t, demo.Options{ConfigYAML: []byte(echoYAML)})
	_, adminPass, _ := strings.Cut(secrets[examples.EnvAdminCredential], ":")
	planted := []string{secrets[examples.EnvAPIKey], secrets[examples.EnvSearchKey], secrets[examples.EnvAdminCredential],
		adminPass, echoOverride, echoUserToken, echoUserCookie}
	sent := map[string]string{ // what the backend must have received for each tool
		"echo_key": secrets[examples.EnvAPIKey], "echo_query": secrets[examples.EnvSearchKey],
		"echo_basic":    base64.StdEncoding.EncodeToString([]byte(secrets[examples.EnvAdminCredential])),
		"echo_override": echoOverride, "echo_user": echoUserToken, "echo_cookie": echoUserCookie,
	}
	for _, era := range []string{legacy, modern} {
		cs, _ := connect(t, d.MCPURL, era, map[string]string{"Authorization": "Bearer " + echoUserToken, "Cookie": "sid=" + echoUserCookie})
		for tool, cred := range sent {
			for _, kind := range []struct{ status, format string }{{"200", "json"}, {"200", "text"}, {"401", "json"}, {"502", "text"}} {
				t.Run(eraName(era)+"/"+tool+"/"+kind.status+"-"+kind.format, func(t *testing.T) {
					d.Backend.Reset()
					res, err := callTool(t, cs, tool, map[string]any{"status": kind.status, "format": kind.format})
					if err != nil {
						t.Fatalf("call: %v", err)
					}
					if r := onlyRecord(t, d.Backend); !strings.Contains(r.Header.Get("Authorization")+r.Header.Get("X-Api-Key")+
						r.Header.Get("Cookie")+r.RawQuery, url.QueryEscape(cred)) && !strings.Contains(r.Header.Get("Authorization")+r.Header.Get("Cookie"), cred) {
						t.Fatalf("the backend did not get the credential: %+v", r)
					}
					if res.IsError != (kind.status != "200") {
						t.Errorf("isError = %v for HTTP %s", res.IsError, kind.status)
					}
					if kind.status == "200" && kind.format == "json" && res.StructuredContent == nil {
						t.Errorf("no structuredContent for a JSON object answer")
					}
					out, _ := json.Marshal(res)
					if !strings.Contains(string(out), "[REDACTED]") {
						t.Errorf("nothing redacted in %s", out)
					}
					for _, s := range planted {
						for _, f := range secretForms(s) {
							if strings.Contains(string(out), f) {
								t.Errorf("the MCP client got %q (a form of a credential): %s", f, out)
							}
						}
					}
				})
			}
		}
	}
	assertNoSecretsInLogs(t, d)
	for _, e := range d.Gateway.Logs() {
		for _, s := range planted {
			for _, f := range secretForms(s) {
				if strings.Contains(e.Msg, f) {
					t.Errorf("%s %s log line holds a credential form: %q", e.Source, e.Level, e.Msg)
				}
			}
		}
	}
}

// secretForms: raw, URL-encoded, JSON-escaped and base64 (unpadded, as inside a Basic header).
func secretForms(s string) []string {
	j, _ := json.Marshal(s)
	return []string{s, url.QueryEscape(s), url.PathEscape(s), string(j[1 : len(j)-1]),
		strings.TrimRight(base64.StdEncoding.EncodeToString([]byte(s)), "=")}
}
