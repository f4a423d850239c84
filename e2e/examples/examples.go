// Package examples embeds the example plugin configurations.
package examples

import _ "embed"

// DemoYAML is demo.yaml: the demo pet store as MCP tools, eight tools over five credential modes.
//
//go:embed demo.yaml
var DemoYAML []byte
