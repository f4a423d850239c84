package e2e_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/e2e/demo"
)

// TestInspectorCLI lists and calls tools with the npm MCP Inspector CLI pinned in package.json
// (installed into e2e/node_modules by `npm ci`, which this test runs itself when needed).
// It skips only when SKIP_NPM=1; a missing npx is a failure.
func TestInspectorCLI(t *testing.T) {
	if os.Getenv("SKIP_NPM") == "1" {
		t.Skip("SKIP_NPM=1")
	}
	npx := ensureInspector(t)
	d := startDemo(t, demo.Options{})
	for _, era := range []string{"legacy", "modern"} {
		t.Run(era, func(t *testing.T) {
			var list struct {
				Result struct{ Tools []struct{ Name string } }
			}
			inspect(t, npx, d.MCPURL, era, &list, "--method", "tools/list")
			var names []string
			for _, tool := range list.Result.Tools {
				names = append(names, tool.Name)
			}
			if !slices.Equal(names, demoTools) {
				t.Errorf("tools = %v, want %v", names, demoTools)
			}

			d.Backend.Reset()
			text := callText(t, npx, d.MCPURL, era, "--tool-name", "list_pets", "--tool-arg", "species=cat")
			r := onlyRecord(t, d.Backend)
			if !strings.Contains(text, `"Mittens"`) || r.Query.Get("species") != "cat" || len(credentials(r)) != 0 {
				t.Errorf("list_pets: %q; backend got %s?%s with %v", text, r.Path, r.RawQuery, credentials(r))
			}

			d.Backend.Reset()
			text = callText(t, npx, d.MCPURL, era, "--tool-name", "list_my_orders", "--header", "Authorization: Bearer demo-alice-token")
			r = onlyRecord(t, d.Backend)
			if got, want := credentials(r), []string{"header:Authorization=Bearer demo-alice-token"}; !strings.Contains(text, `"user": "alice"`) || !slices.Equal(got, want) {
				t.Errorf("list_my_orders: %q; backend credentials %v, want %v", text, got, want)
			}
		})
	}
	assertNoSecretsInLogs(t, d)
}

// ensureInspector returns npx after making sure e2e/node_modules holds the pinned Inspector.
func ensureInspector(t *testing.T) string {
	t.Helper()
	npx, err := exec.LookPath("npx")
	if err != nil {
		t.Fatal("npx not found: install Node.js and npm (or set SKIP_NPM=1 to skip this test)")
	}
	if _, err := os.Stat(filepath.Join("node_modules", ".bin", "inspector")); err == nil {
		return npx
	}
	npm, err := exec.LookPath("npm")
	if err != nil {
		t.Fatal("npm not found: install Node.js and npm (or set SKIP_NPM=1 to skip this test)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, npm, "ci", "--no-audit", "--no-fund")
	cmd.Env = append(os.Environ(), "npm_config_update_notifier=false")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("npm ci in e2e/: %v\n%s", err, out)
	}
	return npx
}

// inspect runs the Inspector CLI against url and decodes its JSON output into v.
func inspect(t *testing.T, npx, url, era string, v any, args ...string) {
	t.Helper()
	bin, err := filepath.Abs(filepath.Join("node_modules", ".bin"))
	if err != nil {
		t.Fatal(err)
	}
	home := t.TempDir() // the Inspector keeps a catalog and client config under HOME
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	full := append([]string{"--no-install", "@modelcontextprotocol/inspector", "--cli", url,
		"--transport", "http", "--protocol-era", era, "--format", "json", "-q", "--stored-auth-only"}, args...)
	cmd := exec.CommandContext(ctx, npx, full...)
	cmd.Env = append(os.Environ(),
		"PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"), // the pinned Node 22 first
		"HOME="+home, "MCP_CATALOG_PATH="+filepath.Join(home, "mcp.json"),
		"MCP_CLIENT_CONFIG_PATH="+filepath.Join(home, "client.json"),
		"npm_config_update_notifier=false", "NO_COLOR=1")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("inspector %s: %v\nstdout: %s\nstderr: %s", strings.Join(args, " "), err, stdout.String(), stderr.String())
	}
	if err := json.Unmarshal(stdout.Bytes(), v); err != nil {
		t.Fatalf("inspector %s: output is not JSON: %v\n%s", strings.Join(args, " "), err, stdout.String())
	}
}

// callText runs tools/call and returns the text content; the result must not be an error.
func callText(t *testing.T, npx, url, era string, args ...string) string {
	t.Helper()
	var out struct {
		Result struct {
			Content []struct{ Type, Text string }
			IsError bool
		}
	}
	inspect(t, npx, url, era, &out, append([]string{"--method", "tools/call"}, args...)...)
	if out.Result.IsError || len(out.Result.Content) != 1 || out.Result.Content[0].Type != "text" {
		t.Fatalf("tools/call %v = %+v", args, out.Result)
	}
	return out.Result.Content[0].Text
}
