// Package pluginbuild builds the real plugin (../plugin of the e2e module) for the tests.
package pluginbuild

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// Wasm returns the plugin: the file named by E2E_PLUGIN_WASM if set, else a fresh
// GOOS=wasip1 GOARCH=wasm -buildmode=c-shared build of root/plugin into a temporary directory.
func Wasm(root string) ([]byte, error) { return build(root, "E2E_PLUGIN_WASM", "") }

// WasmRedis returns the plugin built with Higress's Redis support (-tags redis, what
// bridge.tokenCache.redis needs): the file named by E2E_PLUGIN_WASM_REDIS if set, else a fresh
// build.
func WasmRedis(root string) ([]byte, error) { return build(root, "E2E_PLUGIN_WASM_REDIS", "redis") }

func build(root, env, tags string) ([]byte, error) {
	if p := os.Getenv(env); p != "" {
		return os.ReadFile(p)
	}
	dir, err := os.MkdirTemp("", "e2e-plugin-*")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	out := filepath.Join(dir, "plugin.wasm")
	cmd := exec.Command("go", "build", "-tags", tags, "-buildmode=c-shared", "-trimpath", "-o", out, "./plugin")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm")
	if b, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("pluginbuild: go build -tags %q ./plugin for wasip1: %v\n%s", tags, err, b)
	}
	return os.ReadFile(out)
}
