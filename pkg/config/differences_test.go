package config

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/tidwall/gjson"
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
 {"name":"form","args":[{"name":"q"}],
  "requestTemplate":{"url":"https://api.example.com/f","method":"POST","body":"q={{.args.q}}",
   "headers":[{"key":"Content-Type","value":"application/x-www-form-urlencoded"}]}},
 {"name":"template","args":[{"name":"q"}],
  "requestTemplate":{"url":"https://api.example.com/t","method":"POST","body":"{\"q\": \"{{.args.q}}\"}"}},
 {"name":"schema","args":[{"name":"n","type":"int","minimum":1,"format":"int32"}],
  "requestTemplate":{"url":"https://api.example.com/s","method":"GET"}},
 {"name":"order","args":[{"name":"qty"}],
  "requestTemplate":{"url":"https://api.example.com/o","method":"POST","body":"{\"qty\": {{.args.qty}}, \"role\": \"member\"}",
   "headers":[{"key":"Content-Type","value":"application/json"}]}},
 {"name":"http","requestTemplate":{"url":"http://api.example.com/h","method":"GET"}}]}`

// demoClient is a short MCP client request for the demonstrations.
var demoClient = clientRequest{Headers: [][2]string{
	{":method", "POST"}, {":path", "/mcp"}, {":authority", "gw.example.com"}, {":scheme", "https"},
	{"content-type", "application/json"}, {"user-agent", "demo/1"}, {"cookie", "sid=gw-demo"},
	{"proxy-authorization", "Basic Z3c6ZGVtbw=="}, {"x-session-id", "s-1"},
}}

// TestHigressDeliberateDifferences shows each deliberate difference of requests on both sides,
// exactly, and how the differential classifies it, so the allow-list in compat_test.go stays
// true of Higress as well as of us. The cases show client-headers and client-credentials
// once; elsewhere those two are left out of the expected differences.
func TestHigressDeliberateDifferences(t *testing.T) {
	c := mustParse(t, diffConfig)
	h, err := loadHigress([]byte(diffConfig))
	if err != nil {
		t.Fatal(err)
	}
	const gwHeaders = "x-envoy-original-method=POST x-envoy-original-path=/mcp x-envoy-original-host=gw.example.com"
	// The client's headers each side forwards besides user-agent: ours, its forwarded set and the
	// x-envoy-original-* headers; Higress, everything but Authorization.
	const ourClient = "user-agent=demo/1 x-envoy-original-path=/mcp x-envoy-original-method=POST x-envoy-original-host=gw.example.com"
	const gwClient = "cookie=sid=gw-demo proxy-authorization=Basic Z3c6ZGVtbw== x-session-id=s-1"
	cases := []struct {
		id, tool, args string
		ours, higress  string   // "METHOD :path | headers | body" or the error
		diffs          []string // "class: what", as diffWire reports them
	}{
		{"client-headers + client-credentials", "query", `{"z":"1"}`,
			"GET /q?z=1 | x-custom=1 content-type=application/json accept=*/* " + ourClient + " | ",
			"GET /q?z=1 | content-type=application/json user-agent=demo/1 " + gwClient + " " + gwHeaders + " x-custom=1 accept=*/* | ",
			[]string{
				`client-credentials: header cookie: ours [], Higress ["sid=gw-demo"]`,
				`client-credentials: header proxy-authorization: ours [], Higress ["Basic Z3c6ZGVtbw=="]`,
				`client-headers: header x-session-id: ours [], Higress ["s-1"]`,
			}},
		{"path-escaping", "path", `{"id":"a/b c"}`,
			"GET /items/a%2Fb%20c | content-type=application/json accept=*/* " + ourClient + " | ",
			"GET /items/a/b%20c | content-type=application/json user-agent=demo/1 " + gwClient + " " + gwHeaders + " accept=*/* | ",
			[]string{`path-escaping: path: ours "/items/a%2Fb%20c", Higress "/items/a/b%20c"`}},
		{"unfilled-placeholder", "path", `{}`,
			`error: invalid arguments: missing "id" for the URL placeholder {id}`,
			"GET /items/%7Bid%7D | content-type=application/json user-agent=demo/1 " + gwClient + " " + gwHeaders + " accept=*/* | ",
			[]string{`unfilled-placeholder: we refuse (invalid arguments: missing "id" for the URL placeholder {id}), Higress sends /items/%7Bid%7D`}},
		{"query-order", "query", `{"z":"1","a":"2"}`,
			"GET /q?z=1&a=2 | x-custom=1 content-type=application/json accept=*/* " + ourClient + " | ",
			"GET /q?a=2&z=1 | content-type=application/json user-agent=demo/1 " + gwClient + " " + gwHeaders + " x-custom=1 accept=*/* | ",
			nil},
		{"json-body-order", "jsonbody", `{"z":1,"a":2}`,
			`POST /b | content-type=application/json; charset=utf-8 accept=*/* ` + ourClient + ` | {"z":1,"a":2}`,
			`POST /b | content-type=application/json; charset=utf-8 user-agent=demo/1 ` + gwClient + ` ` + gwHeaders + ` accept=*/* | {"a":2,"z":1}`,
			nil},
		{"form-encoding", "form", `{"q":"a b:c"}`,
			`POST /f | content-type=application/x-www-form-urlencoded accept=*/* ` + ourClient + ` | q=a+b%3Ac`,
			`POST /f | content-type=application/x-www-form-urlencoded user-agent=demo/1 ` + gwClient + ` ` + gwHeaders + ` accept=*/* | q=a b:c`,
			nil},
		{"scheme-from-url", "http", `{}`,
			"GET /h | content-type=application/json accept=*/* " + ourClient + " | ",
			"GET /h | content-type=application/json user-agent=demo/1 " + gwClient + " " + gwHeaders + " accept=*/* | ",
			[]string{`scheme-from-url: :scheme: ours ["http"], Higress ["https"]`}},
		{"json-value-position", "order", `{"qty":"1, \"role\": \"admin\""}`,
			`error: invalid arguments: a value placed outside a JSON string in the request body must be exactly one JSON value ` +
				`(a number, true, false, null, a quoted string, an object or an array) (argument "qty")`,
			`POST /o | content-type=application/json user-agent=demo/1 ` + gwClient + ` ` + gwHeaders + ` accept=*/* | {"qty": 1, "role": "admin", "role": "member"}`,
			[]string{`json-value-position: we refuse (invalid arguments: a value placed outside a JSON string in the request body must be exactly one JSON value ` +
				`(a number, true, false, null, a quoted string, an object or an array) (argument "qty")), Higress sends /o`}},
		{"json-string-escaping", "template", `{"q":"say \"hi\""}`,
			`POST /t | content-type=application/json accept=*/* ` + ourClient + ` | {"q": "say \"hi\""}`,
			`POST /t | content-type=application/json user-agent=demo/1 ` + gwClient + ` ` + gwHeaders + ` accept=*/* | {"q": "say "hi""}`,
			[]string{
				`json-string-escaping: body: ours "{\"q\": \"say \\\"hi\\\"\"}", Higress "{\"q\": \"say \"hi\"\"}"`,
			}},
	}
	shown := map[string]bool{"type-alias": true, "schema-keywords": true, // TestHigressListDifferences
		"response-template-failure": true, "response-args": true, "error-result-text": true} // TestHigressResponseDifferences
	for _, tc := range cases {
		t.Run(tc.id, func(t *testing.T) {
			tool := c.Tools[c.EntryIndex(tc.tool)]
			ours, oerr := ourWire(tool, []byte(tc.args), demoClient)
			if got := describeWire(ours, oerr); got != tc.ours {
				t.Errorf("ours:\n got %q\nwant %q", got, tc.ours)
			}
			theirs, err := h.render(t, tc.tool, []byte(tc.args), demoClient)
			if err != nil {
				t.Fatal(err)
			}
			if got := describeWire(theirs, nil); got != tc.higress {
				t.Errorf("Higress:\n got %q\nwant %q", got, tc.higress)
			}
			var diffs []string
			counts := maps.Clone(normalised)
			for _, d := range callDifferences(ours, oerr, theirs, nil, demoClient) {
				if (d.class == "client-headers" || d.class == "client-credentials") && !strings.Contains(tc.id, d.class) {
					continue
				}
				diffs = append(diffs, d.class+": "+d.what)
			}
			if !slices.Equal(diffs, tc.diffs) {
				t.Errorf("differences:\n got %q\nwant %q", diffs, tc.diffs)
			}
			for _, id := range strings.Split(tc.id, " + ") {
				if deliberate(id).kind == "form" && normalised[id] == counts[id] {
					t.Errorf("%s was not normalised", id)
				}
				shown[id] = true
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
	if got := gjson.GetBytes(c.Entries()[c.EntryIndex("schema")], "inputSchema.properties.n").Raw; !sameJSON(got, want) {
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

// describeWire is "METHOD :path | headers | body" of a request (pseudo headers left out of the
// header list), or "error: ..." when err is set.
func describeWire(w *wireRequest, err error) string {
	if err != nil {
		return "error: " + err.Error()
	}
	var rest [][2]string
	for _, kv := range w.Headers {
		if !strings.HasPrefix(kv[0], ":") {
			rest = append(rest, kv)
		}
	}
	return pairValue(w.Headers, ":method") + " " + pairValue(w.Headers, ":path") + " | " + headerList(rest) + " | " + string(w.Body)
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

// TestHigressClientAddress: getRealIP and getSocketIP render what Higress's render, for
// clients with and without X-Forwarded-For, over IPv4 and IPv6 (the request differs only in
// the forwarded client headers).
func TestHigressClientAddress(t *testing.T) {
	const config = `{"server":{"name":"ip"},"tools":[{"name":"ip","args":[{"name":"ip","type":"string"}],
 "requestTemplate":{"url":"https://ip.example.com/q","method":"POST",
  "headers":[{"key":"X-Real-IP","value":"{{ getRealIP }}"},{"key":"X-Socket-IP","value":"{{ getSocketIP }}"}],
  "body":"ip={{ if empty .args.ip }}{{ getRealIP }}{{ else }}{{ .args.ip }}{{ end }}"}}]}`
	c := mustParse(t, config)
	h, err := loadHigress([]byte(config))
	if err != nil {
		t.Fatal(err)
	}
	base := [][2]string{{":method", "POST"}, {":path", "/mcp"}, {":authority", "gw.example.com"}, {":scheme", "https"},
		{"content-type", "application/json"}}
	cases := []struct {
		name, xff, source, realIP, socketIP string
	}{
		{"first X-Forwarded-For hop", "203.0.113.7, 10.0.0.2", "10.1.2.3:40112", "203.0.113.7", "10.1.2.3"},
		{"X-Forwarded-For with a port", " 203.0.113.7:5555 ", "10.1.2.3:40112", "203.0.113.7", "10.1.2.3"},
		{"no X-Forwarded-For: the peer", "", "10.1.2.3:40112", "10.1.2.3", "10.1.2.3"},
		{"IPv6 peer", "", "[2001:db8::17]:443", "2001:db8::17", "2001:db8::17"},
		{"IPv6 hop", "2001:db8::9", "10.1.2.3:40112", "2001:db8::9", "10.1.2.3"},
		{"nothing known", "", "", "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			client := clientRequest{Headers: slices.Clone(base), SourceAddress: tc.source}
			if tc.xff != "" {
				client.Headers = append(client.Headers, [2]string{"x-forwarded-for", tc.xff})
			}
			ours, err := ourWire(c.Tools[0], []byte(`{"ip":""}`), client)
			if err != nil {
				t.Fatal(err)
			}
			theirs, err := h.render(t, "ip", []byte(`{"ip":""}`), client)
			if err != nil {
				t.Fatal(err)
			}
			if got := pairValue(ours.Headers, "x-real-ip") + " " + pairValue(ours.Headers, "x-socket-ip"); got != tc.realIP+" "+tc.socketIP {
				t.Errorf("ours: real socket = %q, want %q", got, tc.realIP+" "+tc.socketIP)
			}
			for _, d := range diffWire(ours, theirs, client) {
				if d.class != "client-headers" && d.class != "client-credentials" {
					t.Errorf("%s: %s", d.class, d.what)
				}
			}
		})
	}
}
