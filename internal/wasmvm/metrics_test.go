package wasmvm

import (
	"reflect"
	"testing"
)

// TestMetricsAreProcessWide: two VMs defining one name get one id and count into one value,
// as Envoy's workers do; unknown ids are NotFound.
func TestMetricsAreProcessWide(t *testing.T) {
	m := NewMetrics()
	a, b := m.define("mcp_rest_bridge.x.requests"), m.define("mcp_rest_bridge.a.requests")
	if again := m.define("mcp_rest_bridge.x.requests"); again != a || a == b {
		t.Fatalf("ids %d %d %d", a, b, again)
	}
	fns := map[string]any{}
	m.hostFunctions(fns)
	inc := fns["proxy_increment_metric"].(func(uint32, int64) uint32)
	rec := fns["proxy_record_metric"].(func(uint32, uint64) uint32)
	if inc(a, 2) != uint32(StatusOK) || inc(a, 1) != uint32(StatusOK) || rec(b, 7) != uint32(StatusOK) {
		t.Fatal("update refused")
	}
	if inc(99, 1) != uint32(StatusNotFound) || rec(99, 1) != uint32(StatusNotFound) {
		t.Fatal("unknown id accepted")
	}
	want := []Stat{{"wasmcustom.mcp_rest_bridge.a.requests", 7}, {"wasmcustom.mcp_rest_bridge.x.requests", 3}}
	if got := m.Snapshot(); !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
}
