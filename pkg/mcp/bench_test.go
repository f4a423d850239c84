package mcp

import "testing"

func benchHandle(b *testing.B, h Headers, body string) {
	s := newTestServer(b)
	raw := []byte(body)
	b.ReportAllocs()
	b.SetBytes(int64(len(raw)))
	for i := 0; i < b.N; i++ {
		hh := h
		if out := s.Handle(allowNoAdmin, &hh, raw); out.Kind == 0 {
			b.Fatal("no outcome")
		}
	}
}

func BenchmarkHandleToolsCallModern(b *testing.B) {
	benchHandle(b, mh(MethodToolsCall, "get_weather", [2]string{"Mcp-Param-Region", "eu"}),
		modernBody("2", MethodToolsCall, `,"name":"get_weather","arguments":{"region":"eu","city":"Oslo"}`))
}

func BenchmarkHandleToolsCallLegacy(b *testing.B) {
	benchHandle(b, Headers{ProtocolVersion: Version20250618},
		`{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"search","arguments":{"q":"go"}}}`)
}

func BenchmarkHandleToolsListModern(b *testing.B) {
	benchHandle(b, mh(MethodToolsList, ""), modernBody("1", MethodToolsList, ""))
}

func BenchmarkWrapResultModern(b *testing.B) {
	s := newTestServer(b)
	c := &Call{ID: []byte("2"), Era: Modern, Version: Version20260728}
	result := []byte(`{"content":[{"type":"text","text":"` + string(make([]byte, 0)) + `sunny, 21C"}],"isError":false}`)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		_ = s.WrapResult(c, result)
	}
}
