package e2e_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/e2e/backend"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/e2e/demo"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/e2e/internal/pluginbuild"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// pluginWasm is the real plugin, built from ../plugin by TestMain (or E2E_PLUGIN_WASM).
var pluginWasm []byte

func TestMain(m *testing.M) {
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	start := time.Now()
	var err error
	if pluginWasm, err = pluginbuild.Wasm(".."); err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	fmt.Fprintf(os.Stderr, "e2e: plugin (%d bytes) ready in %s\n", len(pluginWasm), time.Since(start).Round(time.Millisecond))
	return m.Run()
}

// startDemo runs the backend and the gateway with the real plugin on free loopback ports.
func startDemo(t *testing.T, opts demo.Options) *demo.Demo {
	t.Helper()
	opts.Wasm = pluginWasm
	opts.GatewayAddr, opts.BackendAddr = "127.0.0.1:0", "127.0.0.1:0"
	opts.PluginLogLevel = "trace" // capture everything the plugin can log
	d, err := demo.Start(opts)
	if err != nil {
		t.Fatalf("demo.Start: %v", err)
	}
	t.Cleanup(func() {
		if err := d.Close(); err != nil {
			t.Errorf("demo.Close: %v", err)
		}
	})
	return d
}

// Protocol eras the Go SDK can speak.
const (
	legacy = "2025-11-25" // initialize handshake
	modern = ""           // the SDK's newest: 2026-07-28, server/discover, no initialize
)

// recorder is an http.RoundTripper that adds headers to every request and keeps every
// response's headers, so tests see what the SDK hides.
type recorder struct {
	add map[string]string

	mu        sync.Mutex
	responses []http.Header
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	for k, v := range r.add {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err == nil {
		r.mu.Lock()
		r.responses = append(r.responses, resp.Header.Clone())
		r.mu.Unlock()
	}
	return resp, err
}

func (r *recorder) headers() []http.Header {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.responses)
}

// connect opens a Go SDK Streamable HTTP session with extra request headers.
func connect(t *testing.T, url, era string, headers map[string]string) (*mcp.ClientSession, *recorder) {
	t.Helper()
	rec := &recorder{add: headers}
	transport := &mcp.StreamableClientTransport{
		Endpoint:   url,
		HTTPClient: &http.Client{Transport: rec, Timeout: 20 * time.Second},
		MaxRetries: -1,
	}
	client := mcp.NewClient(&mcp.Implementation{Name: "mcp-rest-bridge-e2e", Version: "1.0.0"}, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cs, err := client.Connect(ctx, transport, &mcp.ClientSessionOptions{ProtocolVersion: era})
	if err != nil {
		t.Fatalf("connect (%s): %v", eraName(era), err)
	}
	t.Cleanup(func() { _ = cs.Close() })
	return cs, rec
}

func eraName(era string) string {
	if era == modern {
		return "modern"
	}
	return "legacy " + era
}

func callTool(t *testing.T, cs *mcp.ClientSession, name string, args map[string]any) (*mcp.CallToolResult, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	return cs.CallTool(ctx, &mcp.CallToolParams{Name: name, Arguments: args})
}

// resultText joins the text content of a tool result.
func resultText(r *mcp.CallToolResult) string {
	var b strings.Builder
	for _, c := range r.Content {
		if tc, ok := c.(*mcp.TextContent); ok {
			b.WriteString(tc.Text)
		}
	}
	return b.String()
}

// credentialHeaders are the request headers that carry credentials.
var credentialHeaders = []string{"Authorization", "Proxy-Authorization", "X-Api-Key", "Cookie", "X-Auth-Token"}

// credentialQuery are the query parameters that carry credentials.
var credentialQuery = []string{"api_key", "apikey", "key", "token", "access_token"}

// credentials lists every credential carrier present in a backend record, as
// "header:Name=value" and "query:name=value", sorted.
func credentials(r backend.Record) []string {
	var out []string
	for _, h := range credentialHeaders {
		for _, v := range r.Header.Values(h) {
			out = append(out, "header:"+h+"="+v)
		}
	}
	for _, q := range credentialQuery {
		for _, v := range r.Query[q] {
			out = append(out, "query:"+q+"="+v)
		}
	}
	slices.Sort(out)
	return out
}

// onlyRecord returns the backend's single record since the last Reset.
func onlyRecord(t *testing.T, be *backend.Backend) backend.Record {
	t.Helper()
	recs := be.Requests()
	if len(recs) != 1 {
		t.Fatalf("backend got %d requests, want 1: %+v", len(recs), recs)
	}
	return recs[0]
}

func basic(cred string) string { return "Basic " + base64.StdEncoding.EncodeToString([]byte(cred)) }
