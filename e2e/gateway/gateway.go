package gateway

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/higress-group/proxy-wasm-go-sdk/proxywasm/proxytest"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/internal/wasmvm"
)

var (
	errClosed  = errors.New("gateway: closed")
	errVMGone  = errors.New("gateway: plugin VM was rebuilt during the stream")
	errCrashed = errors.New("gateway: plugin trapped")

	// oneGateway enforces one Gateway per process (proxytest registers one global host).
	oneGateway sync.Mutex
)

// Gateway hosts one plugin. It is an http.Handler.
type Gateway struct {
	cfg    Config
	sink   *logSink
	client *http.Client

	mu     sync.Mutex // serializes every call into the emulator and the module
	h      *host      // nil after a trap, until the next request rebuilds it
	gen    uint64
	closed bool

	stopTick chan struct{}
	tickDone chan struct{}
}

type host struct {
	vm       *wasmvm.VM
	emu      proxytest.HostEmulator
	reset    func()
	gen      uint64
	lastTick time.Time
}

// New compiles and starts the plugin (proxy_on_vm_start, proxy_on_configure) and returns the
// gateway, or an error if the plugin refused its configuration. Close it when done.
func New(cfg Config) (*Gateway, error) {
	c, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if !oneGateway.TryLock() {
		return nil, errors.New("gateway: another Gateway is open in this process (proxytest keeps global state)")
	}
	g := &Gateway{
		cfg:      c,
		sink:     &logSink{logger: c.Logger, minLevel: logLevels[c.PluginLogLevel]},
		client:   &http.Client{Transport: newTransport(), CheckRedirect: noRedirects},
		stopTick: make(chan struct{}),
		tickDone: make(chan struct{}),
	}
	installStdLogFilter(g.sink)
	g.mu.Lock()
	err = g.startHostLocked()
	g.mu.Unlock()
	if err != nil {
		activeSink.CompareAndSwap(g.sink, nil)
		oneGateway.Unlock()
		return nil, err
	}
	if err := g.drainCallouts(context.Background(), nil, proxytest.PluginContextID); err != nil {
		g.Close()
		return nil, err
	}
	go g.tickLoop()
	return g, nil
}

// Logs returns every line captured so far (plugin logs at all levels, guest stdout/stderr,
// the gateway's own lines), oldest first.
func (g *Gateway) Logs() []LogEntry { return g.sink.snapshot() }

// Close stops the plugin (proxy_on_done) and releases the emulator.
func (g *Gateway) Close() error {
	g.mu.Lock()
	if g.closed {
		g.mu.Unlock()
		return nil
	}
	g.closed = true
	g.mu.Unlock()
	close(g.stopTick)
	<-g.tickDone
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.h != nil {
		func() {
			defer func() { _ = recover() }() // a trapped plugin cannot say goodbye
			g.h.emu.FinishVM()
		}()
		g.teardownLocked()
	}
	g.client.CloseIdleConnections()
	activeSink.CompareAndSwap(g.sink, nil)
	oneGateway.Unlock()
	return nil
}

func (g *Gateway) startHostLocked() (err error) {
	vm, err := g.newVM()
	if err != nil {
		return err
	}
	g.sink.mu.Lock()
	g.sink.calloutTimeouts = nil // callout ids restart at 0 with a new emulator
	g.sink.mu.Unlock()
	name := []byte(g.cfg.PluginName)
	opt := proxytest.NewEmulatorOption().WithVMContext(vm).
		WithPluginConfiguration(g.cfg.PluginConfig).WithVMConfiguration(g.cfg.VMConfig).
		WithProperty([]string{"plugin_name"}, name).
		WithProperty([]string{"plugin_root_id"}, name).
		WithProperty([]string{"plugin_vm_id"}, name)
	emu, reset := proxytest.NewHostEmulator(opt) // creates the root context (proxy_on_context_create)
	g.gen++
	g.h = &host{vm: vm, emu: emu, reset: reset, gen: g.gen, lastTick: time.Now()}
	level := make([]byte, 4)
	binary.LittleEndian.PutUint32(level, logLevels[g.cfg.PluginLogLevel])
	emu.RegisterForeignFunction("get_log_level", func([]byte) []byte { return level })
	emu.RegisterForeignFunction("set_global_max_requests_per_io_cycle", func([]byte) []byte { return []byte{0} })
	defer func() {
		if r := recover(); r != nil {
			g.teardownLocked()
			err = fmt.Errorf("gateway: plugin trapped during start: %v", r)
		}
	}()
	if err := vm.StartErr(); err != nil {
		panic(err)
	}
	if !emu.StartVM() {
		g.teardownLocked()
		return errors.New("gateway: plugin refused to start its VM (proxy_on_vm_start returned false)")
	}
	if !emu.StartPlugin() {
		msg := g.startFailureLogs()
		g.teardownLocked()
		return fmt.Errorf("gateway: plugin rejected its configuration (proxy_on_configure returned false)%s", msg)
	}
	return nil
}

// newVM compiles (once per process and cache directory) and instantiates the plugin as Envoy
// runs it: with vm_config.environment_variables in its WASI environment (that is how "${ENV}"
// secrets reach the plugin), a real clock (token expiry), real randomness, and host functions
// that copy what they read from guest memory.
func (g *Gateway) newVM() (*wasmvm.VM, error) {
	cache, err := wasmvm.SharedCache(g.cfg.CompilationCacheDir)
	if err != nil {
		return nil, fmt.Errorf("gateway: %w", err)
	}
	env := make([]string, 0, len(g.cfg.Env))
	for k, v := range g.cfg.Env {
		env = append(env, k+"="+v)
	}
	sort.Strings(env)
	vm, err := wasmvm.New(g.cfg.Wasm, wasmvm.Options{
		Cache: cache, Env: env, RealClock: true, Rand: rand.Reader, CopyHostReads: true,
		Stdout: writerSink{g.sink, "wasm-stdout", "info"}, Stderr: writerSink{g.sink, "wasm-stderr", "error"},
	})
	if err != nil {
		return nil, fmt.Errorf("gateway: %w", err)
	}
	return vm, nil
}

// startFailureLogs quotes the plugin's own critical and error lines (the plugin is responsible
// for keeping secrets out of them; the e2e tests check that it does).
func (g *Gateway) startFailureLogs() string {
	var lines []string
	for _, e := range g.sink.snapshot() {
		if e.Source == "plugin" && (e.Level == "critical" || e.Level == "error") {
			lines = append(lines, e.Msg)
		}
	}
	if len(lines) == 0 {
		return ""
	}
	return ": " + strings.Join(lines, "; ")
}

func (g *Gateway) teardownLocked() {
	if g.h == nil {
		return
	}
	g.h.reset()
	_ = g.h.vm.Close() // the module may already be closed by a trap
	g.h = nil
}

// locked runs fn on the current host with the stream's properties set, under the mutex.
// s may be nil (root context work: start, ticks). A trap tears the VM down.
func (g *Gateway) locked(s *stream, fn func(h *host)) (err error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return errClosed
	}
	if s != nil && (g.h == nil || g.h.gen != s.gen) {
		return errVMGone
	}
	if g.h == nil {
		return errVMGone
	}
	defer func() {
		if r := recover(); r != nil {
			g.sink.add(LogEntry{Source: "gateway", Level: "error", Msg: fmt.Sprintf("plugin trapped; the VM will be rebuilt: %v", r)})
			g.teardownLocked()
			err = errCrashed
		}
	}()
	if s != nil {
		s.setProperties(g.h.emu)
	}
	fn(g.h)
	return nil
}

// ensureHost rebuilds the VM after a trap.
func (g *Gateway) ensureHost() (uint64, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return 0, errClosed
	}
	if g.h == nil {
		if err := g.startHostLocked(); err != nil {
			g.sink.add(LogEntry{Source: "gateway", Level: "error", Msg: err.Error()})
			return 0, err
		}
	}
	return g.h.gen, nil
}

func (g *Gateway) tickLoop() {
	defer close(g.tickDone)
	t := time.NewTicker(g.cfg.TickInterval)
	defer t.Stop()
	for {
		select {
		case <-g.stopTick:
			return
		case <-t.C:
		}
		ticked := false
		_ = g.locked(nil, func(h *host) {
			period := time.Duration(h.emu.GetTickPeriod()) * time.Millisecond
			if period > 0 && time.Since(h.lastTick) >= period {
				h.lastTick = time.Now()
				h.emu.Tick()
				ticked = true
			}
		})
		if ticked {
			if err := g.drainCallouts(context.Background(), nil, proxytest.PluginContextID); err != nil {
				g.sink.add(LogEntry{Source: "gateway", Level: "warn", Msg: "tick callouts: " + err.Error()})
			}
		}
	}
}
