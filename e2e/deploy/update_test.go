package deploy_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/e2e/examples"
)

// go test ./deploy -run Update -update re-embeds examples/demo.yaml into envoy.yaml (as JSON)
// and into the WasmPlugin's defaultConfig (as YAML), after demo.yaml changed.
var update = flag.Bool("update", false, "re-embed examples/demo.yaml into the deployment files")

var (
	envoyValue   = regexp.MustCompile(`(?s)(\n( +)value: \|\n).*?(\n +- name: envoy\.filters\.http\.router)`)
	higressValue = regexp.MustCompile(`(?s)(\n  defaultConfig: &petstore\n).*?(\n  matchRules:)`)
)

func TestUpdateEmbeddedConfigs(t *testing.T) {
	if !*update {
		t.Skip("run with -update to re-embed examples/demo.yaml")
	}
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, demoJSON(t), "", "  "); err != nil {
		t.Fatal(err)
	}
	rewrite(t, envoyYAML, envoyValue, func(m []string) string {
		return m[1] + indent(pretty.String(), len(m[2])+2) + m[3]
	})
	demo := string(examples.DemoYAML)
	body := strings.TrimRight(demo[strings.Index(demo, "server:"):], "\n")
	rewrite(t, "../higress/wasmplugin.yaml", higressValue, func(m []string) string {
		return m[1] + indent(body, 4) + m[2]
	})
}

func rewrite(t *testing.T, path string, re *regexp.Regexp, repl func([]string) string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	m := re.FindStringSubmatch(string(data))
	if m == nil {
		t.Fatalf("%s: embedded config not found", path)
	}
	out := strings.Replace(string(data), m[0], repl(m), 1)
	if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
}

func indent(s string, n int) string {
	pad := strings.Repeat(" ", n)
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = pad + l
		}
	}
	return strings.Join(lines, "\n")
}
