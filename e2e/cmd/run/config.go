package main

import (
	"fmt"
	"os"
	"regexp"

	"sigs.k8s.io/yaml"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/e2e/examples"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/config"
)

// pluginConfig is the plugin configuration run serves, checked before the gateway starts.
type pluginConfig struct {
	yaml []byte
	env  map[string]string // the plugin's VM environment
	cfg  *config.Config
}

// envRef is a "${NAME}" credential reference (pkg/security's syntax).
var envRef = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)\}`)

// loadPluginConfig reads path (YAML or JSON; "" is the demo config) and parses it with the
// plugin's own parser, so a bad file is reported once, naming the file, before anything starts.
// The plugin's environment holds the variables the file references, from this process's
// environment, on top of the demo secrets when the demo backend is used.
func loadPluginConfig(path string, demoBackend bool) (pluginConfig, error) {
	pc := pluginConfig{yaml: examples.DemoYAML, env: map[string]string{}}
	if demoBackend || path == "" {
		pc.env = examples.Secrets()
	}
	name := "examples/demo.yaml"
	if path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return pc, err
		}
		pc.yaml, name = data, path
	}
	js, err := yaml.YAMLToJSON(pc.yaml)
	if err != nil {
		return pc, fmt.Errorf("%s: %w", name, err)
	}
	for _, m := range envRef.FindAllStringSubmatch(string(js), -1) {
		if v := os.Getenv(m[1]); v != "" {
			pc.env[m[1]] = v
		}
	}
	lookup := func(k string) (string, bool) { v, ok := pc.env[k]; return v, ok }
	if pc.cfg, err = config.Parse(js, lookup); err != nil {
		return pc, fmt.Errorf("%s: %w", name, err)
	}
	return pc, nil
}
