package config

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/configerr"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/mcp"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/rest"
)

func TestParseDefaults(t *testing.T) {
	c := mustParse(t, cfg(getTool("a")+","+getTool("b")))
	wantBridge := Bridge{MaxRequestBytes: 1 << 20, MaxResponseBytes: 4 << 20, ErrorExcerptBytes: 512, ToolsTTLMs: 300000, MaxJSONDepth: 128}
	if !reflect.DeepEqual(c.Bridge, wantBridge) {
		t.Errorf("Bridge = %+v, want %+v", c.Bridge, wantBridge)
	}
	wantServer := Server{Name: "s", Version: "1.0.0", Config: []byte("{}")}
	if !reflect.DeepEqual(c.Server, wantServer) {
		t.Errorf("Server = %+v, want %+v", c.Server, wantServer)
	}
	wantMCP := mcp.Options{Info: mcp.ServerInfo{Name: "s", Version: "1.0.0"}, ToolsTTLMs: 300000, CacheScope: "private", MaxArgumentsDepth: 128}
	if !reflect.DeepEqual(c.MCP, wantMCP) {
		t.Errorf("MCP = %+v, want %+v", c.MCP, wantMCP)
	}
	if c.AllowTools != nil || !c.Allowed("a") || !c.Allowed("zzz") {
		t.Errorf("AllowTools = %v: every tool must be allowed", c.AllowTools)
	}
	if !reflect.DeepEqual(c.Names(), []string{"a", "b"}) || c.EntryIndex("b") != 1 || c.EntryIndex("c") != -1 {
		t.Errorf("Names %v, EntryIndex(b) %d, EntryIndex(c) %d", c.Names(), c.EntryIndex("b"), c.EntryIndex("c"))
	}
	if len(c.Entries()) != 2 || string(c.Entries()[1]) != string(c.Tools[1].Rest.ListEntry()) {
		t.Errorf("Entries do not match the tools' list entries")
	}
	if len(c.Warnings) != 0 {
		t.Errorf("Warnings = %v", c.Warnings)
	}
}

func TestParsePetstore(t *testing.T) {
	c := mustParse(t, string(yamlConfig(t, "petstore.yaml")))
	if c.Server.Name != "petstore" || c.Server.Version != "2.3.0" ||
		c.Server.Description != "Browse, add and adopt pets from the Example Pet Store." {
		t.Errorf("Server = %+v", c.Server)
	}
	if string(c.Server.Config) != `{"storeId":"store-042","region":"eu-west"}` {
		t.Errorf("Server.Config = %s", c.Server.Config)
	}
	wantBridge := Bridge{
		AllowedOrigins:  []string{"https://console.petstore.example.com"},
		MaxRequestBytes: 65536, MaxResponseBytes: 1048576, ErrorExcerptBytes: 256, ToolsTTLMs: 120000,
		MaxJSONDepth: 32,
	}
	if !reflect.DeepEqual(c.Bridge, wantBridge) {
		t.Errorf("Bridge = %+v, want %+v", c.Bridge, wantBridge)
	}
	wantNames := []string{"list_pets", "get_pet", "create_pet", "update_pet_status", "delete_pet", "place_order",
		"list_my_orders", "store_hours"}
	if !reflect.DeepEqual(c.Names(), wantNames) {
		t.Errorf("Names = %v", c.Names())
	}
	if len(c.AllowTools) != 8 || !c.Allowed("store_hours") || c.Allowed("other") {
		t.Errorf("AllowTools = %v", c.AllowTools)
	}
	wantSources := map[string]string{
		"list_pets":      "default:apiKey:header:x-petstore-key",
		"delete_pet":     "default:apiKey:header:x-petstore-key",
		"place_order":    "passthrough:header:authorization",
		"list_my_orders": "passthrough:header:authorization",
		"store_hours":    "none",
	}
	for name, want := range wantSources {
		if got := c.Tools[c.EntryIndex(name)].Policy.Source(); got != want {
			t.Errorf("%s: policy source %q, want %q", name, got, want)
		}
	}
	if c.Tools[c.EntryIndex("store_hours")].Rest.HasUpstream() || !c.Tools[0].Rest.HasUpstream() {
		t.Error("store_hours must answer locally and list_pets must call upstream")
	}
}

// TestPolicyResolution checks which requirement each tool gets: tool-level blocks win whole
// over the server defaults, as in Higress.
func TestPolicyResolution(t *testing.T) {
	server := `"securitySchemes":[` + bearerScheme + `,` + keyHeader + `,{"id":"user","type":"http","scheme":"bearer"}],` +
		`"defaultDownstreamSecurity":{"id":"user","passthrough":true},"defaultUpstreamSecurity":{"id":"key"}`
	cases := []struct{ name, tool, source string }{
		{"defaults", `{"name":"t","requestTemplate":{"url":"/x","method":"GET"}}`, "passthrough:header:authorization"},
		{"tool security without passthrough", `{"name":"t","security":{"id":"user"},"requestTemplate":{"url":"/x","method":"GET"}}`,
			"default:apiKey:header:x-api-key"},
		{"template security", `{"name":"t","security":{"id":"user"},"requestTemplate":{"url":"/x","method":"GET","security":{"id":"bearer"}}}`,
			"default:http:bearer"},
		{"template credential", `{"name":"t","security":{"id":"user"},"requestTemplate":{"url":"/x","method":"GET","security":{"id":"bearer","credential":"${TOKEN}"}}}`,
			"override:http:bearer"},
		{"local tool", `{"name":"t","responseTemplate":{"body":"ok"}}`, "none"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cf := mustParse(t, withSchemes(server, c.tool))
			if got := cf.Tools[0].Policy.Source(); got != c.source {
				t.Fatalf("source %q, want %q", got, c.source)
			}
		})
	}
}

func TestToolSpec(t *testing.T) {
	tool := `{"name":"t","description":"d","args":[
		{"name":"a","description":"A","type":"integer","required":true,"default":3,"enum":[1,3],"position":"Query","minimum":1,"x-mcp-header":"A"},
		{"name":"b","type":"array","items":{"type":"string"},"maxItems":2,"examples":[["x"]],"format":null},
		{"name":"c","type":"object","properties":{"k":{"type":"string"}},"enum":[]}],
		"requestTemplate":{"url":"/u","method":"POST","headers":[{"key":"K","value":"V"},{"key":"E"}],"body":"B","argsToFormBody":true},
		"responseTemplate":{"prependBody":"P","appendBody":"A"},"errorResponseTemplate":"E","outputSchema":{"type":"object"}}`
	cfgJSON := mustDecode(t, cfg(tool))
	spec, warns, err := toolSpec("tools[0]", cfgJSON.Get("tools.0"))
	if err != nil {
		t.Fatal(err)
	}
	want := rest.ToolSpec{
		Name: "t", Description: "d",
		Args: []rest.ArgSpec{
			{Path: "tools[0].args[0]", Name: "a", Description: "A", Type: "integer", Required: true, Default: []byte("3"), Enum: []byte("[1,3]"),
				Position: "query", Extra: [][2]string{{"minimum", "1"}, {"x-mcp-header", `"A"`}}},
			{Path: "tools[0].args[1]", Name: "b", Type: "array", Items: []byte(`{"type":"string"}`),
				Extra: [][2]string{{"maxItems", "2"}, {"examples", `[["x"]]`}}},
			{Path: "tools[0].args[2]", Name: "c", Type: "object", Properties: []byte(`{"k":{"type":"string"}}`)},
		},
		Request: &rest.RequestTemplateSpec{URL: "/u", Method: "POST", Body: "B", ArgsToFormBody: true,
			Headers: []rest.HeaderSpec{{Key: "K", Value: "V"}, {Key: "E"}}},
		Response:              rest.ResponseTemplateSpec{PrependBody: "P", AppendBody: "A"},
		ErrorResponseTemplate: "E",
		OutputSchema:          []byte(`{"type":"object"}`),
	}
	if !reflect.DeepEqual(spec, want) {
		t.Errorf("spec:\n got %+v\nwant %+v", spec, want)
	}
	wantWarns := []configerr.Warning{{Path: "tools[0].args[0].position", Msg: `position "Query" read as "query"`}}
	if !reflect.DeepEqual(warns, wantWarns) {
		t.Errorf("warnings = %v", warns)
	}
}

// TestDuplicateArgs: a repeated arg name (mcp-bravesearch has them) merges as in Higress, with
// a warning, and later errors still name the arg's index in the configuration.
func TestDuplicateArgs(t *testing.T) {
	args := `[{"name":"ids","type":"array","required":true},{"name":"lang","default":"en","required":true},` +
		`{"name":"q"},{"name":"lang","description":"second","default":"en-US"}]`
	spec, warns, err := toolSpec("tools[0]", mustDecode(t, `{"name":"t","args":`+args+`}`))
	if err != nil {
		t.Fatal(err)
	}
	if len(spec.Args) != 3 || spec.Args[1].Description != "second" || string(spec.Args[1].Default) != `"en-US"` ||
		!spec.Args[1].Required {
		t.Errorf("merged args = %+v", spec.Args)
	}
	var paths []string
	for _, a := range spec.Args {
		paths = append(paths, a.Path)
	}
	if want := []string{"tools[0].args[0]", "tools[0].args[3]", "tools[0].args[2]"}; !reflect.DeepEqual(paths, want) {
		t.Errorf("arg paths = %v, want %v", paths, want)
	}
	want := `duplicate arg name "lang" (also tools[0].args[1]); the last definition wins, as in Higress`
	if len(warns) != 1 || warns[0].Path != "tools[0].args[3].name" || warns[0].Msg != want {
		t.Errorf("warnings = %v", warns)
	}
	// errors and warnings of the merged arg name the definition that won
	bad := `[{"name":"q"},{"name":"lang"},{"name":"x"},{"name":"lang","type":"text"}]`
	_, err = Parse([]byte(`{"server":{"name":"s"},"tools":[{"name":"t","args":`+bad+`,"requestTemplate":{"url":"/x","method":"GET"}}]}`), nil)
	var ce *configerr.Error
	if !errors.As(err, &ce) || ce.Path != "tools[0].args[3].type" {
		t.Errorf("error = %v, want one at tools[0].args[3].type", err)
	}
	odd := `[{"name":"q"},{"name":"n"},{"name":"n","type":"integer","default":"x"}]`
	c, err := Parse([]byte(`{"server":{"name":"s"},"tools":[{"name":"t","args":`+odd+`,"requestTemplate":{"url":"/x","method":"GET"}}]}`), nil)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, w := range c.Warnings {
		found = found || w.Path == "tools[0].args[2].default"
	}
	if !found {
		t.Errorf("warnings = %v, want one at tools[0].args[2].default", c.Warnings)
	}
}

func TestParseLenient(t *testing.T) {
	cases := map[string]string{
		"wrapper keys": `{"_plugin_id_":"p","_match_route_":["r"],"_rules_":[],"server":{"name":"s"},"tools":[` + getTool("a") + `]}`,
		"nulls are absent": `{"server":{"name":"s","description":null,"config":null},"allowTools":null,"bridge":null,` +
			`"tools":[{"name":"a","description":null,"args":null,"requestTemplate":{"url":"/x","method":"GET","headers":null}}]}`,
		"integral doubles": `{"server":{"name":"s"},"bridge":{"maxRequestBodyBytes":65536.0,"toolsListTTLMs":6e4},"tools":[` + getTool("a") + `]}`,
		"server type rest": `{"server":{"name":"s","type":"rest"},"tools":[` + getTool("a") + `]}`,
	}
	for name, data := range cases {
		t.Run(name, func(t *testing.T) { mustParse(t, data) })
	}
	c := mustParse(t, cases["integral doubles"])
	if c.Bridge.MaxRequestBytes != 65536 || c.Bridge.ToolsTTLMs != 60000 {
		t.Errorf("Bridge = %+v", c.Bridge)
	}
}

func TestParseWarnings(t *testing.T) {
	server := `"securitySchemes":[{"id":"user","type":"http","scheme":"bearer"}]`
	tool := `{"name":"a","args":[{"name":"x","position":"HEADER"}],"security":{"id":"user","passthrough":true},` +
		`"requestTemplate":{"url":"/x","method":"GET","security":{"id":"user","credential":"${UNSET_X}"}}}`
	c := mustParse(t, withSchemes(server, tool))
	var got []string
	for _, w := range c.Warnings {
		got = append(got, w.Path+": "+w.Msg)
	}
	want := []string{
		`tools[0].args[0].position: position "HEADER" read as "header"`,
		"tools[0].requestTemplate.security.credential: credential is ignored: passthrough is on, so the client's credential is used",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestParseDoesNotRetainInput(t *testing.T) {
	data := []byte(cfg(`{"name":"abc","description":"desc","requestTemplate":{"url":"/x","method":"GET"}}`))
	c, err := Parse(data, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range data {
		data[i] = 'X'
	}
	if c.Names()[0] != "abc" || c.Server.Name != "s" || !strings.Contains(string(c.Entries()[0]), `"desc"`) {
		t.Errorf("config changed with the input buffer: %v %q %s", c.Names(), c.Server.Name, c.Entries()[0])
	}
}

// BenchmarkParseLargeCatalog measures start-up cost: parsing and compiling 60 tools.
func BenchmarkParseLargeCatalog(b *testing.B) {
	data := yamlConfig(b, "large-catalog.yaml")
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := Parse(data, secretEnv); err != nil {
			b.Fatal(err)
		}
	}
}

func TestAllowedOrigins(t *testing.T) {
	data := `{"server":{"name":"s"},"bridge":{"allowedOrigins":["*","HTTPS://App.Example.com:443",` +
		`"http://localhost:8080","http://a.example.com:80","https://b.example.com:8443"]},"tools":[` + getTool("a") + `]}`
	want := []string{"*", "https://app.example.com", "http://localhost:8080", "http://a.example.com", "https://b.example.com:8443"}
	if got := mustParse(t, data).Bridge.AllowedOrigins; !reflect.DeepEqual(got, want) {
		t.Errorf("AllowedOrigins = %q, want %q", got, want)
	}
	for _, bad := range []string{"https://a.example.com/", "https://user@a.example.com", "ftp://a.example.com", "https://", "null", "https://a.example.com?x"} {
		data := `{"server":{"name":"s"},"bridge":{"allowedOrigins":["` + bad + `"]},"tools":[` + getTool("a") + `]}`
		if _, err := Parse([]byte(data), nil); err == nil || !strings.HasPrefix(err.Error(), "bridge.allowedOrigins[0]: must be") {
			t.Errorf("%q: error %v", bad, err)
		}
	}
}

func TestBridgeAudit(t *testing.T) {
	for data, want := range map[string]bool{
		`{"server":{"name":"s"},"tools":[` + getTool("a") + `]}`:                              false,
		`{"server":{"name":"s"},"bridge":{"audit":false},"tools":[` + getTool("a") + `]}`:     false,
		`{"server":{"name":"s"},"bridge":{"audit":true},"tools":[` + getTool("a") + `]}`:      true,
		`{"server":{"name":"s"},"bridge":{"maxJsonDepth":64},"tools":[` + getTool("a") + `]}`: false,
	} {
		if got := mustParse(t, data).Bridge.Audit; got != want {
			t.Errorf("%s: Audit = %v, want %v", data, got, want)
		}
	}
}

func TestCredentialQueryParams(t *testing.T) {
	schemes := `"securitySchemes":[` + keyQuery + `,` + keyHeader + `,` + bearerScheme + `,` +
		`{"id":"q2","type":"apiKey","in":"query","name":"api_key","defaultCredential":"k2"},` +
		`{"id":"q3","type":"apiKey","in":"query","name":"appid"}]`
	c := mustParse(t, withSchemes(schemes, getTool("a")))
	if want := []string{"api_key", "appid"}; !reflect.DeepEqual(c.CredentialQueryParams, want) {
		t.Errorf("CredentialQueryParams = %q, want %q", c.CredentialQueryParams, want)
	}
	if c := mustParse(t, cfg(getTool("a"))); c.CredentialQueryParams != nil {
		t.Errorf("no query scheme: CredentialQueryParams = %q, want nil", c.CredentialQueryParams)
	}
}
