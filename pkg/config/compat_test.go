package config

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/tidwall/gjson"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/internal/testutil"
)

// deliberateDifferences lists every way our tools/list entries and upstream requests differ
// from Higress's on its own configs, and why: the differential's allow-list. Kinds "list",
// "request" (a class of diffWire) and "response" (of TestHigressResponseCompat) are
// differences; kind "form" is an equivalent form the comparison normalises. Each has a row in the differences table of the
// docs (doc is a phrase of that row, TestHigressDifferencesDocumented) and a demonstration on
// both sides (TestHigressDeliberateDifferences, TestHigressListDifferences).
var deliberateDifferences = []struct{ id, kind, what, why, doc string }{
	{"type-alias", "list", `arg types int/float/bool are listed as integer/number/boolean`,
		"inputSchema must be valid JSON Schema for clients to validate against",
		"int/float/bool arg types are listed as"},
	{"schema-keywords", "list", "JSON Schema keywords of an arg beyond Higress's fields (format, minimum, maximum, ...) appear in inputSchema",
		"Higress's RestToolArg silently drops them; they constrain the model's input as the author meant",
		"appear in `inputSchema` (Higress drops them)"},
	{"query-order", "form", "query parameters keep template then argument order; Higress re-encodes the query sorted by name",
		"order carries no meaning; both are compared as decoded multisets",
		"query parameters and JSON body keys keep argument order"},
	{"json-body-order", "form", "JSON bodies built from args keep argument order; Higress marshals a Go map (sorted keys)",
		"same JSON value; bodies compare as JSON",
		"query parameters and JSON body keys keep argument order"},
	{"form-encoding", "form", "values in a form body template are form-encoded; Higress pastes them raw",
		"same decoded form; a raw '&' or '=' would add or rewrite a field",
		"values in form body templates are form-encoded"},
	{"client-credentials", "request", "the client's Cookie and Proxy-Authorization are not forwarded (a passthrough scheme sends the client's credential only where it is configured); Higress's RouteCall rewrites the client's request in place, so they pass",
		"they carry the client's credential for the gateway, not for the backend",
		"the client's `Cookie` and `Proxy-Authorization` forwarded"},
	{"client-headers", "request", "client headers outside the forwarded set (tracing, User-Agent, Accept-Language, X-Forwarded-*, Forwarded, X-Real-IP, X-Envoy-External-Address, and content-type) are not forwarded: session ids, custom headers, ...; Higress forwards every header",
		"any other header was addressed to the gateway, and the plugin cannot tell a custom credential header from a harmless one",
		"every other client header (session ids, custom headers, ...)"},
	{"path-escaping", "request", `path args and template values in the path are escaped per segment (url.PathEscape: "a/b" -> "a%2Fb")`,
		"a value must stay inside its path segment; Higress lets it add segments",
		"path args inserted raw"},
	{"unfilled-placeholder", "request", "a {name} path placeholder with no value refuses the call, naming the argument",
		"Higress sends %7Bname%7D upstream",
		"unfilled `{name}` placeholder"},
	{"scheme-from-url", "request", ":scheme is the tool URL's scheme; Higress takes :authority from the URL but leaves the client's :scheme (https for an http:// tool URL)",
		"the request goes to the URL the config names; :scheme and :authority both come from it",
		"`:scheme` is the tool URL's"},
	{"json-value-position", "request", "a value outside a JSON string literal of a body template must be exactly one JSON value, else the call is refused naming the argument",
		`Higress pastes it raw: "1, \"role\": \"admin\"" adds a member, and an absent optional arg sends invalid JSON`,
		"a value outside a JSON string pasted raw"},
	{"response-template-failure", "response", "a response template that fails to execute gives a tool error naming the template and the failing action, without the engine's detail",
		"the engine's detail may quote response data", "template failures returned as raw Go errors"},
	{"error-result-text", "response", "a non-2xx answer is the tool error \"HTTP <status>: <excerpt>\", the body cut to bridge.errorExcerptBytes; Higress's is \"call failed, status: <status>, response: <whole body>\"",
		"a backend's error page can be large; the model needs the status and the start of the body",
		"`call failed, status: N, response: <whole body>`"},
	{"response-args", "response", "a response template that names .args reads the call's arguments; Higress's reads the body's own args member, usually absent",
		"the text can say what was asked (mcp-openweather's city)", "`.args` can read them (Higress's cannot"},
	{"json-string-escaping", "request", `a value rendered inside a JSON string literal of a body template is JSON-escaped`,
		`Higress pastes it raw, so a value with '"' breaks or rewrites the JSON body`,
		"JSON body templates paste values raw"},
}

// deliberate returns the allow-list entry of id (nil when there is none).
func deliberate(id string) *struct{ id, kind, what, why, doc string } {
	for i := range deliberateDifferences {
		if deliberateDifferences[i].id == id {
			return &deliberateDifferences[i]
		}
	}
	return nil
}

// differential is the tally of TestHigressCompat's upstream comparison.
type differential struct {
	calls, identical, bothRefuse int
	// sameBuild counts calls identical but for the client's headers and x-envoy-original-*:
	// the same request built from the config (method, URL, config headers, body, credential).
	sameBuild int
	classes   map[string]int // calls showing each deliberate difference
}

// TestHigressCompat loads every real Higress config with Parse and with Higress's own code, and
// compares the tools/list entries and, for sample arguments (all args, then required only),
// the upstream requests as they leave the gateway, header by header, for the same MCP client
// request (mcpClient). It fails on any difference that is not a deliberate one; with -v it
// lists every differing call with its exact differences.
func TestHigressCompat(t *testing.T) {
	files := testutil.HigressConfigs(t)
	if len(files) != 52 {
		t.Fatalf("found %d Higress configs, want 52", len(files))
	}
	var tools int
	d := &differential{classes: map[string]int{}}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) { tools += compareConfig(t, f, d) })
	}
	t.Logf("compared %d tools/list entries; %d upstream calls: %d identical, %d refused by both, %d built identically "+
		"(differing only in forwarded client headers); calls per deliberate difference: %v; equivalent forms normalised: %v",
		tools, d.calls, d.identical, d.bothRefuse, d.sameBuild, d.classes, normalised)
}

func compareConfig(t *testing.T, file string, d *differential) (tools int) {
	js, err := testutil.YAMLFileToJSON(file)
	if err != nil {
		t.Fatal(err)
	}
	c, err := Parse(js, nil)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	h, err := loadHigress(js)
	if err != nil {
		t.Fatal(err)
	}
	toolsJSON := gjson.GetBytes(js, "tools").Array()
	if len(c.Tools) != len(toolsJSON) || len(h.server.GetMCPTools()) != len(toolsJSON) {
		t.Fatalf("%d tools parsed, Higress has %d, config has %d", len(c.Tools), len(h.server.GetMCPTools()), len(toolsJSON))
	}
	for i, tj := range toolsJSON {
		name := tj.Get("name").Str
		if c.Names()[i] != name {
			t.Fatalf("tool %d is %q, config order says %q", i, c.Names()[i], name)
		}
		compareListEntry(t, h, c.Entries()[i], tj)
		if c.LegacyOnly(i) != tj.Get("legacyOnly").Bool() {
			t.Errorf("tool %q: LegacyOnly %v, config says %s", name, c.LegacyOnly(i), tj.Get("legacyOnly").Raw)
		}
		tools++
		if !c.Tools[i].Rest.HasUpstream() {
			continue
		}
		for _, requiredOnly := range []bool{false, true} {
			compareCall(t, h, c.Tools[i], tj, sampleArgs(tj, requiredOnly), d)
		}
	}
	return tools
}

// compareListEntry compares our tools/list entry with Higress's, adjusted for the
// type-alias and schema-keywords differences.
func compareListEntry(t *testing.T, h *higress, ours []byte, tool gjson.Result) {
	t.Helper()
	name := tool.Get("name").Str
	want, err := h.listEntry(name)
	if err != nil {
		t.Fatal(err)
	}
	props, _ := want["inputSchema"].(map[string]any)["properties"].(map[string]any)
	for _, a := range tool.Get("args").Array() {
		p, _ := props[a.Get("name").Str].(map[string]any)
		if alias, ok := map[string]string{"int": "integer", "float": "number", "bool": "boolean"}[a.Get("type").Str]; ok {
			p["type"] = alias
			normalised["type-alias"]++
		}
		a.ForEach(func(k, v gjson.Result) bool {
			if lookup(higressArgKeys, k.Str) == nil && v.Type != gjson.Null {
				p[k.Str] = v.Value()
				normalised["schema-keywords"]++
			}
			return true
		})
	}
	want, _ = normalizeJSON(want)
	var got map[string]any
	if err := json.Unmarshal(ours, &got); err != nil {
		t.Fatalf("%s: list entry is not JSON: %v", name, err)
	}
	if !reflect.DeepEqual(got, want) {
		g, _ := json.Marshal(got)
		w, _ := json.Marshal(want)
		t.Errorf("%s: tools/list entry differs from Higress's\n ours: %s\nthem: %s", name, g, w)
	}
}

// compareCall renders one call on both sides for mcpClient and tallies the comparison.
func compareCall(t *testing.T, h *higress, tool *Tool, tj gjson.Result, args []byte, d *differential) {
	t.Helper()
	name := tj.Get("name").Str
	d.calls++
	theirs, herr := h.render(t, name, args, mcpClient)
	ours, oerr := ourWire(tool, args, mcpClient)
	if herr != nil && oerr != nil {
		d.bothRefuse++
		d.sameBuild++
		return
	}
	diffs := callDifferences(ours, oerr, theirs, herr, mcpClient)
	if len(diffs) == 0 {
		d.identical++
		d.sameBuild++
		return
	}
	classes := map[string]bool{}
	for _, df := range diffs {
		if df.class == "" || deliberate(df.class) == nil {
			t.Errorf("%s %s: undocumented difference: %s", name, args, df.what)
			classes[""] = true
			continue
		}
		t.Logf("%s %s: %s: %s", name, args, df.class, df.what)
		classes[df.class] = true
	}
	for c := range classes {
		d.classes[c]++
	}
	delete(classes, "client-headers")
	delete(classes, "client-credentials")
	if len(classes) == 0 {
		d.sameBuild++
	}
}

// sampleArgs builds realistic arguments from a tool's args: the first enum value, else the
// default, else a value of the arg's type ("sample", 1, true, [..], {..}). A repeated arg name
// gets one value, from its last definition.
func sampleArgs(tool gjson.Result, requiredOnly bool) []byte {
	var names []string
	vals := map[string][]byte{}
	for _, a := range tool.Get("args").Array() {
		if requiredOnly && !a.Get("required").Bool() {
			continue
		}
		name := a.Get("name").Str
		if _, seen := vals[name]; !seen {
			names = append(names, name)
		}
		vals[name], _ = json.Marshal(sampleValue(a, 0))
	}
	out := []byte("{")
	for i, name := range names {
		k, _ := json.Marshal(name)
		if i > 0 {
			out = append(out, ',')
		}
		out = append(append(append(out, k...), ':'), vals[name]...)
	}
	return append(out, '}')
}

func sampleValue(s gjson.Result, depth int) any {
	if e := s.Get("enum").Array(); len(e) > 0 {
		return e[0].Value()
	}
	if d := s.Get("default"); d.Exists() && d.Type != gjson.Null {
		return d.Value()
	}
	switch s.Get("type").Str {
	case "integer", "int", "number", "float":
		return 1
	case "boolean", "bool":
		return true
	case "array":
		if depth > 3 {
			return []any{}
		}
		return []any{sampleValue(s.Get("items"), depth+1)}
	case "object":
		obj := map[string]any{}
		if depth > 3 {
			return obj
		}
		s.Get("properties").ForEach(func(k, v gjson.Result) bool {
			obj[k.Str] = sampleValue(v, depth+1)
			return true
		})
		if len(obj) == 0 {
			obj["key"] = "sample"
		}
		return obj
	}
	return "sample"
}

func Example_sampleArgs() {
	tool := gjson.Parse(`{"args":[{"name":"q","required":true},{"name":"n","type":"integer"},` +
		`{"name":"u","enum":["metric","imperial"]},{"name":"tags","type":"array","items":{"type":"string"}}]}`)
	fmt.Println(string(sampleArgs(tool, false)))
	fmt.Println(string(sampleArgs(tool, true)))
	// Output:
	// {"q":"sample","n":1,"u":"metric","tags":["sample"]}
	// {"q":"sample"}
}
