package rest

import (
	"strings"
	"testing"

	"github.com/tidwall/gjson"
)

// The typical call: a tools/call with a path arg, a query arg, a credential (set later
// by pkg/security) and a 1 KB JSON response.
func benchTool(b *testing.B) *Tool {
	spec := ToolSpec{
		Name: "get_item",
		Args: []ArgSpec{
			{Name: "id", Type: "string", Required: true, Position: "path"},
			{Name: "q", Type: "string", Position: "query"},
		},
		Request: &RequestTemplateSpec{
			URL: "https://api.example.com/v1/items/{id}", Method: "GET",
			Headers: []HeaderSpec{{Key: "X-Tenant", Value: "{{.config.tenant}}"}},
		},
	}
	tool, _, err := CompileTool("tools[0]", spec, []byte(`{"tenant":"acme"}`), nil)
	if err != nil {
		b.Fatal(err)
	}
	return tool
}

func BenchmarkBuildRequest(b *testing.B) {
	tool := benchTool(b)
	args := gjson.Parse(`{"id":"item-42","q":"red shoes"}`)
	client := [][2]string{{":authority", "gw.example.com"}, {"content-type", "application/json"},
		{"authorization", "Bearer abc"}, {"traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}}
	var r Request
	var call Call
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if err := tool.Prepare(args, &call); err != nil {
			b.Fatal(err)
		}
		if err := call.Build(client, &r); err != nil {
			b.Fatal(err)
		}
		r.SetHeader("authorization", "Bearer upstream")
		if r.URI() == "" {
			b.Fatal("empty URI")
		}
	}
}

// benchBody is a ~1 KB JSON API response.
func benchBody() []byte {
	var sb strings.Builder
	sb.WriteString(`{"items":[`)
	for sb.Len() < 1000 {
		sb.WriteString(`{"id":12345,"name":"Red running shoes","price":12.5,"in_stock":true,"tags":["sport","outdoor"]},`)
	}
	sb.WriteString(`{"id":0}],"total":11}`)
	return []byte(sb.String())
}

func BenchmarkConvertResponse(b *testing.B) {
	tool := benchTool(b)
	body := benchBody()
	var call Call
	if err := tool.Prepare(gjson.Parse(`{"id":"item-42","q":"red shoes"}`), &call); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for i := 0; i < b.N; i++ {
		if out := call.ConvertResponse(200, "application/json", body, 512); len(out) == 0 {
			b.Fatal("empty result")
		}
	}
}

func BenchmarkConvertResponseTemplate(b *testing.B) {
	spec := ToolSpec{Name: "t", Request: &RequestTemplateSpec{URL: "https://x.example/a", Method: "GET"},
		Response: ResponseTemplateSpec{Body: "{{range .items}}{{.name}}: {{range .tags}}{{.}} {{end}}{{.price}}\n{{end}}"}}
	tool, _, err := CompileTool("tools[0]", spec, nil, nil)
	if err != nil {
		b.Fatal(err)
	}
	var call Call
	if err := tool.Prepare(gjson.Result{}, &call); err != nil {
		b.Fatal(err)
	}
	body := benchBody()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		call.ConvertResponse(200, "application/json", body, 512)
	}
}

// BenchmarkToolCall is the plugin's per-call sequence: a fresh Call and Request per call (the
// plugin keeps them in its per-exchange state), Prepare, then Build.
func BenchmarkToolCall(b *testing.B) {
	tool := benchTool(b)
	args := gjson.Parse(`{"id":"item-42","q":"red shoes"}`)
	client := [][2]string{{":authority", "gw.example.com"}, {"content-type", "application/json"},
		{"authorization", "Bearer abc"}, {"traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		r, call := new(Request), new(Call)
		if err := tool.Prepare(args, call); err != nil {
			b.Fatal(err)
		}
		if err := call.Build(client, r); err != nil {
			b.Fatal(err)
		}
		r.SetHeader("authorization", "Bearer upstream")
		if r.URI() == "" {
			b.Fatal("empty URI")
		}
	}
}
