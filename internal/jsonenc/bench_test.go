package jsonenc

import (
	"strings"
	"testing"
)

// benchBody is the 1 KiB JSON response of make bench (bench/driver petResponse): about one
// byte in twelve is a quote to escape, then plain text.
var benchBody = func() string {
	const head = `{"id":"p-8812","name":"Rex","status":"available","species":"dog","breed":"border collie",` +
		`"birthDate":"2021-04-03","weightKg":18.4,"vaccinated":true,"microchip":"985112003456789",` +
		`"tags":["friendly","trained","good-with-kids"],` +
		`"owner":{"id":"u-1021","name":"Alex Doe","email":"alex.doe@example.com"},` +
		`"photos":[{"url":"https://cdn.petstore.example/p-8812/1.jpg","width":1024,"height":768},` +
		`{"url":"https://cdn.petstore.example/p-8812/2.jpg","width":1024,"height":768}],` +
		`"notes":"`
	filler := strings.Repeat("Loves long walks and fetch. ", 40)
	return head + filler[:1024-len(head)-2] + `"}`
}()

func BenchmarkAppendStringContent(b *testing.B) {
	for _, bc := range []struct{ name, s string }{
		{"json1KiB", benchBody},
		{"text1KiB", strings.Repeat("Loves long walks and fetch. ", 37)[:1024]},
		{"cjk1KiB", strings.Repeat("日本語のテキスト", 43)[:1032]},
	} {
		b.Run(bc.name, func(b *testing.B) {
			dst := make([]byte, 0, 2*len(bc.s))
			b.SetBytes(int64(len(bc.s)))
			for i := 0; i < b.N; i++ {
				dst = AppendStringContent(dst[:0], bc.s)
			}
		})
	}
}

// BenchmarkCopy is the floor AppendStringContent is measured against: the same bytes appended
// as they are.
func BenchmarkCopy(b *testing.B) {
	dst := make([]byte, 0, 2*len(benchBody))
	b.SetBytes(int64(len(benchBody)))
	for i := 0; i < b.N; i++ {
		dst = append(dst[:0], benchBody...)
	}
}
