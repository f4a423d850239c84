package main

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// A callgrind profile in the shape valgrind 3.19 writes for the driver: a
// native function, JIT code known only by address, a host-call trampoline,
// name compression, subposition compression and an inclusive call cost.
func fakeProfile(mallocSelf, calls string) string {
	return `version: 1
creator: callgrind-3.19.0
positions: line
events: Ir
summary: 9999

ob=(1) /work/main/build/bench/driver
fl=(1) /go/src/reflect/value.go
fn=(1) reflect.Value.call
10 100
+2 50
cfn=(2) 0x0000000051000010
calls=` + calls + ` 0
12 7000

ob=(2)
fl=(2) ???
fn=(2)
0 ` + mallocSelf + `
cfn=(3) 0x0000000052000000
calls=` + calls + ` 0
* 900
fn=(3)
0 30
fn=(5) github.com/tetratelabs/wazero/internal/engine/wazevo/backend/isa/amd64.afterGoFunctionCallEntrypoint.abi0
0 5
cfn=(3)
calls=` + calls + ` 0
* 900
fn=(4) 0x0000000052000010'2
0 1

totals: ` + mallocSelf + `0
`
}

const fakeSymbols = "51000000 100 runtime.mallocgc\n52000000 150 host:env.proxy_get_header_map_value\n"

func TestParseAndDiff(t *testing.T) {
	dir := t.TempDir()
	symPath := filepath.Join(dir, "x.sym")
	if err := os.WriteFile(symPath, []byte(fakeSymbols), 0o644); err != nil {
		t.Fatal(err)
	}
	syms, err := loadSymbols(symPath)
	if err != nil {
		t.Fatal(err)
	}
	a, err := parse(fakeProfile("1000", "4"), syms)
	if err != nil {
		t.Fatal(err)
	}
	wantSelf := map[string]int64{"reflect.Value.call": 150, "wasm:runtime.mallocgc": 1000, "host:env.proxy_get_header_map_value": 31,
		"github.com/tetratelabs/wazero/internal/engine/wazevo/backend/isa/amd64.afterGoFunctionCallEntrypoint.abi0": 5}
	if !reflect.DeepEqual(a.self, wantSelf) {
		t.Errorf("self = %v, want %v", a.self, wantSelf)
	}
	if a.total != 10000 || a.calls["host:env.proxy_get_header_map_value"] != 4 {
		t.Errorf("total %d, host calls %d; want 10000, 4", a.total, a.calls["host:env.proxy_get_header_map_value"])
	}
	b, err := parse(fakeProfile("5000", "12"), syms)
	if err != nil {
		t.Fatal(err)
	}
	d := diff(a, b, 4) // the second run counted 4 requests more
	if d.self["wasm:runtime.mallocgc"] != 1000 || d.calls["host:env.proxy_get_header_map_value"] != 2 || d.total != 10000 {
		t.Errorf("per request: malloc %v, host calls %v, total %v; want 1000, 2, 10000",
			d.self["wasm:runtime.mallocgc"], d.calls["host:env.proxy_get_header_map_value"], d.total)
	}
	if d.allocs["reflect.Value.call -> mallocgc"] != 2 {
		t.Errorf("allocs = %v, want reflect.Value.call -> mallocgc: 2", d.allocs)
	}
}

func TestRenameKeepsEverythingButNames(t *testing.T) {
	syms := &symtab{start: []uint64{0x51000000}, size: []uint64{0x100}, names: []string{"main.onRequestBody"}}
	in := "fn=(2) 0x0000000051000010\ncfn=(9) 0x0000000099000000\n0 5\nfn=(2)\n"
	want := "fn=(2) wasm:main.onRequestBody\ncfn=(9) 0x0000000099000000\n0 5\nfn=(2)\n"
	if got := rename(in, syms); got != want {
		t.Fatalf("rename:\n%s\nwant:\n%s", got, want)
	}
}

func TestPkgOfAndShort(t *testing.T) {
	tests := []struct{ name, pkg, short string }{
		{"wasm:github.com_tidwall_gjson.Result.Get", "github.com_tidwall_gjson", "wasm:tidwall/gjson.Result.Get"},
		{"wasm:runtime.mallocgcTiny", "runtime: malloc/GC/memmove", "wasm:runtime.mallocgcTiny"},
		{"wasm:runtime.__mspan_.writeHeapBitsSmall", "runtime", "wasm:runtime.__mspan_.writeHeapBitsSmall"},
		{"wasm:internal_runtime_atomic.Load8", "internal_runtime_atomic", "wasm:internal_runtime_atomic.Load8"},
		{"wasm:github.com_higress_group_wasm_go_pkg_wrapper.__CommonHttpCtx_go.shape.struct___main.cfg__x.Server____.SetRequestBodyBufferLimit",
			"github.com_higress_group_wasm_go_pkg_wrapper", "wasm:wasm-go/wrapper.__CommonHttpCtx[…].SetRequestBodyBufferLimit"},
		{"0x0000000051000010", "(unnamed JIT code)", "0x0000000051000010"},
	}
	for _, tt := range tests {
		if got := pkgOf(tt.name); got != tt.pkg {
			t.Errorf("pkgOf(%q) = %q, want %q", tt.name, got, tt.pkg)
		}
		if got := short(tt.name); got != tt.short {
			t.Errorf("short(%q) = %q, want %q", tt.name, got, tt.short)
		}
	}
}
