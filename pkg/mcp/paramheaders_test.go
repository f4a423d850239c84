package mcp

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHandleParamHeaders(t *testing.T) {
	body := func(args string) string {
		return modernBody("4", MethodToolsCall, `,"name":"get_weather","arguments":`+args)
	}
	h := func(params ...[2]string) Headers { return mh(MethodToolsCall, "get_weather", params...) }
	region := func(v string) [2]string { return [2]string{"Mcp-Param-Region", v} }
	okCall := func(name string, hdr Headers, args string) handleCase {
		return handleCase{name: name, h: hdr, body: body(args), kind: ToolCall, method: MethodToolsCall, argsRaw: args,
			call: &Call{ID: []byte("4"), Era: Modern, Version: Version20260728, Tool: "get_weather", ToolIndex: 0}}
	}
	bad := func(name string, hdr Headers, args, msg string) handleCase {
		return handleCase{name: name, h: hdr, body: body(args), kind: Reply, status: 400, code: CodeHeaderMismatch,
			method: MethodToolsCall, want: errJSON("4", cHeader, "Header mismatch: "+msg)}
	}
	runHandleCases(t, []handleCase{
		okCall("no annotated args, no headers", h(), `{"city":"Oslo"}`),
		okCall("string matches", h(region("eu-west1")), `{"region":"eu-west1","city":"Oslo"}`),
		okCall("header name case-insensitive", h([2]string{"mcp-param-REGION", "eu"}), `{"region":"eu"}`),
		okCall("null value needs no header", h(), `{"region":null}`),
		okCall("base64 non-ASCII", h(region("=?base64?WsO8cmljaA==?=")), `{"region":"Zürich"}`),
		okCall("base64 of sentinel-looking literal", h(region("=?base64?PT9iYXNlNjQ/bGl0ZXJhbD89?=")), `{"region":"=?base64?literal?="}`),
		okCall("nested integer compared numerically", h([2]string{"Mcp-Param-Days", "3.0"}), `{"opts":{"days":3}}`),
		okCall("boolean", h([2]string{"Mcp-Param-Metric", "false"}), `{"opts":{"metric":false}}`),
		okCall("all three", h(region("eu"), [2]string{"Mcp-Param-Days", "-7"}, [2]string{"Mcp-Param-Metric", "true"}),
			`{"region":"eu","opts":{"days":-7,"metric":true}}`),
		okCall("unrecognized param header ignored", h([2]string{"Mcp-Param-Other", "\x01"}), `{"city":"Oslo"}`),
		bad("missing header", h(), `{"region":"eu"}`, "missing Mcp-Param-Region header for params.arguments.region"),
		bad("differing value", h(region("us")), `{"region":"eu"}`, "Mcp-Param-Region header does not match params.arguments.region"),
		bad("header without body value", h(region("eu")), `{"city":"Oslo"}`,
			"Mcp-Param-Region header is present but params.arguments.region is absent"),
		bad("header for null value", h(region("null")), `{"region":null}`,
			"Mcp-Param-Region header is present but params.arguments.region is absent"),
		bad("duplicate header", h(region("eu"), [2]string{"mcp-param-region", "eu"}), `{"region":"eu"}`, "duplicate Mcp-Param-Region header"),
		bad("invalid characters", h(region("eu\x7f")), `{"region":"eu\u007f"}`, "Mcp-Param-Region header is not a valid header value"),
		bad("bad base64", h(region("=?base64?%%%?=")), `{"region":"eu"}`, "Mcp-Param-Region header is not a valid header value"),
		bad("integer vs word", h([2]string{"Mcp-Param-Days", "three"}), `{"opts":{"days":3}}`,
			"Mcp-Param-Days header does not match params.arguments.opts.days"),
		bad("integer vs hex", h([2]string{"Mcp-Param-Days", "0x3"}), `{"opts":{"days":3}}`,
			"Mcp-Param-Days header does not match params.arguments.opts.days"),
		bad("integer vs Inf", h([2]string{"Mcp-Param-Days", "Inf"}), `{"opts":{"days":1e999}}`,
			"Mcp-Param-Days header does not match params.arguments.opts.days"),
		bad("boolean case", h([2]string{"Mcp-Param-Metric", "True"}), `{"opts":{"metric":true}}`,
			"Mcp-Param-Metric header does not match params.arguments.opts.metric"),
		bad("object value", h(region("{}")), `{"region":{}}`, "Mcp-Param-Region header does not match params.arguments.region"),
		{name: "unknown tool is not checked for param headers", h: mh(MethodToolsCall, "nope", region("x")),
			body: modernBody("4", MethodToolsCall, `,"name":"nope","arguments":{"region":"y"}`), kind: Reply, status: 200,
			code: CodeInvalidParams, method: MethodToolsCall, want: errJSON("4", cParams, "Unknown tool: nope")},
	})
}

func schemaEntry(schema string) string {
	return `{"name":"t","description":"d","inputSchema":` + schema + `}`
}

func TestScanParamHeaders(t *testing.T) {
	deep := strings.Repeat(`{"type":"object","properties":{"a":`, 70) + `{"type":"string"}` + strings.Repeat(`}}`, 70)
	cases := []struct {
		name, schema, err string
		headers           []string
	}{
		{name: "none", schema: `{"type":"object"}`},
		{name: "no inputSchema", schema: `null`},
		{name: "nested", schema: `{"type":"object","properties":{"a":{"type":"object","properties":{"b":{"type":"integer","x-mcp-header":"B"}}}}}`,
			headers: []string{"Mcp-Param-B params.arguments.a.b"}},
		{name: "property named x-mcp-header is not an annotation",
			schema: `{"type":"object","properties":{"x-mcp-header":{"type":"string"}}}`},
		{name: "annotation inside default data is ignored",
			schema: `{"type":"object","properties":{"a":{"type":"object","default":{"x-mcp-header":"A"}}}}`},
		{name: "on root", schema: `{"type":"object","x-mcp-header":"R"}`,
			err: `inputSchema.x-mcp-header: allowed only on a property reached through "properties" alone`},
		{name: "under items", schema: `{"type":"object","properties":{"tags":{"type":"array","items":{"type":"string","x-mcp-header":"Tag"}}}}`,
			err: `inputSchema.properties.tags.items.x-mcp-header: allowed only on a property reached through "properties" alone`},
		{name: "under oneOf", schema: `{"type":"object","properties":{"a":{"oneOf":[{"type":"string"},{"type":"string","x-mcp-header":"A"}]}}}`,
			err: `inputSchema.properties.a.oneOf[1].x-mcp-header: allowed only on a property reached through "properties" alone`},
		{name: "under $defs", schema: `{"type":"object","$defs":{"x":{"type":"string","x-mcp-header":"X"}}}`,
			err: `inputSchema.$defs.x.x-mcp-header: allowed only on a property reached through "properties" alone`},
		{name: "number type", schema: `{"type":"object","properties":{"n":{"type":"number","x-mcp-header":"N"}}}`,
			err: `inputSchema.properties.n.x-mcp-header: the property must have type string, integer or boolean`},
		{name: "no type", schema: `{"type":"object","properties":{"n":{"x-mcp-header":"N"}}}`,
			err: `inputSchema.properties.n.x-mcp-header: the property must have type string, integer or boolean`},
		{name: "empty", schema: `{"type":"object","properties":{"n":{"type":"string","x-mcp-header":""}}}`,
			err: `inputSchema.properties.n.x-mcp-header: must be a non-empty HTTP field-name token`},
		{name: "space", schema: `{"type":"object","properties":{"n":{"type":"string","x-mcp-header":"Re gion"}}}`,
			err: `inputSchema.properties.n.x-mcp-header: must be a non-empty HTTP field-name token`},
		{name: "not a string", schema: `{"type":"object","properties":{"n":{"type":"string","x-mcp-header":5}}}`,
			err: `inputSchema.properties.n.x-mcp-header: must be a non-empty HTTP field-name token`},
		{name: "duplicate ignoring case", schema: `{"type":"object","properties":{"a":{"type":"string","x-mcp-header":"Region"},"b":{"type":"string","x-mcp-header":"region"}}}`,
			err: `inputSchema.properties.b.x-mcp-header: "region" is not unique (case-insensitively)`},
		{name: "too deep", schema: deep, err: "schema nested deeper than 64 levels"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := scanParamHeaders([]byte(schemaEntry(tc.schema)))
			if tc.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.err)
				assert.True(t, strings.HasPrefix(err.Error(), "inputSchema"), err.Error())
				return
			}
			require.NoError(t, err)
			var names []string
			for _, p := range got {
				names = append(names, p.header+" "+p.field)
			}
			assert.Equal(t, tc.headers, names)
		})
	}
}

func TestNewServerErrors(t *testing.T) {
	withOpts := func(f func(*Options)) Options { o := testOptions(); f(&o); return o }
	cases := []struct {
		name string
		opts Options
		cat  Catalog
		err  string
	}{
		{"no name", withOpts(func(o *Options) { o.Info.Name = "" }), newCatalog(), "mcp: server name is required"},
		{"no version", withOpts(func(o *Options) { o.Info.Version = "" }), newCatalog(), "mcp: server version is required"},
		{"negative ttl", withOpts(func(o *Options) { o.ToolsTTLMs = -1 }), newCatalog(), "mcp: tools list TTL must be >= 0 ms, got -1"},
		{"bad scope", withOpts(func(o *Options) { o.CacheScope = "shared" }), newCatalog(), `mcp: cache scope must be "public" or "private", got "shared"`},
		{"length mismatch", testOptions(), &testCatalog{entries: [][]byte{[]byte(searchEntry)}}, "mcp: catalog has 1 entries but 0 names"},
		{"entry not object", testOptions(), &testCatalog{entries: [][]byte{[]byte(`[1]`)}, names: []string{"x"}},
			`mcp: tool "x": list entry is not a JSON object`},
		{"entry not json", testOptions(), &testCatalog{entries: [][]byte{[]byte(`{"name":`)}, names: []string{"x"}},
			`mcp: tool "x": list entry is not a JSON object`},
		{"bad annotation", testOptions(), newCatalog(schemaEntry(`{"type":"object","x-mcp-header":"R"}`)),
			`mcp: tool "t": inputSchema.x-mcp-header: allowed only on a property reached through "properties" alone`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, err := NewServer(tc.opts, tc.cat)
			assert.Nil(t, s)
			require.EqualError(t, err, tc.err)
		})
	}
}
