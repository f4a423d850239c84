package gateway

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"
	_ "unsafe" // go:linkname

	"github.com/higress-group/proxy-wasm-go-sdk/proxywasm/proxytest"
	"github.com/higress-group/proxy-wasm-go-sdk/proxywasm/types"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
)

// proxytest.NewWasmVMContext instantiates the module with an empty WASI environment and a fake
// clock, but Envoy hands the VM its vm_config.environment_variables through WASI environ (that is
// how "${ENV}" secrets reach the plugin) and a real clock (token expiry). So this file builds the
// same VM context as proxytest's wasmwrapper.go, with an environment, a real clock and real
// randomness, reusing proxytest's host ABI through two linknames (the SDK version is pinned in
// go.mod; the symbols are checked at link time).

//go:linkname exportHostABI github.com/higress-group/proxy-wasm-go-sdk/proxywasm/proxytest.exportHostABI
func exportHostABI(ctx context.Context, r wazero.Runtime) error

//go:linkname withPluginContextID github.com/higress-group/proxy-wasm-go-sdk/proxywasm/proxytest.withPluginContextID
func withPluginContextID(ctx context.Context, id uint32) context.Context

// keep proxytest linked in even if a build only reaches it through the linknames.
var _ = proxytest.NewEmulatorOption

// compilationCaches are shared by every VM of the process, per directory ("" = in memory only),
// so the plugin is compiled once; a directory also serves later processes (wazero writes its
// entries atomically, keyed by module hash and wazero version).
var (
	cachesMu          sync.Mutex
	compilationCaches = map[string]wazero.CompilationCache{}
)

func compilationCache(dir string) (wazero.CompilationCache, error) {
	cachesMu.Lock()
	defer cachesMu.Unlock()
	if c, ok := compilationCaches[dir]; ok {
		return c, nil
	}
	c := wazero.NewCompilationCache()
	if dir != "" {
		pruneCache(dir, 6)
		var err error
		if c, err = wazero.NewCompilationCacheWithDir(dir); err != nil {
			return nil, fmt.Errorf("gateway: compilation cache %s: %w", dir, err)
		}
	}
	compilationCaches[dir] = c
	return c, nil
}

// pruneCache keeps the newest keep entries of each wazero cache directory under dir: every plugin
// build adds tens of megabytes, and old builds are never needed again.
func pruneCache(dir string, keep int) {
	subdirs, err := os.ReadDir(dir)
	if err != nil {
		return // no cache yet
	}
	for _, sd := range subdirs {
		if !sd.IsDir() {
			continue
		}
		path := filepath.Join(dir, sd.Name())
		entries, err := os.ReadDir(path)
		if err != nil {
			continue
		}
		type file struct {
			name string
			mod  time.Time
		}
		var files []file
		for _, e := range entries {
			if info, err := e.Info(); err == nil && info.Mode().IsRegular() {
				files = append(files, file{e.Name(), info.ModTime()})
			}
		}
		sort.Slice(files, func(i, j int) bool { return files[i].mod.After(files[j].mod) })
		for i, f := range files {
			if i >= keep || (strings.HasSuffix(f.name, ".tmp") && time.Since(f.mod) > time.Hour) {
				_ = os.Remove(filepath.Join(path, f.name)) // best effort; another process may use it
			}
		}
	}
}

// wasmTrap is the panic value used when a call into the module fails (a Go panic inside the
// plugin, an unreachable, a closed module). The gateway recovers it per request.
type wasmTrap struct{ err error }

func (t wasmTrap) Error() string { return "wasm trap: " + t.err.Error() }

type guestABI struct {
	onVMStart, onContextCreate, onConfigure, onDone, onQueueReady, onTick api.Function
	onRequestHeaders, onRequestBody, onRequestTrailers                    api.Function
	onResponseHeaders, onResponseBody, onResponseTrailers, onLog          api.Function
	onDelete                                                              api.Function
}

// wasmVM implements types.VMContext by delegating to the compiled module.
type wasmVM struct {
	runtime  wazero.Runtime
	abi      guestABI
	ctx      context.Context
	startErr error // a trap while creating the root context (inside proxytest.NewHostEmulator)
}

// newWasmVM compiles and instantiates the plugin with the given WASI environment.
func newWasmVM(wasm []byte, env map[string]string, cacheDir string, stdout, stderr io.Writer) (*wasmVM, error) {
	ctx := context.Background()
	cache, err := compilationCache(cacheDir)
	if err != nil {
		return nil, err
	}
	r := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfig().WithCompilationCache(cache))
	if _, err := wasi_snapshot_preview1.Instantiate(ctx, r); err != nil {
		return nil, closeWith(ctx, r, fmt.Errorf("gateway: wasi: %w", err))
	}
	if err := exportHostABI(ctx, copyingRuntime{r}); err != nil {
		return nil, closeWith(ctx, r, fmt.Errorf("gateway: host abi: %w", err))
	}
	compiled, err := r.CompileModule(ctx, wasm)
	if err != nil {
		return nil, closeWith(ctx, r, fmt.Errorf("gateway: compile plugin: %w", err))
	}
	cfg := wazero.NewModuleConfig().
		WithStartFunctions("_initialize", "_start").
		WithStdout(stdout).WithStderr(stderr).
		WithSysWalltime().WithSysNanotime().WithSysNanosleep().
		WithRandSource(rand.Reader)
	for k, v := range env {
		cfg = cfg.WithEnv(k, v)
	}
	mod, err := r.InstantiateModule(ctx, compiled, cfg)
	if err != nil {
		return nil, closeWith(ctx, r, fmt.Errorf("gateway: instantiate plugin: %w", err))
	}
	f := mod.ExportedFunction
	abi := guestABI{
		onVMStart: f("proxy_on_vm_start"), onContextCreate: f("proxy_on_context_create"),
		onConfigure: f("proxy_on_configure"), onDone: f("proxy_on_done"),
		onQueueReady: f("proxy_on_queue_ready"), onTick: f("proxy_on_tick"),
		onRequestHeaders: f("proxy_on_request_headers"), onRequestBody: f("proxy_on_request_body"),
		onRequestTrailers: f("proxy_on_request_trailers"), onResponseHeaders: f("proxy_on_response_headers"),
		onResponseBody: f("proxy_on_response_body"), onResponseTrailers: f("proxy_on_response_trailers"),
		onLog: f("proxy_on_log"), onDelete: f("proxy_on_delete"),
	}
	if abi.onContextCreate == nil || abi.onRequestHeaders == nil || abi.onConfigure == nil {
		return nil, closeWith(ctx, r, fmt.Errorf("gateway: module does not export the proxy-wasm ABI (built with -buildmode=c-shared?)"))
	}
	return &wasmVM{runtime: r, abi: abi, ctx: ctx}, nil
}

func closeWith(ctx context.Context, r wazero.Runtime, err error) error {
	_ = r.Close(ctx) // the original error is the one worth reporting
	return err
}

func (v *wasmVM) Close() error { return v.runtime.Close(v.ctx) }

// deleteContext frees the guest's state of a finished stream (proxy_on_delete), which Envoy calls
// after proxy_on_log and proxytest never does.
func (v *wasmVM) deleteContext(id uint32) { call(v.ctx, v.abi.onDelete, uint64(id)) }

func call(ctx context.Context, fn api.Function, args ...uint64) uint64 {
	if fn == nil {
		return 0
	}
	res, err := fn.Call(ctx, args...)
	if err != nil {
		panic(wasmTrap{err})
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

func (v *wasmVM) OnVMStart(size int) types.OnVMStartStatus {
	return call(v.ctx, v.abi.onVMStart, 0, uint64(size)) == 1
}

func (v *wasmVM) NewPluginContext(id uint32) types.PluginContext {
	p := &wasmPlugin{id: uint64(id), abi: v.abi, ctx: withPluginContextID(v.ctx, id)}
	defer func() {
		// proxytest calls this while holding its global host lock and cannot unwind a panic;
		// the gateway reports startErr after NewHostEmulator returns.
		if r := recover(); r != nil {
			v.startErr = fmt.Errorf("gateway: proxy_on_context_create: %v", r)
		}
	}()
	call(v.ctx, v.abi.onContextCreate, uint64(id), 0)
	return p
}

type wasmPlugin struct {
	id  uint64
	abi guestABI
	ctx context.Context
}

func (p *wasmPlugin) OnPluginStart(size int) types.OnPluginStartStatus {
	return call(p.ctx, p.abi.onConfigure, p.id, uint64(size)) == 1
}
func (p *wasmPlugin) OnPluginDone() bool                    { return call(p.ctx, p.abi.onDone, p.id) == 1 }
func (p *wasmPlugin) OnQueueReady(q uint32)                 { call(p.ctx, p.abi.onQueueReady, p.id, uint64(q)) }
func (p *wasmPlugin) OnTick()                               { call(p.ctx, p.abi.onTick, p.id) }
func (p *wasmPlugin) NewTcpContext(uint32) types.TcpContext { return nil }
func (p *wasmPlugin) NewHttpContext(id uint32) types.HttpContext {
	call(p.ctx, p.abi.onContextCreate, uint64(id), p.id)
	return &wasmHTTP{id: uint64(id), abi: p.abi, ctx: p.ctx}
}

type wasmHTTP struct {
	id  uint64
	abi guestABI
	ctx context.Context
}

func (h *wasmHTTP) OnHttpRequestHeaders(n int, end bool) types.Action {
	return types.Action(call(h.ctx, h.abi.onRequestHeaders, h.id, uint64(n), wasmBool(end)))
}
func (h *wasmHTTP) OnHttpRequestBody(n int, end bool) types.Action {
	return types.Action(call(h.ctx, h.abi.onRequestBody, h.id, uint64(n), wasmBool(end)))
}
func (h *wasmHTTP) OnHttpRequestTrailers(n int) types.Action {
	return types.Action(call(h.ctx, h.abi.onRequestTrailers, h.id, uint64(n)))
}
func (h *wasmHTTP) OnHttpResponseHeaders(n int, end bool) types.Action {
	return types.Action(call(h.ctx, h.abi.onResponseHeaders, h.id, uint64(n), wasmBool(end)))
}
func (h *wasmHTTP) OnHttpResponseBody(n int, end bool) types.Action {
	return types.Action(call(h.ctx, h.abi.onResponseBody, h.id, uint64(n), wasmBool(end)))
}
func (h *wasmHTTP) OnHttpResponseTrailers(n int) types.Action {
	return types.Action(call(h.ctx, h.abi.onResponseTrailers, h.id, uint64(n)))
}
func (h *wasmHTTP) OnHttpStreamDone() { call(h.ctx, h.abi.onLog, h.id) }
