package config

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/tidwall/gjson"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/internal/testutil"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/rest"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/template"
)

// deliberateDifferences lists every way our tools/list entries and upstream requests differ
// from Higress's on its own configs, and why. The comparisons below normalise exactly these and
// nothing else; TestHigressDeliberateDifferences shows each request-level one on both sides.
var deliberateDifferences = []struct{ id, what, why string }{
	{"type-alias", `arg types int/float/bool are listed as integer/number/boolean`,
		"inputSchema must be valid JSON Schema for clients to validate against"},
	{"schema-keywords", "JSON Schema keywords of an arg beyond Higress's fields (format, minimum, maximum, ...) appear in inputSchema",
		"Higress's RestToolArg silently drops them; they constrain the model's input as the author meant"},
	{"query-order", "query parameters keep template then argument order; Higress re-encodes the query sorted by name",
		"order carries no meaning; both are compared as decoded multisets"},
	{"header-case", "header names are lowercase",
		"HTTP/2 and Envoy header maps are lowercase; names compare case-insensitively"},
	{"json-body-order", "JSON bodies built from args keep argument order; Higress marshals a Go map (sorted keys)",
		"same JSON value; bodies compare as JSON"},
	{"path-escaping", `path args and template values in the path are escaped per segment (url.PathEscape: "a/b" -> "a%2Fb")`,
		"a value must stay inside its path segment; Higress lets it add segments"},
	{"unfilled-placeholder", "a {name} path placeholder with no value refuses the call, naming the argument",
		"Higress sends %7Bname%7D upstream"},
	{"json-value-position", "a value outside a JSON string literal of a body template must be exactly one JSON value, else the call is refused naming the argument",
		`Higress pastes it raw: "1, \"role\": \"admin\"" adds a member, and an absent optional arg sends invalid JSON`},
	{"json-string-escaping", `a value rendered inside a JSON string literal of a body template is JSON-escaped`,
		`Higress pastes it raw, so a value with '"' breaks or rewrites the JSON body`},
}

// TestHigressCompat loads every real Higress config with Parse and with Higress's own code, and
// compares the tools/list entries and, for sample arguments (all args, then required only),
// the upstream requests.
func TestHigressCompat(t *testing.T) {
	files := testutil.HigressConfigs(t)
	if len(files) != 52 {
		t.Fatalf("found %d Higress configs, want 52", len(files))
	}
	var tools, calls int
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			n, m := compareConfig(t, f)
			tools, calls = tools+n, calls+m
		})
	}
	t.Logf("compared %d tools/list entries and %d upstream requests with Higress; normalised: %v",
		tools, calls, normalised)
}

func compareConfig(t *testing.T, file string) (tools, calls int) {
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
			args := sampleArgs(tj, requiredOnly)
			compareCall(t, h, c.Tools[i].Rest, tj, args)
			calls++
		}
	}
	return tools, calls
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

// compareCall renders one call on both sides and compares the requests.
func compareCall(t *testing.T, h *higress, tool *rest.Tool, tj gjson.Result, args []byte) {
	t.Helper()
	name := tj.Get("name").Str
	theirs, herr := h.render(t, name, args)
	var ours rest.Request
	var call rest.Call
	oerr := tool.Prepare(gjson.ParseBytes(args), &call)
	if oerr == nil {
		oerr = call.Build(nil, &ours)
	}
	switch {
	case herr != nil && oerr != nil:
		return // both refuse
	case herr != nil:
		t.Errorf("%s %s: Higress fails (%v), we build a request", name, args, herr)
		return
	case oerr != nil:
		if unfilledPlaceholder(theirs.URL) && strings.Contains(oerr.Error(), "for the URL placeholder {") {
			normalised["unfilled-placeholder"]++
			return
		}
		if strings.HasPrefix(oerr.Error(), template.NotOneJSONValue) && !json.Valid(theirs.Body) {
			normalised["json-value-position"]++ // Higress sends a body that is not JSON
			return
		}
		t.Errorf("%s %s: we refuse (%v), Higress sends %s %s", name, args, oerr, theirs.Method, theirs.URL)
		return
	}
	for _, d := range diffRequests(&ours, theirs) {
		t.Errorf("%s %s: %s", name, args, d)
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
