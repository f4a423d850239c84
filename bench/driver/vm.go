package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	_ "unsafe" // go:linkname

	"github.com/higress-group/proxy-wasm-go-sdk/proxywasm/types"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
)

// proxytest.NewWasmVMContext always uses wazero's default engine, cannot share a
// compilation cache and gives the module no environment. Under callgrind the
// default engine compiles the 6+ MB Go module in ~30 G instructions (minutes),
// so the driver builds its own runtime and reuses proxytest's host ABI (the
// proxy_* imports that forward to the host emulator) as is. The SDK version is
// pinned in go.mod; TestDriverNoop exercises this path.
//
//go:linkname exportHostABI github.com/higress-group/proxy-wasm-go-sdk/proxywasm/proxytest.exportHostABI
func exportHostABI(ctx context.Context, r wazero.Runtime) error

type vmOptions struct {
	runtime  string   // "compiler" or "interpreter"
	cacheDir string   // compiler only: on-disk compilation cache ("" = none)
	env      []string // KEY=VALUE pairs for the module's environment (Envoy vm_config.environment_variables)
	clock    string   // "virtual", "real" or "fake": see the -clock flag
	alignGC  bool     // run the guest with GODEBUG=gctrace=1 and count its GC cycles
}

// wasmVM implements types.VMContext, types.PluginContext and types.HttpContext
// by calling the guest's proxy_on_* exports. One plugin context, as in proxytest.
type wasmVM struct {
	ctx      context.Context
	runtime  wazero.Runtime
	mod      api.Module
	exports  map[string]api.Function
	pluginID uint64
	gc       *gcCounter
	clock    *virtualClock
}

// virtualClock is the guest's clock in -clock virtual: it stands still while
// the plugin runs and moves by requestTime between requests. The guest's Go
// runtime times its GC with it (pacer, GC CPU limiter); with real time under
// callgrind, or wazero's fake clock (+1 ms per reading), assist time looked
// huge, the limiter switched assists off and, as no background mark worker
// runs between host calls, a GC cycle could stay open for 20000+ requests.
type virtualClock struct{ ns int64 }

const requestTime = 100_000 // ns per request, a busy Envoy worker's order of magnitude

func (c *virtualClock) nanotime() int64 { return c.ns }
func (c *virtualClock) walltime() (int64, int32) {
	const epoch = 1_763_900_000 // fixed start, Nov 2025
	return epoch + c.ns/1e9, int32(c.ns % 1e9)
}
func (c *virtualClock) tick() { c.ns += requestTime }

func (v *wasmVM) gcCycles() int { return v.gc.cycles }

// gcCounter counts the guest's gctrace lines ("gc 12 @3.4s ...": one per
// finished GC cycle) and passes anything else on. The Go runtime prints a
// line in pieces, so it tracks where lines start.
type gcCounter struct {
	pass      io.Writer
	lineStart bool
	inTrace   bool
	cycles    int
}

func (c *gcCounter) Write(p []byte) (int, error) {
	if c.lineStart {
		c.inTrace = bytes.HasPrefix(p, []byte("gc "))
		if c.inTrace {
			c.cycles++
		}
	}
	c.lineStart = len(p) > 0 && p[len(p)-1] == '\n'
	if !c.inTrace {
		return c.pass.Write(p)
	}
	return len(p), nil
}

func newVM(wasm []byte, o vmOptions) (*wasmVM, error) {
	ctx := context.Background()
	rc := wazero.NewRuntimeConfigCompiler()
	if o.runtime == "interpreter" {
		rc = wazero.NewRuntimeConfigInterpreter()
	} else if o.cacheDir != "" {
		cache, err := wazero.NewCompilationCacheWithDir(o.cacheDir)
		if err != nil {
			return nil, err
		}
		rc = rc.WithCompilationCache(cache)
	}
	r := wazero.NewRuntimeWithConfig(ctx, rc)
	if _, err := wasi_snapshot_preview1.Instantiate(ctx, r); err != nil {
		return nil, err
	}
	if err := exportHostABI(ctx, r); err != nil {
		return nil, err
	}
	compiled, err := r.CompileModule(ctx, wasm)
	if err != nil {
		return nil, err
	}
	mc := wazero.NewModuleConfig().
		WithStartFunctions("_initialize", "_start", "main").
		WithStdout(os.Stderr).
		WithStderr(os.Stderr)
	gc := &gcCounter{pass: os.Stderr, lineStart: true}
	if o.alignGC {
		mc = mc.WithStderr(gc).WithEnv("GODEBUG", "gctrace=1")
	}
	vclock := &virtualClock{ns: 1e9} // the Go runtime refuses a zero nanotime
	switch o.clock {
	case "real":
		mc = mc.WithSysWalltime().WithSysNanotime().WithSysNanosleep()
	case "virtual":
		mc = mc.WithNanotime(vclock.nanotime, 1).WithWalltime(vclock.walltime, 1)
	}
	for _, kv := range o.env {
		k, v, _ := strings.Cut(kv, "=")
		mc = mc.WithEnv(k, v)
	}
	mod, err := r.InstantiateModule(ctx, compiled, mc)
	if err != nil {
		return nil, err
	}
	return &wasmVM{ctx: ctx, runtime: r, mod: mod, exports: map[string]api.Function{}, gc: gc, clock: vclock}, nil
}

func (v *wasmVM) Close() error { return v.runtime.Close(v.ctx) }

// call invokes a guest export; a trap is fatal for the run, as in proxytest.
func (v *wasmVM) call(name string, args ...uint64) uint64 {
	fn, ok := v.exports[name]
	if !ok {
		if fn = v.mod.ExportedFunction(name); fn == nil {
			panic(fmt.Sprintf("driver: wasm module does not export %s", name))
		}
		v.exports[name] = fn
	}
	res, err := fn.Call(v.ctx, args...)
	if err != nil {
		panic(fmt.Sprintf("driver: %s: %v", name, err))
	}
	if len(res) == 0 {
		return 0
	}
	return res[0]
}

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

// types.VMContext
func (v *wasmVM) OnVMStart(size int) types.OnVMStartStatus {
	return v.call("proxy_on_vm_start", 0, uint64(size)) == 1
}
func (v *wasmVM) NewPluginContext(id uint32) types.PluginContext {
	v.pluginID = uint64(id)
	v.call("proxy_on_context_create", uint64(id), 0)
	return v
}

// types.PluginContext
func (v *wasmVM) OnPluginStart(size int) types.OnPluginStartStatus {
	return v.call("proxy_on_configure", v.pluginID, uint64(size)) == 1
}
func (v *wasmVM) OnPluginDone() bool { return v.call("proxy_on_done", v.pluginID) == 1 }
func (v *wasmVM) OnQueueReady(queueID uint32) {
	v.call("proxy_on_queue_ready", v.pluginID, uint64(queueID))
}
func (v *wasmVM) OnTick()                               { v.call("proxy_on_tick", v.pluginID) }
func (v *wasmVM) NewTcpContext(uint32) types.TcpContext { return nil }
func (v *wasmVM) NewHttpContext(id uint32) types.HttpContext {
	v.call("proxy_on_context_create", uint64(id), v.pluginID)
	return &wasmHTTP{vm: v, id: uint64(id)}
}

type wasmHTTP struct {
	vm *wasmVM
	id uint64
}

func (h *wasmHTTP) action(name string, args ...uint64) types.Action {
	return types.Action(h.vm.call(name, append([]uint64{h.id}, args...)...))
}

// types.HttpContext
func (h *wasmHTTP) OnHttpRequestHeaders(n int, eos bool) types.Action {
	return h.action("proxy_on_request_headers", uint64(n), b2u(eos))
}
func (h *wasmHTTP) OnHttpRequestBody(n int, eos bool) types.Action {
	return h.action("proxy_on_request_body", uint64(n), b2u(eos))
}
func (h *wasmHTTP) OnHttpRequestTrailers(n int) types.Action {
	return h.action("proxy_on_request_trailers", uint64(n))
}
func (h *wasmHTTP) OnHttpResponseHeaders(n int, eos bool) types.Action {
	return h.action("proxy_on_response_headers", uint64(n), b2u(eos))
}
func (h *wasmHTTP) OnHttpResponseBody(n int, eos bool) types.Action {
	return h.action("proxy_on_response_body", uint64(n), b2u(eos))
}
func (h *wasmHTTP) OnHttpResponseTrailers(n int) types.Action {
	return h.action("proxy_on_response_trailers", uint64(n))
}

// OnHttpStreamDone is where proxytest ends a stream (CompleteHttpContext). Envoy
// then calls proxy_on_log, proxy_on_done and proxy_on_delete; proxytest's own
// wasm wrapper stops after proxy_on_log, so the guest never drops its per-stream
// state and the plugin's heap (and its GC work) grows with every request.
func (h *wasmHTTP) OnHttpStreamDone() {
	h.vm.call("proxy_on_log", h.id)
	h.vm.call("proxy_on_done", h.id)
	h.vm.call("proxy_on_delete", h.id)
}
