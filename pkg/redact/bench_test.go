package redact

import (
	"os"
	"testing"
)

// The common case: a response without any secret, scanned as the backend body and as the final
// JSON-RPC message (where its quotes are escaped).
func BenchmarkNoMatch(b *testing.B) {
	body, err := os.ReadFile("testdata/echoes/no_secret.in")
	if err != nil {
		b.Fatal(err)
	}
	s := New(tok("bench-petstore-key-0001"))
	wrapped := []byte(`{"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":` + string(mustJSON(string(body))) + `}]}}`)
	b.ReportAllocs()
	b.SetBytes(int64(len(body) + len(wrapped)))
	for i := 0; i < b.N; i++ {
		if len(s.Body(body)) != len(body) || len(s.JSON(wrapped)) != len(wrapped) {
			b.Fatal("changed")
		}
	}
}

func BenchmarkEcho(b *testing.B) {
	body, err := os.ReadFile("testdata/echoes/httpbin_anything.in")
	if err != nil {
		b.Fatal(err)
	}
	s := echoSet()
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for i := 0; i < b.N; i++ {
		_ = s.Body(body)
	}
}
