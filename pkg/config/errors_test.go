package config

import (
	"strings"
	"testing"
)

const (
	bearerScheme = `{"id":"bearer","type":"http","scheme":"bearer","defaultCredential":"tok"}`
	keyHeader    = `{"id":"key","type":"apiKey","in":"header","name":"X-API-Key","defaultCredential":"k"}`
	keyQuery     = `{"id":"q","type":"apiKey","in":"query","name":"appid","defaultCredential":"k"}`
)

func withSchemes(extraServer, tools string) string {
	return `{"server":{"name":"s",` + extraServer + `},"tools":[` + tools + `]}`
}

// errorCases: each bad config and the exact start of the error Parse must return.
var errorCases = []struct {
	name, data, want string
}{
	{"empty", ``, "config: empty configuration"},
	{"not json", `{"server":`, "config: not valid JSON (syntax error at byte 10)"},
	{"not an object", `[1]`, "config: must be a JSON object, not an array"},
	{"no server", `{"tools":[` + getTool("a") + `]}`, "server: is required"},
	{"no tools", `{"server":{"name":"s"}}`, "tools: is required"},
	{"empty tools", `{"server":{"name":"s"},"tools":[]}`, "tools: at least one tool is required"},
	{"unknown root key", `{"server":{"name":"s"},"tool":[]}`, "tool: unknown key"},
	{"toolSet", `{"toolSet":{},"server":{"name":"s"},"tools":[]}`, "toolSet: unknown key: " + notRESTText},
	{"duplicate key", `{"server":{"name":"s","name":"t"},"tools":[]}`, "server.name: duplicate key"},
	{"duplicate key in a later element", `{"server":{"name":"s"},"tools":[` + getTool("a") + `,{"name":"b","name":"c"}]}`, "tools[1].name: duplicate key"},
	{"null element after others", `{"server":{"name":"s"},"tools":[` + getTool("a") + `,` + getTool("b") + `,null]}`, "tools[2]: must not be null"},
	{"required key in a nested element", `{"server":{"name":"s"},"tools":[` + getTool("a") + `,{"name":"b","description":"d","requestTemplate":{"method":"GET"}}]}`, "tools[1].requestTemplate.url: is required"},
	{"server name missing", `{"server":{},"tools":[]}`, "server.name: is required"},
	{"server name type", `{"server":{"name":7},"tools":[]}`, "server.name: must be a string, not a number"},
	{"server type", `{"server":{"name":"s","type":"mcp-proxy"},"tools":[]}`, "server.type: must be one of: rest (" + notRESTText + ")"},
	{"mcp-proxy mcpServerURL", `{"server":{"name":"s","mcpServerURL":"http://x"},"tools":[]}`, "server.mcpServerURL: unknown key: " + notRESTText},
	{"mcp-proxy transport", `{"server":{"name":"s","transport":"http"},"tools":[]}`, "server.transport: unknown key: " + notRESTText},
	{"mcp-proxy timeout", `{"server":{"name":"s","timeout":5000},"tools":[]}`, "server.timeout: unknown key: " + notRESTText},
	{"mcp-proxy protocolStrategy", `{"server":{"name":"s","protocolStrategy":"modern"},"tools":[]}`, "server.protocolStrategy: unknown key: " + notRESTText},
	{"server version type", `{"server":{"name":"s","version":2},"tools":[]}`, "server.version: must be a string, not a number"},
	{"server version and bridge version", `{"server":{"name":"s","version":"2.0.0"},"bridge":{"serverVersion":"2.0.0"},"tools":[` + getTool("a") + `]}`,
		"server.version: set either server.version or bridge.serverVersion, not both"},
	{"legacyOnly type", cfg(`{"name":"a","legacyOnly":"yes"}`), "tools[0].legacyOnly: must be a boolean, not a string"},
	{"server config type", `{"server":{"name":"s","config":[]},"tools":[]}`, "server.config: must be an object, not an array"},
	{"passthroughAuthHeader type", `{"server":{"name":"s","passthroughAuthHeader":"yes"},"tools":[]}`, "server.passthroughAuthHeader: must be a boolean, not a string"},
	{"scheme type missing", withSchemes(`"securitySchemes":[{"id":"a"}]`, getTool("t")), "server.securitySchemes[0].type: is required"},
	{"scheme type unsupported", withSchemes(`"securitySchemes":[{"id":"a","type":"openIdConnect"}]`, getTool("t")), "server.securitySchemes[0].type: "},
	{"scheme in", withSchemes(`"securitySchemes":[`+bearerScheme+`,{"id":"b","type":"apiKey","in":"body","name":"k"}]`, getTool("t")), "server.securitySchemes[1].in: "},
	{"scheme duplicate id", withSchemes(`"securitySchemes":[`+bearerScheme+`,`+bearerScheme+`]`, getTool("t")), "server.securitySchemes[1].id: "},
	{"scheme unknown key", withSchemes(`"securitySchemes":[{"id":"a","type":"http","scheme":"bearer","openIdConnectUrl":""}]`, getTool("t")), "server.securitySchemes[0].openIdConnectUrl: unknown key"},
	{"downstream credential", withSchemes(`"defaultDownstreamSecurity":{"id":"a","credential":"x"}`, getTool("t")), "server.defaultDownstreamSecurity.credential: unknown key"},
	{"downstream id missing", withSchemes(`"defaultDownstreamSecurity":{"passthrough":true}`, getTool("t")), "server.defaultDownstreamSecurity.id: is required"},
	{"upstream unknown scheme", withSchemes(`"defaultUpstreamSecurity":{"id":"nope"}`, getTool("t")), "server.defaultUpstreamSecurity.id: unknown security scheme"},
	{"upstream env unset", withSchemes(`"securitySchemes":[`+bearerScheme+`],"defaultUpstreamSecurity":{"id":"bearer","credential":"${UNSET_TOKEN}"}`, getTool("t")),
		"server.defaultUpstreamSecurity.credential: environment variable UNSET_TOKEN is not set"},
	{"tool name missing", cfg(`{"requestTemplate":{"url":"/x","method":"GET"}}`), "tools[0].name: is required"},
	{"tool name empty", cfg(`{"name":""}`), "tools[0].name: must not be empty"},
	{"tool name charset", cfg(`{"name":"get weather"}`), `tools[0].name: tool name may contain only`},
	{"tool name length", cfg(`{"name":"` + strings.Repeat("a", 129) + `"}`), "tools[0].name: tool name must be 1 to 128 characters"},
	{"tool name duplicate", cfg(getTool("a") + "," + getTool("b") + "," + getTool("a")), `tools[2].name: duplicate tool name "a" (also tools[0])`},
	{"tool unknown key", cfg(`{"name":"a","inputSchema":{}}`), "tools[0].inputSchema: unknown key"},
	{"url missing", cfg(getTool("a") + "," + getTool("b") + "," + getTool("c") + `,{"name":"d","requestTemplate":{"method":"GET"}}`), "tools[3].requestTemplate.url: is required"},
	{"url type", cfg(`{"name":"a","requestTemplate":{"url":1,"method":"GET"}}`), "tools[0].requestTemplate.url: must be a string, not a number"},
	{"method missing", cfg(`{"name":"a","requestTemplate":{"url":"/x"}}`), "tools[0].requestTemplate.method: is required"},
	{"template key case", cfg(`{"name":"a","requestTemplate":{"url":"/x","method":"POST","argsToJSONBody":true}}`),
		`tools[0].requestTemplate.argsToJSONBody: unknown key (keys are case-sensitive: did you mean "argsToJsonBody"?)`},
	{"headers type", cfg(`{"name":"a","requestTemplate":{"url":"/x","method":"GET","headers":{"k":"v"}}}`), "tools[0].requestTemplate.headers: must be an array, not an object"},
	{"header key missing", cfg(`{"name":"a","requestTemplate":{"url":"/x","method":"GET","headers":[{"key":"A","value":"1"},{"value":"v"}]}}`), "tools[0].requestTemplate.headers[1].key: is required"},
	{"template security passthrough", cfg(`{"name":"a","requestTemplate":{"url":"/x","method":"GET","security":{"id":"s","passthrough":true}}}`), "tools[0].requestTemplate.security.passthrough: unknown key"},
	{"template security unknown id", withSchemes(`"securitySchemes":[`+bearerScheme+`]`, `{"name":"a","requestTemplate":{"url":"/x","method":"GET","security":{"id":"other"}}}`), "tools[0].requestTemplate.security.id: unknown security scheme"},
	{"tool security credential", cfg(`{"name":"a","security":{"id":"s","credential":"x"}}`), "tools[0].security.credential: unknown key"},
	{"response template key", cfg(`{"name":"a","responseTemplate":{"template":"x"}}`), "tools[0].responseTemplate.template: unknown key"},
	{"output schema type", cfg(`{"name":"a","outputSchema":[],"responseTemplate":{"body":"x"}}`), "tools[0].outputSchema: must be an object, not an array"},
	{"args type", cfg(`{"name":"a","args":{}}`), "tools[0].args: must be an array, not an object"},
	{"arg null", cfg(`{"name":"a","args":[null]}`), "tools[0].args[0]: must not be null"},
	{"arg name missing", cfg(`{"name":"a","args":[{"type":"string"}]}`), "tools[0].args[0].name: is required"},
	{"arg position", cfg(getTool("a") + "," + getTool("b") + `,{"name":"c","args":[{"name":"x"},{"name":"y","position":"form"}]}`), "tools[2].args[1].position: must be one of: query, path, header, cookie, body"},
	{"arg required type", cfg(`{"name":"a","args":[{"name":"x","required":"true"}]}`), "tools[0].args[0].required: must be a boolean, not a string"},
	{"arg minimum type", cfg(`{"name":"a","args":[{"name":"x","type":"integer","minimum":"1"}]}`), "tools[0].args[0].minimum: must be a number, not a string"},
	{"arg minLength integer", cfg(`{"name":"a","args":[{"name":"x","minLength":1.5}]}`), "tools[0].args[0].minLength: must be an integer, not a number"},
	{"arg items type", cfg(`{"name":"a","args":[{"name":"x","type":"array","items":3}]}`), "tools[0].args[0].items: must be a JSON Schema (an object or a boolean), not a number"},
	{"arg unknown key", cfg(`{"name":"a","args":[{"name":"x","positon":"query"}]}`), "tools[0].args[0].positon: unknown key"},
	{"arg enum type", cfg(`{"name":"a","args":[{"name":"x","enum":"a"}]}`), "tools[0].args[0].enum: must be an array, not a string"},
	{"x-mcp-header token", cfg(`{"name":"a","args":[{"name":"x","x-mcp-header":"a b"}]}`), "tools[0].args[0].x-mcp-header: must be a non-empty HTTP header token"},
	{"x-mcp-header number", cfg(`{"name":"a","args":[{"name":"x","type":"number","x-mcp-header":"X"}]}`), "tools[0].args[0].x-mcp-header: allowed only on string, integer and boolean args"},
	{"x-mcp-header duplicate", cfg(`{"name":"a","args":[{"name":"x","x-mcp-header":"Region"},{"name":"y","x-mcp-header":"region"}]}`), `tools[0].args[1].x-mcp-header: duplicate x-mcp-header "region" (also args[0])`},
	{"allowTools type", `{"server":{"name":"s"},"allowTools":"a","tools":[` + getTool("a") + `]}`, "allowTools: must be an array, not a string"},
	{"allowTools unknown", `{"server":{"name":"s"},"allowTools":["a","b"],"tools":[` + getTool("a") + `]}`, `allowTools[1]: names unknown tool "b"`},
	{"bridge unknown key", `{"server":{"name":"s"},"bridge":{"maxBodyBytes":1},"tools":[` + getTool("a") + `]}`, "bridge.maxBodyBytes: unknown key"},
	{"bridge request min", `{"server":{"name":"s"},"bridge":{"maxRequestBodyBytes":10},"tools":[` + getTool("a") + `]}`, "bridge.maxRequestBodyBytes: must be between 1024 and 104857600"},
	{"bridge response max", `{"server":{"name":"s"},"bridge":{"maxResponseBodyBytes":1e12},"tools":[` + getTool("a") + `]}`, "bridge.maxResponseBodyBytes: must be between 1024 and 104857600"},
	{"bridge excerpt type", `{"server":{"name":"s"},"bridge":{"errorExcerptBytes":"512"},"tools":[` + getTool("a") + `]}`, "bridge.errorExcerptBytes: must be an integer, not a string"},
	{"bridge ttl negative", `{"server":{"name":"s"},"bridge":{"toolsListTTLMs":-1},"tools":[` + getTool("a") + `]}`, "bridge.toolsListTTLMs: must be between 0 and 86400000"},
	{"bridge origin", `{"server":{"name":"s"},"bridge":{"allowedOrigins":["*","app.example.com"]},"tools":[` + getTool("a") + `]}`, "bridge.allowedOrigins[1]: must be"},
	{"bridge origin path", `{"server":{"name":"s"},"bridge":{"allowedOrigins":["https://a.example.com/x"]},"tools":[` + getTool("a") + `]}`, "bridge.allowedOrigins[0]: must be"},
	{"bridge depth zero", `{"server":{"name":"s"},"bridge":{"maxJsonDepth":0},"tools":[` + getTool("a") + `]}`, "bridge.maxJsonDepth: must be between 1 and 512"},
	{"bridge depth max", `{"server":{"name":"s"},"bridge":{"maxJsonDepth":513},"tools":[` + getTool("a") + `]}`, "bridge.maxJsonDepth: must be between 1 and 512"},
	{"config too deep", `{"server":{"name":"s","config":` + strings.Repeat(`{"a":`, 300) + `1` + strings.Repeat(`}`, 300) + `},"tools":[` + getTool("a") + `]}`, "config: nested deeper than 256 levels"},
	{"config deep and broken", strings.Repeat("[", 1000000), "config: nested deeper than 256 levels"},
	{"bridge audit not a boolean", `{"server":{"name":"s"},"bridge":{"audit":"yes"},"tools":[` + getTool("a") + `]}`, "bridge.audit: "},
	{"bridge version", `{"server":{"name":"s"},"bridge":{"serverVersion":"1 0"},"tools":[` + getTool("a") + `]}`, "bridge.serverVersion: must be printable ASCII without spaces"},
	{"carrier: header arg", withSchemes(`"securitySchemes":[`+keyHeader+`],"defaultUpstreamSecurity":{"id":"key"}`,
		`{"name":"a","args":[{"name":"q","position":"query"},{"name":"x-api-key","position":"header"}],"requestTemplate":{"url":"https://h/x","method":"GET"}}`),
		`tools[0].args[1]: arg "x-api-key" is sent as header "x-api-key", which carries a credential`},
	{"carrier: query arg via argsToUrlParam", withSchemes(`"securitySchemes":[`+keyQuery+`]`,
		`{"name":"a","args":[{"name":"appid"}],"requestTemplate":{"url":"https://h/x","method":"GET","argsToUrlParam":true,"security":{"id":"q"}}}`),
		`tools[0].args[0]: arg "appid" is sent as query parameter "appid"`},
	{"carrier: client bearer vs template header", withSchemes(`"securitySchemes":[`+bearerScheme+`],"defaultDownstreamSecurity":{"id":"bearer"}`,
		`{"name":"a","requestTemplate":{"url":"https://h/x","method":"GET","headers":[{"key":"Accept","value":"*/*"},{"key":"authorization","value":"APPCODE {{.config.code}}"}]}}`),
		`tools[0].requestTemplate.headers[1].key: template header "authorization" carries a credential`},
	{"carrier: template query", withSchemes(`"securitySchemes":[`+keyQuery+`],"defaultUpstreamSecurity":{"id":"q"}`,
		`{"name":"a","requestTemplate":{"url":"https://h/x?city={{.args.c}}&appid={{.config.id}}","method":"GET"}}`),
		`tools[0].requestTemplate.url: query parameter "appid" carries a credential`},
	{"carrier: cookie arg", withSchemes(`"securitySchemes":[{"id":"c","type":"apiKey","in":"cookie","name":"sid","defaultCredential":"k"}],"defaultUpstreamSecurity":{"id":"c"}`,
		`{"name":"a","args":[{"name":"sid","position":"cookie"}],"requestTemplate":{"url":"https://h/x","method":"GET"}}`),
		`tools[0].args[0]: arg "sid" is sent as cookie "sid"`},
	{"carrier: template Cookie header", withSchemes(`"securitySchemes":[{"id":"c","type":"apiKey","in":"cookie","name":"sid","defaultCredential":"k"}],"defaultUpstreamSecurity":{"id":"c"}`,
		`{"name":"a","requestTemplate":{"url":"https://h/x","method":"GET","headers":[{"key":"Cookie","value":"theme=dark"}]}}`),
		`tools[0].requestTemplate.headers[0].key: template header "Cookie" carries a credential`},
	// Semantic errors from rest.CompileTool and security, with their paths.
	{"rest: unknown arg type", cfg(`{"name":"a","args":[{"name":"x","type":"str"}],"requestTemplate":{"url":"/x","method":"GET"}}`), `tools[0].args[0].type: unknown type "str"`},
	{"rest: merged duplicate arg keeps its config index", cfg(`{"name":"a","args":[{"name":"x","type":"int"},{"name":"y"},{"name":"x","type":"str"}],"requestTemplate":{"url":"/x","method":"GET"}}`),
		`tools[0].args[2].type: unknown type "str"`},
	{"rest: two argsTo options", cfg(`{"name":"a","requestTemplate":{"url":"/x","method":"POST","argsToJsonBody":true,"argsToUrlParam":true}}`), "tools[0].requestTemplate: only one of argsToJsonBody, argsToUrlParam and argsToFormBody"},
	{"rest: body template syntax", cfg(`{"name":"a","requestTemplate":{"url":"/x","method":"POST","body":"{{.args.x"}}`), "tools[0].requestTemplate.body: "},
	{"rest: body with prependBody", cfg(`{"name":"a","requestTemplate":{"url":"/x","method":"GET"},"responseTemplate":{"body":"x","prependBody":"y"}}`), "tools[0].responseTemplate: "},
	{"rest: local tool without body", cfg(getTool("a") + `,{"name":"b"}`), "tools[1].responseTemplate.body: "},
	{"rest: url scheme", cfg(`{"name":"a","requestTemplate":{"url":"ftp://x/y","method":"GET"}}`), "tools[0].requestTemplate.url: "},
	{"rest: method", cfg(`{"name":"a","requestTemplate":{"url":"/x","method":"G ET"}}`), "tools[0].requestTemplate.method: "},
	{"rest: header arg name", cfg(`{"name":"a","args":[{"name":"x y","position":"header"}],"requestTemplate":{"url":"/x","method":"GET"}}`), "tools[0].args[0].name: "},
	{"rest: empty template header key", cfg(`{"name":"a","requestTemplate":{"url":"/x","method":"GET","headers":[{"key":"","value":"v"}]}}`), "tools[0].requestTemplate.headers[0].key: "},
	// A configured value is never quoted when it may be a credential (the loop checks it).
	{"secret: header key", cfg(`{"name":"a","requestTemplate":{"url":"/x","method":"GET","headers":[{"key":"Authorization: Bearer ` + plantedSecret + `","value":"v"}]}}`),
		"tools[0].requestTemplate.headers[0].key: is not a valid header name"},
	{"secret: unknown key", cfg(`{"name":"a","requestTemplate":{"url":"/x","method":"GET","Authorization: Bearer ` + plantedSecret + `":1}}`),
		"tools[0].requestTemplate.(key not shown): unknown key"},
	{"secret: URL port", cfg(`{"name":"a","requestTemplate":{"url":"https://api.example.com:` + plantedSecret + `/x","method":"GET"}}`),
		`tools[0].requestTemplate.url: invalid URL: invalid port "…" after host`},
	{"secret: template syntax", cfg(`{"name":"a","requestTemplate":{"url":"/x","method":"GET","headers":[{"key":"Authorization","value":"Bearer {{ ` + plantedSecret + ` }}"}]}}`),
		"tools[0].requestTemplate.headers[0].value: template: header:1: "},
	{"secret: method", cfg(`{"name":"a","requestTemplate":{"url":"/x","method":"` + plantedSecret + `"}}`),
		"tools[0].requestTemplate.method: unsupported method (value not shown)"},
	{"secret: arg type", cfg(`{"name":"a","args":[{"name":"x","type":"` + plantedSecret + `"}],"requestTemplate":{"url":"/x","method":"GET"}}`),
		"tools[0].args[0].type: unknown type (value not shown)"},
	{"secret: scheme", withSchemes(`"securitySchemes":[{"id":"b","type":"http","scheme":"Bearer `+plantedSecret+`"}]`, getTool("a")),
		"server.securitySchemes[0].scheme: unknown value (value not shown)"},
	{"secret: allowTools", `{"server":{"name":"s"},"allowTools":["` + plantedSecret + `"],"tools":[` + getTool("a") + `]}`,
		"allowTools[0]: names unknown tool (value not shown)"},
}

// notRESTText is the reason given for keys of Higress's non-REST servers.
const notRESTText = "this plugin serves REST tools only; Higress's mcp-proxy and toolSet servers are not supported"

func TestParseErrors(t *testing.T) {
	for _, c := range errorCases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Parse([]byte(c.data), secretEnv)
			if err == nil {
				t.Fatalf("Parse succeeded (%d tools), want error %q", len(got.Tools), c.want)
			}
			if !strings.HasPrefix(err.Error(), c.want) {
				t.Fatalf("error:\n got %q\nwant prefix %q", err.Error(), c.want)
			}
			if strings.Contains(err.Error(), plantedSecret) {
				t.Fatalf("error contains the planted secret: %q", err.Error())
			}
		})
	}
	if len(errorCases) < 25 {
		t.Fatalf("only %d error cases", len(errorCases))
	}
}
