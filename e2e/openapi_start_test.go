package e2e_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/e2e/demo"
)

// TestOpenAPIConvertedConfigsStartInThePlugin starts the real .wasm with every config the
// converter's goldens hold and with Asana and Stripe converted at test time (their goldens are
// summaries), and checks that tools/list lists every converted tool: a converted config that
// config.Parse accepts but the plugin cannot start would otherwise go unnoticed.
func TestOpenAPIConvertedConfigsStartInThePlugin(t *testing.T) {
	converter := filepath.Join("..", "tools", "openapi-to-mcp")
	cases := []struct {
		name   string
		golden string   // a full golden under convert/testdata/golden
		lib    string   // or a document of libopenapi's test_specs, converted now
		args   []string // the converter's flags for lib
		tools  int
	}{
		{name: "petstorev2", golden: "petstorev2.yaml", tools: 20},
		{name: "petstorev3", golden: "petstorev3.yaml", tools: 19},
		{name: "security", golden: "security.yaml", tools: 8},
		{name: "openapi31", golden: "openapi31.yaml", tools: 2},
		{name: "swagger2", golden: "swagger2.yaml", tools: 2},
		{name: "valuebodies", golden: "valuebodies.yaml", tools: 6},
		{name: "asana", lib: "asana.yaml", args: []string{"--server-name", "asana"}, tools: 152},
		{name: "stripe", lib: "stripe.yaml", args: []string{"--server-name", "stripe"}, tools: 494},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.name == "stripe" && testing.Short() {
				t.Skip("-short: converting and starting stripe takes seconds")
			}
			var cfg []byte
			var err error
			if c.golden != "" {
				cfg, err = os.ReadFile(filepath.Join(converter, "convert", "testdata", "golden", c.golden))
			} else {
				cfg, err = convertLibSpec(t, converter, c.lib, c.args)
			}
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			d := startDemo(t, demo.Options{ConfigYAML: cfg, Env: converterEnv(t, cfg)})
			cs, _ := connect(t, d.MCPURL, legacy, nil)
			started := time.Since(start)
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			n := 0
			for tool, err := range cs.Tools(ctx, nil) {
				if err != nil {
					t.Fatalf("tools/list: %v", err)
				}
				if tool.Name == "" {
					t.Fatal("tools/list: a tool without a name")
				}
				n++
			}
			if n != c.tools {
				t.Fatalf("tools/list listed %d tools, want %d", n, c.tools)
			}
			t.Logf("%s: %d config bytes, started and connected in %s", c.name, len(cfg), started.Round(time.Millisecond))
		})
	}
}

// convertLibSpec runs the real openapi-to-mcp command on a document of libopenapi's test_specs
// folder, read in place in the module cache (never copied into this project).
func convertLibSpec(t *testing.T, converter, file string, args []string) ([]byte, error) {
	t.Helper()
	list := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/pb33f/libopenapi")
	list.Dir = converter
	dir, err := list.Output()
	if err != nil {
		return nil, err
	}
	doc := filepath.Join(strings.TrimSpace(string(dir)), "test_specs", file)
	cmd := exec.Command("go", append([]string{"run", "./cmd/openapi-to-mcp", "--input", doc, "--validate"}, args...)...)
	cmd.Dir = converter
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("openapi-to-mcp %s: %v\n%s", file, err, stderr.String())
	}
	return out, nil
}

// converterEnv gives a value of the form the converter's header comment asks for (user:password
// or a token) to each variable it lists: the plugin refuses to start without them.
func converterEnv(t *testing.T, cfg []byte) map[string]string {
	t.Helper()
	env := map[string]string{}
	for _, line := range strings.Split(string(cfg), "\n") {
		if !strings.HasPrefix(line, "#") {
			break
		}
		name, what, ok := strings.Cut(strings.TrimPrefix(line, "#   "), ": ")
		if !ok || !strings.HasPrefix(line, "#   ") || name != strings.ToUpper(name) || strings.Contains(name, " ") {
			continue
		}
		env[name] = "e2e-" + strings.ToLower(name)
		if strings.HasPrefix(what, "user:password") {
			env[name] = "e2e:" + strings.ToLower(name)
		}
	}
	return env
}

// TestOpenAPIConvertedValueBodiesReachTheBackend: a JSON request body that is not an object
// (Petstore v2's createWithArray, and the array and integer bodies of the converter's
// valuebodies document) goes through one "body" arg, and the real .wasm forwards exactly that
// JSON value; a value of another type than the body's is refused and nothing goes upstream.
func TestOpenAPIConvertedValueBodiesReachTheBackend(t *testing.T) {
	users := []any{map[string]any{"id": 1, "username": "ada"}, map[string]any{"id": 2, "username": "bob \"b\""}}
	cases := []struct {
		golden, tool string
		args         map[string]any
		path, body   string // body "": the call is refused
	}{
		{"petstorev2.yaml", "create_users_with_array_input", map[string]any{"body": users},
			"/v2/user/createWithArray", `[{"id":1,"username":"ada"},{"id":2,"username":"bob \"b\""}]`},
		{"valuebodies.yaml", "set_labels", map[string]any{"id": 7, "body": []any{"bug", "p1"}}, "/v1/issues/7/labels", `["bug","p1"]`},
		{"valuebodies.yaml", "set_priority", map[string]any{"id": 7, "body": 3}, "/v1/issues/7/priority", `3`},
		{"valuebodies.yaml", "set_labels", map[string]any{"id": 7, "body": `"], "admin": true, "x": ["`}, "", ""},
		{"valuebodies.yaml", "set_priority", map[string]any{"id": 7, "body": "3, \"admin\": true"}, "", ""},
	}
	for i, c := range cases {
		t.Run(fmt.Sprintf("%d_%s", i, c.tool), func(t *testing.T) {
			cfg, err := os.ReadFile(filepath.Join("..", "tools", "openapi-to-mcp", "convert", "testdata", "golden", c.golden))
			if err != nil {
				t.Fatal(err)
			}
			type got struct {
				path, ctype string
				body        []byte
			}
			reqs := make(chan got, 4)
			up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				b, _ := io.ReadAll(r.Body)
				reqs <- got{r.URL.Path, r.Header.Get("Content-Type"), b}
				w.WriteHeader(http.StatusNoContent)
			}))
			defer up.Close()
			env := map[string]string{"PETSTORE_API_KEY": "e2e-petstore-key"}
			d := startDemo(t, demo.Options{ConfigYAML: cfg, Env: env, Upstream: strings.TrimPrefix(up.URL, "http://")})
			cs, _ := connect(t, d.MCPURL, legacy, nil)
			res, err := callTool(t, cs, c.tool, c.args)
			if c.body == "" {
				if err == nil && !res.IsError || len(reqs) != 0 {
					t.Fatalf("a body of the wrong type was not refused: %v %+v, %d requests", err, res, len(reqs))
				}
				return
			}
			if err != nil || res.IsError {
				t.Fatalf("call: %v %+v", err, res)
			}
			if len(reqs) != 1 {
				t.Fatalf("the backend got %d requests, want 1", len(reqs))
			}
			r := <-reqs
			if r.path != c.path || r.ctype != "application/json" || string(r.body) != c.body || !json.Valid(r.body) {
				t.Fatalf("backend got %s %q %s, want %s %s", r.path, r.ctype, r.body, c.path, c.body)
			}
		})
	}
}
