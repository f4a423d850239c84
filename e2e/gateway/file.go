package gateway

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"sigs.k8s.io/yaml"
)

// File is the YAML form of a gateway for cmd/gateway. Relative paths are relative to the file;
// absolute paths are used as they are.
//
//	listen: 127.0.0.1:18080
//	wasm: ../../build/plugin.wasm
//	pluginConfig: ../examples/demo.yaml   # YAML or JSON, converted to JSON
//	env: [DEMO_API_KEY]                   # copied from the gateway's environment (host_env_keys)
//	clusters: {petstore: {address: 127.0.0.1:18081}}
//	routes: [{name: mcp, prefix: /mcp, cluster: petstore, authorityClusters: {petstore.local: petstore}}]
//	workers: 4                            # worker VMs (Envoy's --concurrency); default 1
type File struct {
	Listen          string             `json:"listen"`
	Wasm            string             `json:"wasm"`
	PluginConfig    string             `json:"pluginConfig"`
	Env             []string           `json:"env"`
	Clusters        map[string]Cluster `json:"clusters"`
	Routes          []Route            `json:"routes"`
	PluginLogLevel  string             `json:"pluginLogLevel"`
	UpstreamTimeout string             `json:"upstreamTimeout"` // Go duration, e.g. 15s
	Workers         int                `json:"workers"`
}

// LoadFile reads a File and the files it names. Variables listed in env must be set.
func LoadFile(path string) (Config, string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Config{}, "", err
	}
	var f File
	if err := yaml.UnmarshalStrict(data, &f); err != nil {
		return Config{}, "", fmt.Errorf("gateway: %s: %w", path, err)
	}
	dir := filepath.Dir(path)
	cfg := Config{Clusters: f.Clusters, Routes: f.Routes, PluginLogLevel: f.PluginLogLevel, Env: map[string]string{}, Workers: f.Workers}
	if cfg.Wasm, err = os.ReadFile(resolve(dir, f.Wasm)); err != nil {
		return Config{}, "", fmt.Errorf("gateway: %s: wasm: %w", path, err)
	}
	pcPath := resolve(dir, f.PluginConfig)
	pc, err := os.ReadFile(pcPath)
	if err != nil {
		return Config{}, "", fmt.Errorf("gateway: %s: pluginConfig: %w", path, err)
	}
	if cfg.PluginConfig, err = yaml.YAMLToJSON(pc); err != nil {
		return Config{}, "", fmt.Errorf("gateway: %s: pluginConfig: %s: %w", path, pcPath, err)
	}
	for _, name := range f.Env {
		v, ok := os.LookupEnv(name)
		if !ok {
			return Config{}, "", fmt.Errorf("gateway: %s: env: %s is not set", path, name)
		}
		cfg.Env[name] = v
	}
	if f.UpstreamTimeout != "" {
		if cfg.UpstreamTimeout, err = time.ParseDuration(f.UpstreamTimeout); err != nil {
			return Config{}, "", fmt.Errorf("gateway: %s: upstreamTimeout: %w", path, err)
		}
	}
	return cfg, f.Listen, nil
}

// resolve reads p relative to dir unless it is absolute.
func resolve(dir, p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(dir, p)
}
