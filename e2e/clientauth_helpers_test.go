package e2e_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/e2e/demo"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/e2e/examples"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/internal/jwttest"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// carolKey is the gateway API key of consumer carol (bridge.clientAuth.apiKeys, from the
// environment); it must never reach the backend, a log or a reply.
const carolKey = "carol-gw-key-e2e-93b1d07a5c"

// startClientAuthDemo runs the pet store behind testdata/clientauth.yaml with the jwttest JWKS.
func startClientAuthDemo(t *testing.T) *demo.Demo {
	t.Helper()
	return startDemo(t, demo.Options{ConfigYAML: clientAuthConfig(t), Env: clientAuthEnv()})
}

// clientAuthConfig is testdata/clientauth.yaml with jwttest.JWKS() inline.
func clientAuthConfig(t *testing.T) []byte {
	t.Helper()
	cfg, err := os.ReadFile("testdata/clientauth.yaml")
	if err != nil {
		t.Fatal(err)
	}
	inline := "'" + string(bytes.Join(bytes.Fields(jwttest.JWKS()), nil)) + "'"
	return bytes.Replace(cfg, []byte("'__JWKS__'"), []byte(inline), 1)
}

// clientAuthEnv is the plugin's environment: the demo secrets and carol's gateway key.
func clientAuthEnv() map[string]string {
	env := examples.Secrets()
	env["CAROL_GATEWAY_KEY"] = carolKey
	return env
}

// mint signs claims for https://idp.example.com with fixture key name (kid = name), valid from
// a minute ago for ten minutes unless claims override it. The local gateway gives the plugin
// the real clock (wasmvm RealClock: WASI clock_time_get is time.Now), so the test's clock is
// the plugin's; the margins are far beyond the plugin's 30 s leeway.
func mint(alg, name string, claims map[string]any) string {
	now := time.Now().Unix()
	c := map[string]any{
		"iss": "https://idp.example.com", "aud": "https://mcp.example.com/mcp",
		"iat": now - 60, "nbf": now - 60, "exp": now + 600,
	}
	for k, v := range claims {
		c[k] = v
	}
	return jwttest.Sign(alg, name, name, c)
}

// exchange is one HTTP exchange the MCP client made through the gateway.
type exchange struct {
	status int
	header http.Header
	body   *lockedBuffer
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// wire is an http.RoundTripper that adds headers (the bearer token) to every request and keeps
// every response's status, headers and body as the client read it.
type wire struct {
	add map[string]string

	mu        sync.Mutex
	exchanges []exchange
}

func (w *wire) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	for k, v := range w.add {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	ex := exchange{status: resp.StatusCode, header: resp.Header.Clone(), body: &lockedBuffer{}}
	resp.Body = struct {
		io.Reader
		io.Closer
	}{io.TeeReader(resp.Body, ex.body), resp.Body}
	w.mu.Lock()
	w.exchanges = append(w.exchanges, ex)
	w.mu.Unlock()
	return resp, nil
}

func (w *wire) last(t *testing.T) exchange {
	t.Helper()
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.exchanges) == 0 {
		t.Fatal("no HTTP exchange")
	}
	return w.exchanges[len(w.exchanges)-1]
}

// text is every response body the client saw, with headers.
func (w *wire) text() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	var b strings.Builder
	for _, e := range w.exchanges {
		for k, v := range e.header {
			b.WriteString(k + ": " + strings.Join(v, ",") + "\n")
		}
		b.WriteString(e.body.String() + "\n")
	}
	return b.String()
}

// session connects the Go SDK with extra headers; the error is the SDK's, for refusals.
func session(url, era string, headers map[string]string) (*mcp.ClientSession, *wire, error) {
	w := &wire{add: headers}
	transport := &mcp.StreamableClientTransport{
		Endpoint: url, HTTPClient: &http.Client{Transport: w, Timeout: 20 * time.Second}, MaxRetries: -1,
	}
	client := mcp.NewClient(&mcp.Implementation{Name: "mcp-rest-bridge-e2e", Version: "1.0.0"}, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cs, err := client.Connect(ctx, transport, &mcp.ClientSessionOptions{ProtocolVersion: era})
	return cs, w, err
}

func toolNames(t *testing.T, cs *mcp.ClientSession) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	res, err := cs.ListTools(ctx, nil)
	if err != nil {
		t.Fatalf("tools/list: %v", err)
	}
	var names []string
	for _, tool := range res.Tools {
		names = append(names, tool.Name)
	}
	return names
}
