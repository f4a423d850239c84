// Command guest is the Wasm side of bench/kernels: it runs one per-byte kernel of the
// response path n times over a 1 KiB body (wasip1; see ../run.sh).
package main

import (
	"os"
	"strconv"
	"strings"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/internal/jsonenc"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/jsonscan"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/redact"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/security"
)

// benchBody is the 1 KiB JSON response of make bench (bench/driver petResponse).
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

var sink int

func main() {
	kernel := os.Args[1]
	n, _ := strconv.Atoi(os.Args[2])
	body := benchBody
	if len(os.Args) > 3 {
		switch os.Args[3] {
		case "text":
			body = strings.Repeat("Loves long walks and fetch. ", 37)[:1024]
		case "cjk":
			body = strings.Repeat("日本語のテキスト", 43)[:1032]
		}
	}
	b := []byte(body)
	// The bench's default API key: its first byte 'b' occurs in the body, as a key's often does.
	dst := make([]byte, 0, 8192)
	set := redact.New(security.Credential{Form: security.FormToken, Value: security.NewSecret("bench-petstore-key-0001")})
	switch kernel {
	case "none":
		for i := 0; i < n; i++ {
			sink += len(dst)
		}
	case "copy":
		for i := 0; i < n; i++ {
			dst = append(dst[:0], body...)
			sink += len(dst)
		}
	case "escape":
		for i := 0; i < n; i++ {
			dst = jsonenc.AppendStringContent(dst[:0], body)
			sink += len(dst)
		}
	case "deeper":
		for i := 0; i < n; i++ {
			if jsonscan.Deeper(b, 128) {
				sink++
			}
		}
	case "redact":
		for i := 0; i < n; i++ {
			if set.Contains(b) {
				sink++
			}
		}
	}
	os.Stdout.WriteString(strconv.Itoa(sink) + "\n")
}
