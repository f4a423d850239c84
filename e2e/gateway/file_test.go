package gateway

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestLoadFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("p.wasm", string(testWasm))
	write("broken.yaml", "server: [\n")
	write("plugin.yaml", "secretEnv: TEST_SECRET\ncalloutCluster: auth\n")
	write("gw.yaml", `listen: 127.0.0.1:0
wasm: p.wasm
pluginConfig: plugin.yaml
env: [TEST_FILE_SECRET]
upstreamTimeout: 3s
clusters: {backend: {address: "127.0.0.1:1"}}
routes: [{name: mcp, prefix: /t/, cluster: backend, authorityClusters: {Backend.Test: backend}, hostRewrite: h}]
`)
	t.Setenv("TEST_FILE_SECRET", "v")
	cfg, listen, err := LoadFile(filepath.Join(dir, "gw.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if listen != "127.0.0.1:0" || string(cfg.PluginConfig) != `{"calloutCluster":"auth","secretEnv":"TEST_SECRET"}` ||
		cfg.Env["TEST_FILE_SECRET"] != "v" || cfg.UpstreamTimeout != 3*time.Second || len(cfg.Wasm) != len(testWasm) ||
		cfg.Routes[0].AuthorityClusters["Backend.Test"] != "backend" || cfg.Routes[0].HostRewrite != "h" || cfg.Clusters["backend"].Address != "127.0.0.1:1" {
		t.Errorf("LoadFile = %+v (listen %q)", cfg.Routes, listen)
	}

	for _, tc := range []struct{ name, file, want string }{
		{"unknown key", "listen: x\nwasm: p.wasm\npluginConfig: plugin.yaml\nclusterz: {}\n", `unknown field "clusterz"`},
		{"missing env", "wasm: p.wasm\npluginConfig: plugin.yaml\nenv: [NOT_SET_ANYWHERE]\n", "env: NOT_SET_ANYWHERE is not set"},
		{"missing wasm", "wasm: nope.wasm\npluginConfig: plugin.yaml\n", "wasm: open " + filepath.Join(dir, "nope.wasm")},
		{"absolute wasm path", "wasm: " + filepath.Join(dir, "absent.wasm") + "\npluginConfig: plugin.yaml\n",
			"wasm: open " + filepath.Join(dir, "absent.wasm") + ":"},
		{"plugin config YAML error names the file", "wasm: " + filepath.Join(dir, "p.wasm") + "\npluginConfig: broken.yaml\n",
			"pluginConfig: " + filepath.Join(dir, "broken.yaml") + ": yaml: line 1: did not find expected node content"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			write("bad.yaml", tc.file)
			if _, _, err := LoadFile(filepath.Join(dir, "bad.yaml")); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
		})
	}
}
