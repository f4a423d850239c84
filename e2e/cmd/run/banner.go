package main

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/tidwall/gjson"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/e2e/demo"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/config"
)

func printDemoBanner(w io.Writer, d *demo.Demo) {
	cli := "npx " + inspector + " --cli " + d.MCPURL + " --transport http"
	fmt.Fprintf(w, `mcp-rest-bridge demo is running (plugin in a local gateway, pet store behind it)

  MCP endpoint:  %[1]s
  demo backend:  %[2]s   (what it received: %[2]s/_debug/requests)
  user token:    demo-alice-token   (for list_my_orders and place_order)

List the tools with MCP Inspector (CLI):
  %[3]s --method tools/list

Call tools:
  %[3]s --method tools/call --tool-name list_pets --tool-arg species=cat
  %[3]s --method tools/call --tool-name list_my_orders --header "Authorization: Bearer demo-alice-token"

Open the Inspector UI (then Connect; add the Authorization header for the passthrough tools):
  npx %[4]s --web --transport http --server-url %[1]s

The Inspector declares Node >= 22.19 (its --cli mode also runs on Node 20); 'make e2e-npm'
installs it with a Node 22 into e2e/node_modules (then:
PATH="$PWD/e2e/node_modules/.bin:$PATH" inspector --cli ...).
The README has the same calls with curl.

Press Ctrl-C to stop.
`, d.MCPURL, d.BackendURL, cli, inspector)
}

// printConfigBanner describes a -config / -upstream run: the configured tools and an example
// call of one of them, as Inspector CLI and curl commands.
func printConfigBanner(w io.Writer, d *demo.Demo, pc pluginConfig, o options) {
	source := "the demo pet store, " + d.BackendURL
	if o.upstream != "" {
		source = d.BackendURL + " (every tool call is forwarded there)"
	}
	cfgName := "examples/demo.yaml"
	if o.config != "" {
		cfgName = o.config
	}
	ex := exampleCall(pc.cfg)
	cli := "npx " + inspector + " --cli " + d.MCPURL + " --transport http"
	fmt.Fprintf(w, "mcp-rest-bridge is running (plugin in a local gateway)\n\n")
	fmt.Fprintf(w, "  MCP endpoint:  %s\n  config:        %s\n  backend:       %s\n\n", d.MCPURL, cfgName, source)
	fmt.Fprintf(w, "Tools (%d): %s\n\n", len(pc.cfg.Names()), strings.Join(pc.cfg.Names(), ", "))
	fmt.Fprintf(w, "List them:\n  %s --method tools/list\n\n", cli)
	fmt.Fprintf(w, "Call %s with MCP Inspector (CLI):\n  %s --method tools/call --tool-name %s%s%s\n\n",
		ex.tool, cli, ex.tool, ex.inspectorArgs(), ex.inspectorHeader())
	fmt.Fprintf(w, "The same with curl (legacy era, no initialize needed):\n  %s\n\n", ex.curl(d.MCPURL))
	fmt.Fprintf(w, "Press Ctrl-C to stop.\n")
}

// example is one ready-to-paste tools/call.
type example struct {
	tool   string
	args   [][2]string // name, JSON value
	header string      // client credential header the tool needs, "" if none
}

// exampleCall picks the first tool that needs no client credential (else the first tool) and
// gives each of its required arguments a plausible value.
func exampleCall(cfg *config.Config) example {
	pick := 0
	for i, t := range cfg.Tools {
		if !t.Policy.NeedsClientCredential() {
			pick = i
			break
		}
	}
	t := cfg.Tools[pick]
	ex := example{tool: t.Rest.Name()}
	if t.Policy.NeedsClientCredential() {
		if names := t.Policy.ClientHeaderNames(); len(names) > 0 {
			ex.header = names[0]
		}
	}
	schema := gjson.GetBytes(cfg.Entries()[pick], "inputSchema")
	required := schema.Get("required").Array()
	names := make([]string, 0, len(required))
	for _, r := range required {
		names = append(names, r.Str)
	}
	sort.Strings(names)
	for _, n := range names {
		ex.args = append(ex.args, [2]string{n, exampleValue(schema.Get("properties." + gjson.Escape(n)))})
	}
	return ex
}

// exampleValue is a JSON value that fits the property schema p: its first enum value, its
// default, or a value of its type.
func exampleValue(p gjson.Result) string {
	if e := p.Get("enum.0"); e.Exists() {
		return e.Raw
	}
	if d := p.Get("default"); d.Exists() {
		return d.Raw
	}
	switch p.Get("type").Str {
	case "integer", "number":
		return "1"
	case "boolean":
		return "true"
	case "array":
		return "[]"
	case "object":
		return "{}"
	}
	return `"example"`
}

func (ex example) inspectorArgs() string {
	var b strings.Builder
	for _, a := range ex.args {
		v := a[1]
		if s := gjson.Parse(v); s.Type == gjson.String {
			v = s.Str
		}
		fmt.Fprintf(&b, " --tool-arg '%s=%s'", a[0], v)
	}
	return b.String()
}

func (ex example) inspectorHeader() string {
	if ex.header == "" {
		return ""
	}
	return fmt.Sprintf(` --header "%s: <your credential>"`, ex.header)
}

func (ex example) curl(url string) string {
	var args strings.Builder
	for i, a := range ex.args {
		if i > 0 {
			args.WriteByte(',')
		}
		fmt.Fprintf(&args, "%q:%s", a[0], a[1])
	}
	h := ""
	if ex.header != "" {
		h = fmt.Sprintf(" -H '%s: <your credential>'", ex.header)
	}
	return fmt.Sprintf(`curl -s %s -H 'content-type: application/json' -H 'mcp-protocol-version: 2025-11-25'%s `+
		`-d '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"%s","arguments":{%s}}}'`,
		url, h, ex.tool, args.String())
}
