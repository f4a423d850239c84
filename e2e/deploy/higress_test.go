package deploy_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/e2e/examples"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/e2e/gateway"
	yamlv3 "gopkg.in/yaml.v3"
	"sigs.k8s.io/yaml"
)

// wasmPlugin mirrors higress.extensions.v1alpha1.WasmPlugin (api/extensions/v1alpha1/
// wasmplugin.proto in Higress), decoded with unknown fields rejected.
type wasmPlugin struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Metadata   struct {
		Name      string `json:"name"`
		Namespace string `json:"namespace"`
	} `json:"metadata"`
	Spec struct {
		URL                  string          `json:"url"`
		SHA256               string          `json:"sha256"`
		ImagePullPolicy      string          `json:"imagePullPolicy"`
		ImagePullSecret      string          `json:"imagePullSecret"`
		VerificationKey      string          `json:"verificationKey"`
		PluginConfig         json.RawMessage `json:"pluginConfig"`
		PluginName           string          `json:"pluginName"`
		Phase                string          `json:"phase"`
		Priority             *int            `json:"priority"`
		FailStrategy         string          `json:"failStrategy"`
		DefaultConfigDisable bool            `json:"defaultConfigDisable"`
		DefaultConfig        json.RawMessage `json:"defaultConfig"`
		VMConfig             struct {
			Env []struct {
				Name      string `json:"name"`
				ValueFrom string `json:"valueFrom"`
				Value     string `json:"value"`
			} `json:"env"`
		} `json:"vmConfig"`
		MatchRules []struct {
			Ingress       []string        `json:"ingress"`
			Domain        []string        `json:"domain"`
			Service       []string        `json:"service"`
			Config        json.RawMessage `json:"config"`
			ConfigDisable bool            `json:"configDisable"`
		} `json:"matchRules"`
	} `json:"spec"`
}

func loadWasmPlugin(t *testing.T) wasmPlugin {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(readYAMLAsJSON(t, "../higress/wasmplugin.yaml")))
	dec.DisallowUnknownFields()
	var wp wasmPlugin
	if err := dec.Decode(&wp); err != nil {
		t.Fatalf("wasmplugin.yaml: %v", err)
	}
	return wp
}

func TestHigressWasmPlugin(t *testing.T) {
	wp := loadWasmPlugin(t)
	s := wp.Spec
	if wp.APIVersion != "extensions.higress.io/v1alpha1" || wp.Kind != "WasmPlugin" || wp.Metadata.Name == "" {
		t.Errorf("apiVersion %q kind %q name %q", wp.APIVersion, wp.Kind, wp.Metadata.Name)
	}
	if !strings.HasPrefix(s.URL, "oci://") {
		t.Errorf("url %q, want an oci:// image (make image)", s.URL)
	}
	checkEnum(t, "phase", s.Phase, "UNSPECIFIED_PHASE", "AUTHN", "AUTHZ", "STATS")
	checkEnum(t, "imagePullPolicy", s.ImagePullPolicy, "", "UNSPECIFIED_POLICY", "IfNotPresent", "Always")
	checkEnum(t, "failStrategy", s.FailStrategy, "FAIL_CLOSE")
	phase, priority := specPhasePriority(t)
	if s.Phase != phase || s.Priority == nil || *s.Priority != priority {
		t.Errorf("phase %q priority %v, want spec.yaml's %q %d", s.Phase, s.Priority, phase, priority)
	}
	var declared []string
	for _, e := range s.VMConfig.Env {
		if e.ValueFrom != "HOST" || e.Value != "" {
			t.Errorf("vmConfig.env %s: valueFrom %q value %q, want HOST and no inline value", e.Name, e.ValueFrom, e.Value)
		}
		declared = append(declared, e.Name)
	}
	if !bytes.Equal(canonical(t, s.DefaultConfig), demoJSON(t)) {
		t.Errorf("defaultConfig differs from examples/demo.yaml; run go test ./deploy -run Update -update")
	}
	if len(s.MatchRules) != 2 || !slices.Equal(s.MatchRules[0].Ingress, []string{"default/petstore-mcp"}) ||
		!bytes.Equal(canonical(t, s.MatchRules[0].Config), demoJSON(t)) {
		t.Errorf("matchRules[0] must enable demo.yaml on default/petstore-mcp")
	}
	configs := map[string]json.RawMessage{"defaultConfig": s.DefaultConfig}
	for i, r := range s.MatchRules {
		configs[fmt.Sprintf("matchRules[%d].config", i)] = r.Config
	}
	for name, cfg := range configs {
		t.Run(name, func(t *testing.T) {
			env := envFor(t, cfg, declared)
			parseConfig(t, cfg, env)
			g, err := startPlugin(t, cfg, env)
			if err != nil {
				t.Fatalf("the plugin refused %s: %v", name, err)
			}
			g.Close()
		})
	}
}

// TestHigressRules feeds the plugin what Higress makes of the WasmPlugin (defaultConfigDisable:
// only "_rules_", ingress -> _match_route_, domain -> _match_domain_) and checks each rule serves
// its tools and that other routes are left alone.
func TestHigressRules(t *testing.T) {
	wp := loadWasmPlugin(t)
	var rules []map[string]any
	for _, r := range wp.Spec.MatchRules {
		var rule map[string]any
		if err := json.Unmarshal(r.Config, &rule); err != nil {
			t.Fatal(err)
		}
		if len(r.Ingress) > 0 {
			rule["_match_route_"] = r.Ingress
		}
		if len(r.Domain) > 0 {
			rule["_match_domain_"] = r.Domain
		}
		rules = append(rules, rule)
	}
	if !wp.Spec.DefaultConfigDisable {
		t.Fatal("defaultConfigDisable must be true: the MCP server must not take over every route")
	}
	combined, err := json.Marshal(map[string]any{"_rules_": rules})
	if err != nil {
		t.Fatal(err)
	}
	var declared []string
	for _, e := range wp.Spec.VMConfig.Env {
		declared = append(declared, e.Name)
	}
	g, err := startPlugin(t, combined, envFor(t, combined, declared),
		gateway.Route{Name: "default/petstore-mcp", Prefix: "/mcp", Cluster: "petstore"},
		gateway.Route{Name: "default/other", Prefix: "/", Cluster: "petstore"})
	if err != nil {
		t.Fatalf("the plugin refused the Higress rules: %v", err)
	}
	defer g.Close()
	if got := toolsList(t, g, "/mcp", "gateway.example.com"); len(got) != 8 {
		t.Errorf("ingress rule tools = %v, want the 8 demo tools", got)
	}
	if got := toolsList(t, g, "/other", "pets.example.com"); !slices.Equal(got, []string{"list_pets", "get_pet"}) {
		t.Errorf("domain rule tools = %v, want [list_pets get_pet]", got)
	}
	if got := toolsList(t, g, "/other", "gateway.example.com"); got != nil {
		t.Errorf("a route no rule matches got an MCP answer: %v", got)
	}
}

func TestHigressIngress(t *testing.T) {
	data, err := os.ReadFile("../higress/ingress.yaml")
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]map[string]any{}
	dec := yamlv3.NewDecoder(bytes.NewReader(data))
	for {
		var doc map[string]any
		if err := dec.Decode(&doc); err != nil {
			break
		}
		md := doc["metadata"].(map[string]any)
		kinds[doc["kind"].(string)+" "+md["namespace"].(string)+"/"+md["name"].(string)] = doc
	}
	for _, want := range []string{"Secret default/petstore-demo-secrets", "Secret higress-system/petstore-demo-secrets", "Deployment default/petstore", "Service default/petstore", "Ingress default/petstore-mcp"} {
		if kinds[want] == nil {
			t.Errorf("ingress.yaml lacks %s (have %v)", want, sorted(keys(kinds)))
		}
	}
	j, _ := json.Marshal(kinds["Ingress default/petstore-mcp"])
	if !bytes.Contains(j, []byte(`"path":"/mcp"`)) || !bytes.Contains(j, []byte(`"name":"petstore","port":{"number":8080}`)) {
		t.Errorf("the Ingress must send /mcp to service petstore:8080: %s", j)
	}
	secrets := examples.Secrets()
	for _, ns := range []string{"default", "higress-system"} {
		secret, _ := json.Marshal(kinds["Secret "+ns+"/petstore-demo-secrets"])
		for _, e := range loadWasmPlugin(t).Spec.VMConfig.Env {
			if !bytes.Contains(secret, []byte(`"`+e.Name+`":"`+secrets[e.Name]+`"`)) && os.Getenv(e.Name) == "" {
				t.Errorf("Secret %s/petstore-demo-secrets lacks %s with the demo value", ns, e.Name)
			}
		}
	}
}

func checkEnum(t *testing.T, field, got string, allowed ...string) {
	t.Helper()
	if !slices.Contains(allowed, got) {
		t.Errorf("%s %q, want one of %q", field, got, allowed)
	}
}

// specPhasePriority reads spec.phase and spec.priority from the repository's spec.yaml.
func specPhasePriority(t *testing.T) (string, int) {
	t.Helper()
	data, err := os.ReadFile(repo("spec.yaml"))
	if err != nil {
		t.Skipf("spec.yaml: %v", err)
	}
	var spec struct {
		Spec struct {
			Phase    string `json:"phase"`
			Priority int    `json:"priority"`
		} `json:"spec"`
	}
	if err := yaml.Unmarshal(data, &spec); err != nil {
		t.Fatal(err)
	}
	return spec.Spec.Phase, spec.Spec.Priority
}
