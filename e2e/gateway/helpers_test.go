package gateway

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

var testWasm []byte

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "gateway-test-*")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	out := filepath.Join(dir, "testplugin.wasm")
	cmd := exec.Command("go", "build", "-buildmode=c-shared", "-o", out, "./internal/testplugin")
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm")
	if b, err := cmd.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building the test plugin: %v\n%s", err, b)
		os.Exit(1)
	}
	testWasm, err = os.ReadFile(out)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// record is one request an upstream test server received.
type record struct {
	Method, RequestURI, Host string
	Header                   http.Header
	Body                     string
}

// upstream is a loopback test server that records requests and answers with respond.
type upstream struct {
	*httptest.Server
	mu      sync.Mutex
	records []record
}

func newUpstream(t *testing.T, respond func(w http.ResponseWriter, r *http.Request, body []byte)) *upstream {
	t.Helper()
	u := &upstream{}
	u.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		u.mu.Lock()
		u.records = append(u.records, record{Method: r.Method, RequestURI: r.RequestURI, Host: r.Host, Header: r.Header.Clone(), Body: string(body)})
		u.mu.Unlock()
		respond(w, r, body)
	}))
	t.Cleanup(u.Close)
	return u
}

func (u *upstream) got() []record {
	u.mu.Lock()
	defer u.mu.Unlock()
	return append([]record(nil), u.records...)
}

func (u *upstream) addr() string { return strings.TrimPrefix(u.URL, "http://") }

// echoUpstream answers 200 JSON echoing the body, with a Set-Cookie the plugin must drop.
func echoUpstream(t *testing.T) *upstream {
	return newUpstream(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Set-Cookie", "session=backend-secret")
		fmt.Fprintf(w, `{"echo":%q}`, body)
	})
}

// closedAddr returns a loopback address nothing listens on.
func closedAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	return addr
}

// startGateway runs the test plugin behind a real listener; backend is the route's cluster.
func startGateway(t *testing.T, backend, auth string, mutate func(*Config)) (*Gateway, string) {
	t.Helper()
	cfg := Config{
		Wasm:                testWasm,
		PluginConfig:        []byte(`{"secretEnv":"TEST_SECRET","calloutCluster":"auth"}`),
		Env:                 map[string]string{"TEST_SECRET": "s3cr3t-value"},
		PluginLogLevel:      "trace",
		CompilationCacheDir: DefaultCompilationCacheDir(),
		Clusters:            map[string]Cluster{"backend": {Address: backend}, "auth": {Address: auth}},
		Routes:              []Route{{Name: "mcp", Prefix: "/t/", Cluster: "backend"}},
	}
	if mutate != nil {
		mutate(&cfg)
	}
	g, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	srv := httptest.NewServer(g)
	t.Cleanup(func() {
		srv.Close()
		if err := g.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return g, srv.URL
}

type reply struct {
	status int
	header http.Header
	body   string
}

func do(t *testing.T, method, url, body string, header map[string]string) reply {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	c := &http.Client{Timeout: 10 * time.Second}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return reply{status: resp.StatusCode, header: resp.Header, body: string(b)}
}
