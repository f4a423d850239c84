package mcp

import (
	"encoding/json"
	"testing"

	"github.com/tidwall/gjson"
)

// requestID returns the raw first top-level "id" of a JSON object body.
func requestID(body []byte) string {
	var id string
	if !gjson.ValidBytes(body) {
		return ""
	}
	gjson.ParseBytes(body).ForEach(func(k, v gjson.Result) bool {
		if k.Str == "id" {
			id = v.Raw
			return false
		}
		return true
	})
	return id
}

func FuzzHandle(f *testing.F) {
	seeds := []string{
		`{"jsonrpc":"2.0","id":1,"method":"ping"}`,
		initBody(Version20250618),
		`{"jsonrpc":"2.0","method":"notifications/initialized"}`,
		`{"jsonrpc":"2.0","id":5,"result":{}}`,
		`[{"jsonrpc":"2.0","id":1,"method":"ping"}]`,
		`{"jsonrpc":"2.0","id":"x","method":"tools/call","params":{"name":"search","arguments":{"q":"go"}}}`,
		modernBody("2", MethodToolsCall, `,"name":"get_weather","arguments":{"region":"eu","opts":{"days":3,"metric":true}}`),
		modernBody(`"d"`, MethodDiscover, ""),
		modernBody("3", MethodToolsList, `,"cursor":"c"`),
		`{"jsonrpc":"2.0","id":1.5,"method":"ping"}`,
		`{"jsonrpc":"2.0","id":{"a":1},"method":"ping","params":[]}`,
		`{"jsonrpc":"2.0","id":1,"id":2,"method":"ping"}`,
		`{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"a\"b","arguments":"x"}}`,
	}
	for _, s := range seeds {
		f.Add([]byte(s), "", "", "", "")
		f.Add([]byte(s), Version20260728, gjson.Get(s, "method").Str, gjson.Get(s, "params.name").Str, "eu")
	}
	f.Add([]byte(modernBody("2", MethodToolsCall, `,"name":"get_weather","arguments":{"region":"Zürich"}`)),
		Version20260728, MethodToolsCall, "=?base64?Z2V0X3dlYXRoZXI=?=", "=?base64?WsO8cmljaA==?=")
	s := newTestServer(f)
	f.Fuzz(func(t *testing.T, body []byte, version, method, name, region string) {
		h := &Headers{ProtocolVersion: version, Method: method, Name: name}
		if region != "" {
			h.Params = [][2]string{{"Mcp-Param-Region", region}, {"mcp-param-days", region}}
		}
		out := s.Handle(allowNoAdmin, h, body)
		checkOutcome(t, s, body, out)
	})
}

func checkOutcome(t *testing.T, s *Server, body []byte, out Outcome) {
	id := requestID(body)
	switch out.Kind {
	case Accepted:
		if out.Status != 202 || len(out.Body) != 0 {
			t.Fatalf("accepted with status %d body %q", out.Status, out.Body)
		}
	case Reply:
		if out.Status != 200 && out.Status != 400 && out.Status != 404 {
			t.Fatalf("status %d", out.Status)
		}
		if !json.Valid(out.Body) {
			t.Fatalf("reply is not JSON: %q", out.Body)
		}
		got := gjson.GetBytes(out.Body, "id").Raw
		if got != "null" && got != id {
			t.Fatalf("reply id %s, request id %s", got, id)
		}
		if code := gjson.GetBytes(out.Body, "error.code").Int(); int(code) != out.Code {
			t.Fatalf("Outcome.Code %d, body code %d", out.Code, code)
		}
	case ToolCall:
		c := out.Call
		if string(c.ID) != id || c.ToolIndex < 0 || c.ToolIndex >= len(s.names) || s.names[c.ToolIndex] != c.Tool || !c.Arguments.IsObject() {
			t.Fatalf("bad call %+v for request id %s", c, id)
		}
		wrapped := s.WrapResult(c, []byte(`{"content":[]}`))
		if !json.Valid(wrapped) || gjson.GetBytes(wrapped, "id").Raw != id {
			t.Fatalf("bad wrap %q", wrapped)
		}
	default:
		t.Fatalf("kind %d", out.Kind)
	}
}
