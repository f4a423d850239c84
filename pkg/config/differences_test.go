package config

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/tidwall/gjson"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/rest"
)

// diffConfig has one tool per request-level deliberate difference.
const diffConfig = `{"server":{"name":"diff"},"tools":[
 {"name":"path","args":[{"name":"id","position":"path"}],
  "requestTemplate":{"url":"https://api.example.com/items/{id}","method":"GET"}},
 {"name":"query","args":[{"name":"z"},{"name":"a"}],
  "requestTemplate":{"url":"https://api.example.com/q","method":"GET","argsToUrlParam":true,
   "headers":[{"key":"X-Custom","value":"1"}]}},
 {"name":"jsonbody","args":[{"name":"z"},{"name":"a"}],
  "requestTemplate":{"url":"https://api.example.com/b","method":"POST","argsToJsonBody":true}},
 {"name":"template","args":[{"name":"q"}],
  "requestTemplate":{"url":"https://api.example.com/t","method":"POST","body":"{\"q\": \"{{.args.q}}\"}",
   "headers":[{"key":"Content-Type","value":"application/json"}]}},
 {"name":"schema","args":[{"name":"n","type":"int","minimum":1,"format":"int32"}],
  "requestTemplate":{"url":"https://api.example.com/s","method":"GET"}},
 {"name":"order","args":[{"name":"qty"}],
  "requestTemplate":{"url":"https://api.example.com/o","method":"POST","body":"{\"qty\": {{.args.qty}}, \"role\": \"member\"}",
   "headers":[{"key":"Content-Type","value":"application/json"}]}}]}`

// TestHigressDeliberateDifferences shows each deliberate difference on both sides, exactly, so
// the table in compat_test.go stays true of Higress as well as of us.
func TestHigressDeliberateDifferences(t *testing.T) {
	c := mustParse(t, diffConfig)
	h, err := loadHigress([]byte(diffConfig))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		id, tool, args string
		ours, higress  string // "METHOD URI | headers | body" or the error
	}{
		{"path-escaping", "path", `{"id":"a/b c"}`,
			"GET /items/a%2Fb%20c | accept=*/* | ", "GET /items/a/b%20c | Accept=*/* | "},
		{"unfilled-placeholder", "path", `{}`,
			`error: invalid arguments: missing "id" for the URL placeholder {id}`, "GET /items/%7Bid%7D | Accept=*/* | "},
		{"query-order + header-case", "query", `{"z":"1","a":"2"}`,
			"GET /q?z=1&a=2 | x-custom=1 accept=*/* | ", "GET /q?a=2&z=1 | X-Custom=1 Accept=*/* | "},
		{"json-body-order", "jsonbody", `{"z":1,"a":2}`,
			`POST /b | content-type=application/json; charset=utf-8 accept=*/* | {"z":1,"a":2}`,
			`POST /b | Content-Type=application/json; charset=utf-8 Accept=*/* | {"a":2,"z":1}`},
		{"json-value-position", "order", `{"qty":"1, \"role\": \"admin\""}`,
			`error: invalid arguments: a value placed outside a JSON string in the request body must be exactly one JSON value ` +
				`(a number, true, false, null, a quoted string, an object or an array) (argument "qty")`,
			`POST /o | Content-Type=application/json Accept=*/* | {"qty": 1, "role": "admin", "role": "member"}`},
		{"json-string-escaping", "template", `{"q":"say \"hi\""}`,
			`POST /t | content-type=application/json accept=*/* | {"q": "say \"hi\""}`,
			`POST /t | Content-Type=application/json Accept=*/* | {"q": "say "hi""}`},
	}
	shown := map[string]bool{"type-alias": true, "schema-keywords": true} // TestHigressListDifferences
	for _, tc := range cases {
		for _, id := range strings.Split(tc.id, " + ") {
			shown[id] = true
		}
		t.Run(tc.id, func(t *testing.T) {
			if got := describeOurs(c, tc.tool, tc.args); got != tc.ours {
				t.Errorf("ours:\n got %q\nwant %q", got, tc.ours)
			}
			theirs, err := h.render(t, tc.tool, []byte(tc.args))
			if err != nil {
				t.Fatal(err)
			}
			if got := describeHigress(theirs); got != tc.higress {
				t.Errorf("Higress:\n got %q\nwant %q", got, tc.higress)
			}
		})
	}
	for _, d := range deliberateDifferences {
		if !shown[d.id] {
			t.Errorf("deliberate difference %q has no demonstration here", d.id)
		}
	}
}

// TestHigressListDifferences shows type-alias and schema-keywords in tools/list on both sides.
func TestHigressListDifferences(t *testing.T) {
	c := mustParse(t, diffConfig)
	h, err := loadHigress([]byte(diffConfig))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"description":"","format":"int32","minimum":1,"type":"integer"}`
	if got := gjson.GetBytes(c.Entries()[4], "inputSchema.properties.n").Raw; !sameJSON(got, want) {
		t.Errorf("ours: %s, want %s", got, want)
	}
	entry, err := h.listEntry("schema")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(entry["inputSchema"].(map[string]any)["properties"].(map[string]any)["n"])
	if string(b) != `{"description":"","type":"int"}` {
		t.Errorf("Higress: %s", b)
	}
}

func describeOurs(c *Config, tool, args string) string {
	var r rest.Request
	var call rest.Call
	err := c.Tools[c.EntryIndex(tool)].Rest.Prepare(gjson.Parse(args), &call)
	if err == nil {
		err = call.Build(nil, &r)
	}
	if err != nil {
		return "error: " + err.Error()
	}
	return r.Method + " " + r.URI() + " | " + headerList(r.Headers) + " | " + string(r.Body)
}

func describeHigress(r *higressRequest) string {
	uri := strings.TrimPrefix(r.URL, "https://api.example.com")
	return r.Method + " " + uri + " | " + headerList(r.Headers) + " | " + string(r.Body)
}

func headerList(h [][2]string) string {
	parts := make([]string, len(h))
	for i, kv := range h {
		parts[i] = kv[0] + "=" + kv[1]
	}
	return strings.Join(parts, " ")
}

func sameJSON(a, b string) bool {
	var x, y any
	return json.Unmarshal([]byte(a), &x) == nil && json.Unmarshal([]byte(b), &y) == nil && jsonEqual(x, y)
}

func jsonEqual(x, y any) bool {
	bx, _ := json.Marshal(x)
	by, _ := json.Marshal(y)
	return string(bx) == string(by)
}
