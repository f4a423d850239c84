package wasmsize

import "testing"

// A `go list -deps -f ListFormat` excerpt of the plugin, wasip1.
const goList = `runtime runtime 
url net/url 
fiat crypto/internal/fips140/nistec/fiat 
json encoding/json 
yaml gopkg.in/yaml.v3 gopkg.in/yaml.v3
mergo dario.cat/mergo dario.cat/mergo
sprig github.com/Masterminds/sprig/v3 github.com/Masterminds/sprig/v3
wrapper github.com/higress-group/wasm-go/pkg/wrapper github.com/higress-group/wasm-go
gjson github.com/tidwall/gjson github.com/tidwall/gjson
rest github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/rest github.com/mcp-rest-bridge/mcp-rest-bridge
main github.com/mcp-rest-bridge/mcp-rest-bridge/plugin github.com/mcp-rest-bridge/mcp-rest-bridge
`

func TestPackageAndModuleOf(t *testing.T) {
	p := ParsePackages(goList)
	for _, c := range []struct{ sym, pkg, mod string }{
		{"runtime.mallocgc", "runtime", "std"},
		{"net_url.__URL_.String", "net/url", "std"},
		{"crypto_internal_fips140_nistec_fiat.p521Mul", "crypto/internal/fips140/nistec/fiat", "std"},
		{"encoding_json.__decodeState_.literalStore", "encoding/json", "std"},
		{"github.com_Masterminds_sprig_v3.init", "github.com/Masterminds/sprig/v3", "github.com/Masterminds/sprig/v3"},
		{"dario.cat_mergo.deepMerge", "dario.cat/mergo", "dario.cat/mergo"},
		{"gopkg.in_yaml.v3.__parser_.parse", "gopkg.in/yaml.v3", "gopkg.in/yaml.v3"},
		{"github.com_mcp_rest_bridge_mcp_rest_bridge_pkg_rest.__compiler_.compileArg", "github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/rest", "github.com/mcp-rest-bridge/mcp-rest-bridge"},
		// A generic instantiation: its type arguments name other packages.
		{"github.com_higress_group_wasm_go_pkg_wrapper.__CommonHttpCtx_go.shape.struct___main.cfg__github.com_tidwall_gjson.Result___.OnHttpRequestHeaders", "github.com/higress-group/wasm-go/pkg/wrapper", "github.com/higress-group/wasm-go"},
		{"main.onRequestHeaders", "main", "github.com/mcp-rest-bridge/mcp-rest-bridge"},
		{"type_.eq.github.com_tidwall_gjson.Result", "github.com/tidwall/gjson", "github.com/tidwall/gjson"},
		{"type_.eq.__2_interface__", Generated, Generated},
		{"go_buildid", Generated, Generated},
		// Not in the list: a standard package, or a guess.
		{"unicode.map.init.2", "unicode", "std"},
	} {
		pkg := p.PackageOf(c.sym)
		if pkg != c.pkg {
			t.Errorf("PackageOf(%q) = %q, want %q", c.sym, pkg, c.pkg)
		}
		if mod := p.ModuleOf(pkg); mod != c.mod {
			t.Errorf("ModuleOf(%q) = %q, want %q", pkg, mod, c.mod)
		}
	}
}

func TestMangle(t *testing.T) {
	for in, want := range map[string]string{
		"net/url.(*URL).String":                "net_url.__URL_.String",
		"github.com/Masterminds/sprig/v3.init": "github.com_Masterminds_sprig_v3.init",
		"slices.Sort[go.shape.string]":         "slices.Sort_go.shape.string_",
		"github.com/mcp-rest-bridge/x.F":       "github.com_mcp_rest_bridge_x.F",
	} {
		if got := Mangle(in); got != want {
			t.Errorf("Mangle(%q) = %q, want %q", in, got, want)
		}
	}
}
