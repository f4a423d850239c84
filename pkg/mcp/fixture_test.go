package mcp

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

// testCatalog is a fixed three-tool catalog; admin_reset is refused by allowNoAdmin.
type testCatalog struct {
	entries [][]byte
	names   []string
	legacy  map[string]bool // legacy-only tools by name
}

func (c *testCatalog) Entries() [][]byte     { return c.entries }
func (c *testCatalog) Names() []string       { return c.names }
func (c *testCatalog) LegacyOnly(i int) bool { return c.legacy[c.names[i]] }
func (c *testCatalog) EntryIndex(name string) int {
	for i, n := range c.names {
		if n == name {
			return i
		}
	}
	return -1
}

const (
	weatherEntry = `{"name":"get_weather","description":"Current weather","inputSchema":{"type":"object",` +
		`"properties":{"region":{"type":"string","x-mcp-header":"Region"},"city":{"type":"string"},` +
		`"opts":{"type":"object","properties":{"days":{"type":"integer","x-mcp-header":"Days"},` +
		`"metric":{"type":"boolean","x-mcp-header":"Metric"}}}},"required":["city"]}}`
	searchEntry = `{"name":"search","description":"Search documents","inputSchema":{"type":"object","properties":{"q":{"type":"string"}}}}`
	adminEntry  = `{"name":"admin_reset","description":"Reset everything","inputSchema":{"type":"object","additionalProperties":false}}`
)

func newCatalog(entries ...string) *testCatalog {
	c := &testCatalog{}
	for _, e := range entries {
		c.entries = append(c.entries, []byte(e))
		var v struct{ Name string }
		if err := json.Unmarshal([]byte(e), &v); err != nil {
			panic(err)
		}
		c.names = append(c.names, v.Name)
	}
	return c
}

func testOptions() Options {
	return Options{
		Info:       ServerInfo{Name: "weather-bridge", Version: "1.2.3", Title: "Weather Bridge", Description: "Weather tools over REST."},
		ToolsTTLMs: 300000,
		CacheScope: CacheScopePublic,
	}
}

func newTestServer(t testing.TB) *Server {
	t.Helper()
	s, err := NewServer(testOptions(), newCatalog(weatherEntry, searchEntry, adminEntry))
	require.NoError(t, err)
	return s
}

func allowNoAdmin(name string) bool { return name != "admin_reset" }

// Expected fragments.
const (
	metaJSON      = `"_meta":{"io.modelcontextprotocol/serverInfo":{"name":"weather-bridge","version":"1.2.3","title":"Weather Bridge"}}`
	supportedJSON = `["2026-07-28","2025-11-25","2025-06-18","2025-03-26","2024-11-05"]`
	modernMeta    = `"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}`
)

// modernBody builds a modern request; extra is more params members (",..." or "").
func modernBody(id, method, extra string) string {
	return `{"jsonrpc":"2.0","id":` + id + `,"method":"` + method + `","params":{` + modernMeta + extra + `}}`
}

// mh builds modern headers.
func mh(method, name string, params ...[2]string) Headers {
	return Headers{ProtocolVersion: Version20260728, Method: method, Name: name, Params: params}
}

func errJSON(id string, code, msg string) string {
	return `{"jsonrpc":"2.0","id":` + id + `,"error":{"code":` + code + `,"message":` + quote(msg) + `}}`
}

func quote(s string) string {
	b, err := json.Marshal(s)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// handleCase is one Handle call and its exact expected outcome.
type handleCase struct {
	name    string
	h       Headers
	body    string
	all     bool // allowed = nil instead of allowNoAdmin
	status  int
	kind    OutcomeKind
	want    string // exact JSON body (JSONEq); "" for Accepted and ToolCall
	golden  string // testdata/golden/<golden>.json instead of want
	code    int    // Outcome.Code
	method  string // Outcome.Method
	call    *Call  // expected Call (Arguments compared by Raw)
	argsRaw string
}

func runHandleCases(t *testing.T, cases []handleCase) {
	t.Helper()
	s := newTestServer(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			allowed := allowNoAdmin
			if tc.all {
				allowed = nil
			}
			h := tc.h
			out := s.Handle(allowed, &h, []byte(tc.body))
			assert.Equal(t, tc.kind, out.Kind, "kind")
			assert.Equal(t, tc.code, out.Code, "code")
			assert.Equal(t, tc.method, out.Method, "method")
			switch tc.kind {
			case Accepted:
				assert.Equal(t, 202, out.Status)
				assert.Empty(t, out.Body)
			case Reply:
				assert.Equal(t, tc.status, out.Status, "status")
				assert.Equal(t, ContentTypeJSON, out.ContentType)
				checkBody(t, tc, out.Body)
			case ToolCall:
				require.NotNil(t, out.Call)
				got := *out.Call
				assert.Equal(t, tc.argsRaw, got.Arguments.Raw, "arguments")
				got.Arguments = tc.call.Arguments
				assert.Equal(t, *tc.call, got)
			}
		})
	}
}

func checkBody(t *testing.T, tc handleCase, body []byte) {
	t.Helper()
	require.True(t, json.Valid(body), "invalid JSON: %s", body)
	if tc.golden == "" {
		assert.JSONEq(t, tc.want, string(body))
		return
	}
	assertGolden(t, tc.golden, body)
}

func assertGolden(t *testing.T, name string, body []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name+".json")
	if *update {
		var buf bytes.Buffer
		require.NoError(t, json.Indent(&buf, body, "", "  "))
		buf.WriteByte('\n')
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, buf.Bytes(), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "missing golden %s (run go test -update)", path)
	assert.JSONEq(t, strings.TrimSpace(string(want)), string(body))
}
