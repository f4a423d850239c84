package jsonscan

import (
	"strings"
	"testing"
)

// A typical modern tools/call (about 330 bytes).
var benchCall = []byte(`{"jsonrpc":"2.0","id":42,"method":"tools/call","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28",` +
	`"io.modelcontextprotocol/clientCapabilities":{}},"name":"get_pet","arguments":{"petId":"p-1234","fields":"name,status",` +
	`"filter":{"since":"2024-01-01","tags":["cat","indoor"],"limit":10}}}}`)

func BenchmarkMessage(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(benchCall)))
	for i := 0; i < b.N; i++ {
		if res := Message(benchCall, lim); res.Err != nil {
			b.Fatal(res.Err)
		}
	}
}

// BenchmarkDeeper runs over a 1 KiB JSON response body, as in make bench.
func BenchmarkDeeper(b *testing.B) {
	body := []byte(`{"items":[` + strings.Repeat(`{"id":"p-1","name":"Rex","tags":["a","b"]},`, 23) + `{"id":"p-2"}]}`)
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for i := 0; i < b.N; i++ {
		if Deeper(body, 128) {
			b.Fatal("too deep")
		}
	}
}
