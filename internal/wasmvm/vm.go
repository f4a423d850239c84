// Package wasmvm runs a compiled proxy-wasm plugin (.wasm) in wazero behind the
// proxytest host emulator: a types.VMContext that calls the guest's proxy_on_*
// exports, like proxytest.NewWasmVMContext, but with what that one cannot set:
// the engine, a compilation cache, the module's environment (Envoy's
// vm_config.environment_variables reach the plugin through WASI environ), the
// clock and randomness, its stdout/stderr, and Envoy's stream end. Used by the
// bench driver (bench/driver) and the e2e gateway (e2e/gateway).
package wasmvm

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	_ "unsafe" // go:linkname

	"github.com/higress-group/proxy-wasm-go-sdk/proxywasm/proxytest"
	"github.com/higress-group/proxy-wasm-go-sdk/proxywasm/types"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
	"github.com/tetratelabs/wazero/sys"
)

// The VM reuses proxytest's host ABI (the proxy_* imports that forward to the
// host emulator) through two linknames; the SDK version is pinned in go.mod and
// the symbols are checked at link time (the driver and gateway tests run this).
//
//go:linkname exportHostABI github.com/higress-group/proxy-wasm-go-sdk/proxywasm/proxytest.exportHostABI
func exportHostABI(ctx context.Context, r wazero.Runtime) error

//go:linkname withPluginContextID github.com/higress-group/proxy-wasm-go-sdk/proxywasm/proxytest.withPluginContextID
func withPluginContextID(ctx context.Context, id uint32) context.Context

// keep proxytest linked in even if a build only reaches it through the linknames.
var _ = proxytest.NewEmulatorOption

// Options configure a VM. The zero value is proxytest's VM: wazero's default
// engine without a cache, an empty environment, wazero's fake clock and
// randomness, output to os.Stderr, proxy_on_log only at stream end.
type Options struct {
	Interpreter bool                    // wazero's interpreter instead of its default engine (the compiler where supported)
	Cache       wazero.CompilationCache // nil: none; see SharedCache
	Env         []string                // KEY=VALUE pairs, in this order, for the module's environment

	// The guest's clock: the host's (with sleeps) if RealClock, else Nanotime and
	// Walltime where set, else wazero's fake clock (+1 ms per reading).
	RealClock bool
	Nanotime  sys.Nanotime
	Walltime  sys.Walltime
	Rand      io.Reader // the guest's randomness; nil: wazero's deterministic source

	Stdout, Stderr io.Writer // the guest's; nil: os.Stderr

	// CopyHostReads makes proxytest's host functions copy what they read from
	// guest memory instead of keeping views of it (see hostabi.go).
	CopyHostReads bool

	// SharedData, when set, serves proxy_get_shared_data and proxy_set_shared_data from this
	// store, in the namespace VMID, with Envoy's semantics (see SharedData), instead of
	// proxytest's per-emulator map. VMs given the same store and VMID share their data, like
	// the worker VMs of one Envoy process.
	SharedData *SharedData
	VMID       string // Envoy's vm_config.vm_id

	// Metrics, when set, serves the metric host functions from this process-wide store,
	// where VMs given the same store count into the same metrics (see Metrics).
	Metrics *Metrics

	// RedisInit, when set, serves Higress's proxy_redis_init (proxytest's accepts any cluster).
	RedisInit func(cluster, username, password string, timeoutMillis uint32) Status

	// LiveContext, when set, makes proxy_set_effective_context answer BadArgument for a context
	// that is not live (a finished stream), as Envoy does; proxytest accepts any id.
	LiveContext func(id uint32) bool

	// EnvoyStreamEnd makes the end of a stream (proxytest's CompleteHttpContext)
	// call proxy_on_log, proxy_on_done and proxy_on_delete, as Envoy does;
	// without it only proxy_on_log, as proxytest (see DeleteContext).
	EnvoyStreamEnd bool
}

// Trap is the panic value of a call into the module that failed (a Go panic
// inside the plugin, an unreachable, a closed module). As in proxytest, calls
// do not return errors: the host emulator has no way to pass them on.
type Trap struct {
	Func string // the export called
	Err  error
}

func (t Trap) Error() string { return fmt.Sprintf("wasm trap: %s: %v", t.Func, t.Err) }
func (t Trap) Unwrap() error { return t.Err }

// export is a guest function; fn is nil if the module does not export it.
type export struct {
	name string
	fn   api.Function
}

type guestABI struct {
	onVMStart, onContextCreate, onConfigure, onDone, onQueueReady, onTick export
	onRequestHeaders, onRequestBody, onRequestTrailers                    export
	onResponseHeaders, onResponseBody, onResponseTrailers                 export
	onLog, onDelete                                                       export
}

// VM implements types.VMContext by calling the guest's exports; it makes one
// plugin context at a time, as proxytest does.
type VM struct {
	runtime   wazero.Runtime
	mod       api.Module
	abi       guestABI
	ctx       context.Context
	streamEnd bool
	startErr  error
}

// New compiles and instantiates the plugin. Close the VM when done.
func New(wasm []byte, o Options) (*VM, error) {
	ctx := context.Background()
	rc := wazero.NewRuntimeConfig()
	if o.Interpreter {
		rc = wazero.NewRuntimeConfigInterpreter()
	}
	if o.Cache != nil {
		rc = rc.WithCompilationCache(o.Cache)
	}
	r := wazero.NewRuntimeWithConfig(ctx, rc)
	if _, err := wasi_snapshot_preview1.Instantiate(ctx, r); err != nil {
		return nil, closeWith(ctx, r, fmt.Errorf("wasi: %w", err))
	}
	var hostRuntime wazero.Runtime = r
	if overrides := o.hostOverrides(); o.CopyHostReads || len(overrides) > 0 {
		hostRuntime = copyingRuntime{Runtime: r, copyReads: o.CopyHostReads, overrides: overrides}
	}
	if err := exportHostABI(ctx, hostRuntime); err != nil {
		return nil, closeWith(ctx, r, fmt.Errorf("host abi: %w", err))
	}
	compiled, err := r.CompileModule(ctx, wasm)
	if err != nil {
		return nil, closeWith(ctx, r, fmt.Errorf("compile plugin: %w", err))
	}
	mc := wazero.NewModuleConfig().
		WithStartFunctions("_initialize", "_start", "main").
		WithStdout(orStderr(o.Stdout)).
		WithStderr(orStderr(o.Stderr))
	switch {
	case o.RealClock:
		mc = mc.WithSysWalltime().WithSysNanotime().WithSysNanosleep()
	default:
		if o.Nanotime != nil {
			mc = mc.WithNanotime(o.Nanotime, 1)
		}
		if o.Walltime != nil {
			mc = mc.WithWalltime(o.Walltime, 1)
		}
	}
	if o.Rand != nil {
		mc = mc.WithRandSource(o.Rand)
	}
	for _, kv := range o.Env {
		k, v, _ := strings.Cut(kv, "=")
		mc = mc.WithEnv(k, v)
	}
	mod, err := r.InstantiateModule(ctx, compiled, mc)
	if err != nil {
		return nil, closeWith(ctx, r, fmt.Errorf("instantiate plugin: %w", err))
	}
	f := func(name string) export { return export{name, mod.ExportedFunction(name)} }
	abi := guestABI{
		onVMStart: f("proxy_on_vm_start"), onContextCreate: f("proxy_on_context_create"),
		onConfigure: f("proxy_on_configure"), onDone: f("proxy_on_done"),
		onQueueReady: f("proxy_on_queue_ready"), onTick: f("proxy_on_tick"),
		onRequestHeaders: f("proxy_on_request_headers"), onRequestBody: f("proxy_on_request_body"),
		onRequestTrailers: f("proxy_on_request_trailers"), onResponseHeaders: f("proxy_on_response_headers"),
		onResponseBody: f("proxy_on_response_body"), onResponseTrailers: f("proxy_on_response_trailers"),
		onLog: f("proxy_on_log"), onDelete: f("proxy_on_delete"),
	}
	if abi.onContextCreate.fn == nil || abi.onRequestHeaders.fn == nil || abi.onConfigure.fn == nil {
		return nil, closeWith(ctx, r, fmt.Errorf("module does not export the proxy-wasm ABI (built with -buildmode=c-shared?)"))
	}
	return &VM{runtime: r, mod: mod, abi: abi, ctx: ctx, streamEnd: o.EnvoyStreamEnd}, nil
}

// orStderr returns w (os.Stderr if nil) hidden behind a plain io.Writer. Given an *os.File,
// wazero applies the guest's fd_fdstat_set_flags to the host file, and a Go wasip1 guest puts
// its stdout and stderr in non-blocking mode when it first uses them: O_NONBLOCK would land on
// the host's open file description, which the host's stdout often shares (one pipe for both),
// and the host's own writes there would fail with EAGAIN whenever the pipe is full
// (plugin/stdio_test.go has the whole story).
func orStderr(w io.Writer) io.Writer {
	if w == nil {
		w = os.Stderr
	}
	return struct{ io.Writer }{w}
}

func closeWith(ctx context.Context, r wazero.Runtime, err error) error {
	_ = r.Close(ctx) // the original error is the one worth reporting
	return err
}

// Close releases the runtime (and the module).
func (v *VM) Close() error { return v.runtime.Close(v.ctx) }

// Runtime is the wazero runtime that holds the module.
func (v *VM) Runtime() wazero.Runtime { return v.runtime }

// Module is the instantiated plugin.
func (v *VM) Module() api.Module { return v.mod }

// StartErr is the trap, if any, of proxy_on_context_create for the plugin
// context: proxytest.NewHostEmulator creates it while holding its global lock
// and cannot unwind a panic, so NewPluginContext recovers it; check it after
// NewHostEmulator returns.
func (v *VM) StartErr() error { return v.startErr }

// DeleteContext frees the guest's state of a finished stream (proxy_on_delete),
// which Envoy calls after proxy_on_log and proxytest never does.
func (v *VM) DeleteContext(id uint32) { call(v.ctx, v.abi.onDelete, uint64(id)) }

func call(ctx context.Context, e export, args ...uint64) uint64 {
	if e.fn == nil {
		return 0
	}
	res, err := e.fn.Call(ctx, args...)
	if err != nil {
		panic(Trap{e.name, err})
	}
	if len(res) == 0 {
		return 0
	}
	return res[0]
}

func wasmBool(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

// OnVMStart implements types.VMContext.
func (v *VM) OnVMStart(size int) types.OnVMStartStatus {
	return call(v.ctx, v.abi.onVMStart, 0, uint64(size)) == 1
}

// NewPluginContext implements types.VMContext.
func (v *VM) NewPluginContext(id uint32) types.PluginContext {
	p := &plugin{vm: v, id: uint64(id), ctx: withPluginContextID(v.ctx, id)}
	defer func() {
		if r := recover(); r != nil {
			v.startErr = fmt.Errorf("proxy_on_context_create: %v", r)
		}
	}()
	call(v.ctx, v.abi.onContextCreate, uint64(id), 0)
	return p
}

type plugin struct {
	vm  *VM
	id  uint64
	ctx context.Context
}

func (p *plugin) OnPluginStart(size int) types.OnPluginStartStatus {
	return call(p.ctx, p.vm.abi.onConfigure, p.id, uint64(size)) == 1
}
func (p *plugin) OnPluginDone() bool                    { return call(p.ctx, p.vm.abi.onDone, p.id) == 1 }
func (p *plugin) OnQueueReady(q uint32)                 { call(p.ctx, p.vm.abi.onQueueReady, p.id, uint64(q)) }
func (p *plugin) OnTick()                               { call(p.ctx, p.vm.abi.onTick, p.id) }
func (p *plugin) NewTcpContext(uint32) types.TcpContext { return nil }
func (p *plugin) NewHttpContext(id uint32) types.HttpContext {
	call(p.ctx, p.vm.abi.onContextCreate, uint64(id), p.id)
	return &stream{abi: &p.vm.abi, id: uint64(id), ctx: p.ctx, envoyEnd: p.vm.streamEnd}
}

type stream struct {
	abi      *guestABI
	id       uint64
	ctx      context.Context
	envoyEnd bool
}

func (h *stream) OnHttpRequestHeaders(n int, end bool) types.Action {
	return types.Action(call(h.ctx, h.abi.onRequestHeaders, h.id, uint64(n), wasmBool(end)))
}
func (h *stream) OnHttpRequestBody(n int, end bool) types.Action {
	return types.Action(call(h.ctx, h.abi.onRequestBody, h.id, uint64(n), wasmBool(end)))
}
func (h *stream) OnHttpRequestTrailers(n int) types.Action {
	return types.Action(call(h.ctx, h.abi.onRequestTrailers, h.id, uint64(n)))
}
func (h *stream) OnHttpResponseHeaders(n int, end bool) types.Action {
	return types.Action(call(h.ctx, h.abi.onResponseHeaders, h.id, uint64(n), wasmBool(end)))
}
func (h *stream) OnHttpResponseBody(n int, end bool) types.Action {
	return types.Action(call(h.ctx, h.abi.onResponseBody, h.id, uint64(n), wasmBool(end)))
}
func (h *stream) OnHttpResponseTrailers(n int) types.Action {
	return types.Action(call(h.ctx, h.abi.onResponseTrailers, h.id, uint64(n)))
}

// OnHttpStreamDone is where proxytest ends a stream (CompleteHttpContext). Envoy
// then calls proxy_on_log, proxy_on_done and proxy_on_delete; proxytest's own
// wrapper stops after proxy_on_log, so the guest never drops its per-stream
// state unless the caller deletes the context itself.
func (h *stream) OnHttpStreamDone() {
	call(h.ctx, h.abi.onLog, h.id)
	if h.envoyEnd {
		call(h.ctx, h.abi.onDone, h.id)
		call(h.ctx, h.abi.onDelete, h.id)
	}
}
