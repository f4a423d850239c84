package deploy_test

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	bootstrapv3 "github.com/envoyproxy/go-control-plane/envoy/config/bootstrap/v3"
	clusterv3 "github.com/envoyproxy/go-control-plane/envoy/config/cluster/v3"
	listenerv3 "github.com/envoyproxy/go-control-plane/envoy/config/listener/v3"
	routev3 "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
	wasmfilterv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/wasm/v3"
	hcmv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/http_connection_manager/v3"
	wasmv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/wasm/v3"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/types/known/wrapperspb"

	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/router/v3" // typed_config
)

const envoyYAML = "../envoy/envoy.yaml"

// loadBootstrap parses envoy.yaml strictly (unknown fields and unknown @types fail) and runs the
// proto validation rules Envoy applies.
func loadBootstrap(t *testing.T, j []byte) *bootstrapv3.Bootstrap {
	t.Helper()
	var b bootstrapv3.Bootstrap
	if err := (protojson.UnmarshalOptions{DiscardUnknown: false}).Unmarshal(j, &b); err != nil {
		t.Fatalf("envoy.yaml is not a valid v3 Bootstrap: %v", err)
	}
	if err := b.ValidateAll(); err != nil {
		t.Fatalf("envoy.yaml fails validation: %v", err)
	}
	return &b
}

// envoyParts digs the pieces the tests check out of the bootstrap.
type envoyParts struct {
	listener *listenerv3.Listener
	hcm      *hcmv3.HttpConnectionManager
	filters  []string
	wasm     *wasmv3.PluginConfig
	routes   []*routev3.Route
	cluster  *clusterv3.Cluster
	config   []byte // the plugin configuration (StringValue)
}

func parseEnvoy(t *testing.T) envoyParts {
	t.Helper()
	b := loadBootstrap(t, readYAMLAsJSON(t, envoyYAML))
	var p envoyParts
	if n := len(b.StaticResources.Listeners); n != 1 {
		t.Fatalf("%d listeners, want 1", n)
	}
	p.listener = b.StaticResources.Listeners[0]
	p.hcm = &hcmv3.HttpConnectionManager{}
	if err := p.listener.FilterChains[0].Filters[0].GetTypedConfig().UnmarshalTo(p.hcm); err != nil {
		t.Fatalf("http_connection_manager: %v", err)
	}
	if err := p.hcm.ValidateAll(); err != nil {
		t.Fatalf("http_connection_manager: %v", err)
	}
	for _, f := range p.hcm.HttpFilters {
		p.filters = append(p.filters, f.Name)
		if f.Name != "envoy.filters.http.wasm" {
			continue
		}
		var w wasmfilterv3.Wasm
		if err := f.GetTypedConfig().UnmarshalTo(&w); err != nil {
			t.Fatalf("wasm filter: %v", err)
		}
		if err := w.ValidateAll(); err != nil {
			t.Fatalf("wasm filter: %v", err)
		}
		p.wasm = w.Config
		var sv wrapperspb.StringValue
		if err := w.Config.GetConfiguration().UnmarshalTo(&sv); err != nil {
			t.Fatalf("wasm configuration must be a google.protobuf.StringValue: %v", err)
		}
		p.config = []byte(sv.Value)
	}
	p.routes = p.hcm.GetRouteConfig().GetVirtualHosts()[0].GetRoutes()
	for _, c := range b.StaticResources.Clusters {
		if c.Name == "petstore" {
			p.cluster = c
		}
	}
	return p
}

func TestEnvoyBootstrap(t *testing.T) {
	p := parseEnvoy(t)
	if port := p.listener.GetAddress().GetSocketAddress().GetPortValue(); port != 10000 {
		t.Errorf("listener port %d, want 10000 (docker-compose publishes it)", port)
	}
	if !slices.Equal(p.filters, []string{"envoy.filters.http.wasm", "envoy.filters.http.router"}) {
		t.Errorf("http_filters = %v, want the wasm filter then the router", p.filters)
	}
	if p.wasm == nil {
		t.Fatal("no wasm filter")
	}
	vm := p.wasm.GetVmConfig()
	if vm.GetRuntime() != "envoy.wasm.runtime.v8" || vm.GetCode().GetLocal().GetFilename() != "/etc/envoy/plugin.wasm" {
		t.Errorf("vm_config runtime %q code %q", vm.GetRuntime(), vm.GetCode().GetLocal().GetFilename())
	}
	if p.wasm.GetFailurePolicy() != wasmv3.FailurePolicy_FAIL_CLOSED {
		t.Errorf("failure_policy = %v, want FAIL_CLOSED (a credential plugin must not fail open)", p.wasm.GetFailurePolicy())
	}
	if kv := vm.GetEnvironmentVariables().GetKeyValues(); len(kv) != 0 {
		t.Errorf("environment_variables.key_values holds literal values %v; pass secrets with host_env_keys", sorted(keys(kv)))
	}
	if p.cluster == nil {
		t.Fatal("no petstore cluster")
	}
	ep := p.cluster.GetLoadAssignment().GetEndpoints()[0].GetLbEndpoints()[0].GetEndpoint().GetAddress().GetSocketAddress()
	if ep.GetAddress() != "petstore" || ep.GetPortValue() != 8080 {
		t.Errorf("petstore endpoint %s:%d, want the compose service petstore:8080", ep.GetAddress(), ep.GetPortValue())
	}
	mcp := p.routes[0]
	if mcp.GetMatch().GetPath() != "/mcp" || mcp.GetRoute().GetCluster() != "petstore" || mcp.GetRoute().GetHostRewriteLiteral() == "" {
		t.Errorf("first route = %v, want /mcp -> petstore with a host rewrite", mcp)
	}
}

func TestEnvoyPluginConfig(t *testing.T) {
	p := parseEnvoy(t)
	if !bytes.Equal(canonical(t, p.config), demoJSON(t)) {
		t.Fatalf("the plugin configuration in envoy.yaml differs from examples/demo.yaml; run go test ./deploy -run Update -update")
	}
	declared := p.wasm.GetVmConfig().GetEnvironmentVariables().GetHostEnvKeys()
	env := envFor(t, p.config, declared)
	c := parseConfig(t, p.config, env)
	if len(c.Tools) != 8 {
		t.Errorf("config.Parse found %d tools, want 8", len(c.Tools))
	}
	g, err := startPlugin(t, p.config, env)
	if err != nil {
		t.Fatalf("the plugin refused envoy.yaml's configuration: %v", err)
	}
	names := toolsList(t, g, "/mcp", "localhost:10000")
	g.Close()
	if len(names) != 8 {
		t.Errorf("tools/list through the plugin = %v", names)
	}

	// Without the environment Envoy is told to pass, the plugin must refuse to start.
	delete(env, declared[0])
	if g, err := startPlugin(t, p.config, env); err == nil {
		g.Close()
		t.Errorf("the plugin started without %s", declared[0])
	} else if !strings.Contains(err.Error(), declared[0]) {
		t.Errorf("start error does not name the missing variable %s: %v", declared[0], err)
	}
}

// TestEnvoyParsingIsStrict proves the bootstrap check can fail: an unknown field is rejected.
func TestEnvoyParsingIsStrict(t *testing.T) {
	j := readYAMLAsJSON(t, envoyYAML)
	bad := bytes.Replace(j, []byte(`"stat_prefix":"mcp"`), []byte(`"stat_prefix":"mcp","stat_prefx":"typo"`), 1)
	if bytes.Equal(bad, j) {
		t.Fatal("could not inject the unknown field")
	}
	var b bootstrapv3.Bootstrap
	if err := (protojson.UnmarshalOptions{}).Unmarshal(bad, &b); err == nil || !strings.Contains(err.Error(), "stat_prefx") {
		t.Errorf("unknown field accepted: %v", err)
	}
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
