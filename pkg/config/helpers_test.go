package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tidwall/gjson"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/internal/testutil"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/security"
)

// plantedSecret is the value tests put into every credential position; no error may contain it.
const plantedSecret = "Pl4nted-S3cret-Value"

// secretEnv resolves every "${NAME}" to plantedSecret, except UNSET_* names.
var secretEnv security.Env = func(name string) (string, bool) {
	if strings.HasPrefix(name, "UNSET_") {
		return "", false
	}
	return plantedSecret, true
}

// cfg wraps tools (JSON objects, comma-separated) into a minimal valid config.
func cfg(tools string) string {
	return `{"server":{"name":"s"},"tools":[` + tools + `]}`
}

// getTool is a valid upstream tool; use it to fill the list around the tool under test.
func getTool(name string) string {
	return `{"name":"` + name + `","description":"d","requestTemplate":{"url":"https://api.example.com/x","method":"GET"}}`
}

func mustParse(t *testing.T, data string) *Config {
	t.Helper()
	c, err := Parse([]byte(data), secretEnv)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return c
}

// yamlConfig reads a YAML config from the repository's testdata/configs as JSON.
func yamlConfig(t testing.TB, name string) []byte {
	t.Helper()
	root, err := testutil.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	js, err := testutil.YAMLFileToJSON(filepath.Join(root, "testdata", "configs", name))
	if err != nil {
		t.Fatal(err)
	}
	return js
}

func readRepoFile(t testing.TB, rel string) []byte {
	t.Helper()
	root, err := testutil.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(root, rel))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustDecode(t *testing.T, s string) gjson.Result {
	t.Helper()
	r, err := decode([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return r
}
