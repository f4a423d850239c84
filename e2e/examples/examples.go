// Package examples embeds the example plugin configurations.
package examples

import _ "embed"

// DemoYAML is demo.yaml: the demo pet store as MCP tools, one per credential mode.
//
//go:embed demo.yaml
var DemoYAML []byte
