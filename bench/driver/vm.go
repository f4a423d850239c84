package main

import (
	"bytes"
	"io"
	"os"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/internal/wasmvm"
	"github.com/tetratelabs/wazero"
)

// The driver runs the plugin in internal/wasmvm's VM rather than
// proxytest.NewWasmVMContext, which always uses wazero's default engine, cannot
// share a compilation cache and gives the module no environment: under
// callgrind the default engine compiles the 6+ MB Go module in ~30 G
// instructions (minutes). TestDriverNoop exercises this path.

type vmOptions struct {
	runtime  string   // "compiler" or "interpreter"
	cacheDir string   // compiler only: on-disk compilation cache ("" = none)
	env      []string // KEY=VALUE pairs for the module's environment (Envoy vm_config.environment_variables)
	clock    string   // "virtual", "real" or "fake": see the -clock flag
	alignGC  bool     // run the guest with GODEBUG=gctrace=1 and count its GC cycles
}

// wasmVM is the plugin's VM with the driver's GC counter and guest clock.
type wasmVM struct {
	*wasmvm.VM
	gc    *gcCounter
	clock *virtualClock
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
	// Envoy's stream end (proxy_on_log, proxy_on_done, proxy_on_delete): with
	// proxytest's (proxy_on_log only) the guest never drops its per-stream
	// state and the plugin's heap (and its GC work) grows with every request.
	wo := wasmvm.Options{Interpreter: o.runtime == "interpreter", EnvoyStreamEnd: true}
	if !wo.Interpreter && o.cacheDir != "" {
		// not wasmvm.SharedCache: it prunes, and the bench runs two drivers at once
		cache, err := wazero.NewCompilationCacheWithDir(o.cacheDir)
		if err != nil {
			return nil, err
		}
		wo.Cache = cache
	}
	gc := &gcCounter{pass: os.Stderr, lineStart: true}
	if o.alignGC {
		wo.Stderr = gc
		wo.Env = append(wo.Env, "GODEBUG=gctrace=1")
	}
	wo.Env = append(wo.Env, o.env...)
	vclock := &virtualClock{ns: 1e9} // the Go runtime refuses a zero nanotime
	switch o.clock {
	case "real":
		wo.RealClock = true
	case "virtual":
		wo.Nanotime, wo.Walltime = vclock.nanotime, vclock.walltime
	}
	vm, err := wasmvm.New(wasm, wo)
	if err != nil {
		return nil, err
	}
	return &wasmVM{VM: vm, gc: gc, clock: vclock}, nil
}
