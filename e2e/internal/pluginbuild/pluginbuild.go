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
func Wasm(root string) ([]byte, error) {
	if p := os.Getenv("E2E_PLUGIN_WASM"); p != "" {
		return os.ReadFile(p)
	}
	dir, err := os.MkdirTemp("", "e2e-plugin-*")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	out := filepath.Join(dir, "plugin.wasm")
	cmd := exec.Command("go", "build", "-buildmode=c-shared", "-trimpath", "-o", out, "./plugin")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm")
	if b, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("pluginbuild: go build ./plugin for wasip1: %v\n%s", err, b)
	}
	return os.ReadFile(out)
}
