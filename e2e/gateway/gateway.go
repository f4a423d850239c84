package gateway

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/higress-group/proxy-wasm-go-sdk/proxywasm/proxytest"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/internal/wasmvm"
)

var (
	errClosed  = errors.New("gateway: closed")
	errVMGone  = errors.New("gateway: plugin VM was rebuilt during the stream")
	errCrashed = errors.New("gateway: plugin trapped")

	// ErrPluginConfig is wrapped by New's error when the plugin refused its configuration
	// (proxy_on_configure returned false); the error then ends with the plugin's own reason.
	ErrPluginConfig = errors.New("plugin rejected its configuration")
)

// Gateway hosts one plugin in Config.Workers worker VMs. It is an http.Handler.
type Gateway struct {
	cfg    Config
	sink   *logSink
	client *http.Client
	shared *wasmvm.SharedData // one per gateway, like one Envoy process
	stats  *wasmvm.Metrics    // the plugin's metrics, one store per gateway (Envoy's /stats)
	redis  *redisPool

	mu      sync.Mutex // guards workers and closed; calls into a VM also hold proxytest's lock
	workers []*worker
	closed  bool
	next    atomic.Uint64 // round robin over workers

	stopTick chan struct{}
	tickDone chan struct{}
}

// worker is one Envoy worker thread: a VM and its host emulator, rebuilt after a trap.
type worker struct {
	idx int
	h   *host // nil after a trap, until the next request rebuilds it
	gen uint64
	// running counts the worker's streams that are not waiting to be resumed: while one runs
	// (or callouts are in flight, or the plugin has a tick period), a paused stream may still be
	// resumed by a callback, so waiting for it makes sense.
	running int
	wake    chan struct{} // closed and replaced after every call into the VM
}

type host struct {
	vm       *wasmvm.VM
	emu      *wasmvm.Host
	sink     *logSink
	gen      uint64
	lastTick time.Time
	// timeouts of DispatchHttpCall by callout id, parsed from proxytest's log lines
	// (HttpCalloutAttribute does not carry them); proxytest's ids count from 0 per emulator, so
	// the n-th line is callout n-1. An entry lives until its callout is picked up or its stream
	// ends.
	calloutTimeouts map[uint32]uint32
	calloutsSeen    uint32
	redis           *redisInits // what proxy_redis_init set up, per cluster
	inflight        int         // batches of callouts being executed for this VM (under Gateway.mu)
	// live is the root context and the streams not yet finished: proxy_set_effective_context
	// refuses any other id, as Envoy does (read and written under proxytest's lock).
	live map[uint32]bool
}

// New compiles and starts the plugin in every worker VM (proxy_on_vm_start, proxy_on_configure)
// and returns the gateway, or an error if the plugin refused its configuration. Close it when
// done. Several gateways may be open in one process (like several Envoy processes): each has its
// own shared data, and calls into any of their VMs are serialized.
func New(cfg Config) (*Gateway, error) {
	c, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	g := &Gateway{
		cfg:      c,
		sink:     newLogSink(c.Logger, logLevels[c.PluginLogLevel], c.LogHistory),
		client:   &http.Client{Transport: newTransport(), CheckRedirect: noRedirects},
		shared:   wasmvm.NewSharedData(),
		stats:    wasmvm.NewMetrics(),
		stopTick: make(chan struct{}),
		tickDone: make(chan struct{}),
	}
	g.redis = newRedisPool(c.Clusters, g.sink)
	for i := range c.Workers {
		g.workers = append(g.workers, &worker{idx: i, wake: make(chan struct{})})
	}
	installStdLogFilter(g.sink)
	g.sink.hold()
	for i := range g.workers {
		g.mu.Lock()
		err = g.startHostLocked(g.workers[i])
		g.mu.Unlock()
		if err == nil {
			err = g.drainCallouts(context.Background(), i, nil, proxytest.PluginContextID)
		}
		if err != nil {
			g.sink.release(false)
			close(g.tickDone)
			g.Close()
			return nil, err
		}
	}
	g.sink.release(true)
	go g.tickLoop()
	return g, nil
}

// Logs returns the lines captured so far (plugin logs at all levels, guest stdout/stderr, the
// gateway's own lines), oldest first: all of them, or the newest Config.LogHistory.
func (g *Gateway) Logs() []LogEntry { return g.sink.snapshot() }

// SharedDataValue returns what the plugin stored under key in the gateway's shared data (the
// plugin name is the vm_id), for tests.
func (g *Gateway) SharedDataValue(key string) ([]byte, bool) {
	v, _, st := g.shared.Get(g.cfg.PluginName, key)
	return v, st == wasmvm.StatusOK
}

// Counter returns the plugin's counter name (as the plugin defined it, without Envoy's
// "wasmcustom." prefix), and whether a VM defined it. Like Envoy, the gateway keeps one store
// per process (wasmvm.Metrics), which every worker's VM increments; a VM rebuilt after a trap
// counts on into the same counter.
func (g *Gateway) Counter(name string) (uint64, bool) {
	for _, s := range g.stats.Snapshot() {
		if s.Name == wasmvm.CustomPrefix+name {
			return s.Value, true
		}
	}
	return 0, false
}

// Close stops the plugin (proxy_on_done in every worker) and releases the VMs.
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
	for _, w := range g.workers {
		if w.h != nil {
			func() {
				defer func() { _ = recover() }() // a trapped plugin cannot say goodbye
				g.do(w.h, func(emu proxytest.HostEmulator) { emu.FinishVM() })
			}()
			g.teardownLocked(w)
		}
	}
	g.client.CloseIdleConnections()
	g.redis.close()
	activeSink.CompareAndSwap(g.sink, nil)
	return nil
}

// do runs fn in h's emulator, with the standard logger's plugin lines going to h. Those lines
// are the gateway's copy of the plugin's logs; the emulator's own list of them is dropped after
// every call, or it would grow by every line the plugin ever logs.
func (g *Gateway) do(h *host, fn func(emu proxytest.HostEmulator)) {
	h.emu.Do(func(emu proxytest.HostEmulator) {
		activeHost.Store(h)
		defer activeHost.Store(nil)
		defer func() { reportRelease(h.sink, wasmvm.DropLogs(emu)) }()
		fn(emu)
	})
}

func (g *Gateway) startHostLocked(w *worker) (err error) {
	inits := &redisInits{clusters: map[string]redisInit{}}
	live := map[uint32]bool{proxytest.PluginContextID: true}
	vm, err := g.newVM(inits, live)
	if err != nil {
		return err
	}
	name := []byte(g.cfg.PluginName)
	opt := proxytest.NewEmulatorOption().WithVMContext(vm).
		WithPluginConfiguration(g.cfg.PluginConfig).WithVMConfiguration(g.cfg.VMConfig).
		WithProperty([]string{"plugin_name"}, name).
		WithProperty([]string{"plugin_root_id"}, name).
		WithProperty([]string{"plugin_vm_id"}, name)
	w.gen++
	h := &host{vm: vm, sink: g.sink, gen: w.gen, lastTick: time.Now(), redis: inits, live: live, calloutTimeouts: map[uint32]uint32{}}
	activeHost.Store(h)
	h.emu = wasmvm.NewHost(opt) // creates the root context (proxy_on_context_create)
	activeHost.Store(nil)
	w.h = h
	level := make([]byte, 4)
	binary.LittleEndian.PutUint32(level, logLevels[g.cfg.PluginLogLevel])
	defer func() {
		if r := recover(); r != nil {
			g.teardownLocked(w)
			err = fmt.Errorf("gateway: plugin trapped during start: %v", r)
		}
	}()
	if err := vm.StartErr(); err != nil {
		panic(err)
	}
	var vmOK, pluginOK bool
	g.do(h, func(emu proxytest.HostEmulator) {
		emu.RegisterForeignFunction("get_log_level", func([]byte) []byte { return level })
		emu.RegisterForeignFunction("set_global_max_requests_per_io_cycle", func([]byte) []byte { return []byte{0} })
		if vmOK = bool(emu.StartVM()); vmOK {
			pluginOK = bool(emu.StartPlugin())
		}
	})
	switch {
	case !vmOK:
		g.teardownLocked(w)
		return errors.New("gateway: plugin refused to start its VM (proxy_on_vm_start returned false)")
	case !pluginOK:
		msg := g.startFailureLogs()
		g.teardownLocked(w)
		return fmt.Errorf("gateway: %w%s", ErrPluginConfig, msg)
	}
	return nil
}

// newVM compiles (once per process and cache directory) and instantiates the plugin as Envoy
// runs it: with vm_config.environment_variables in its WASI environment (that is how "${ENV}"
// secrets reach the plugin), a real clock (token expiry), real randomness, Envoy's stream end
// (proxy_on_log, proxy_on_done, proxy_on_delete), host functions that
// copy what they read from guest memory, the gateway's shared data (vm_id = plugin name),
// Higress's proxy_redis_init, and Envoy's refusal to switch to a finished stream.
func (g *Gateway) newVM(inits *redisInits, live map[uint32]bool) (*wasmvm.VM, error) {
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
		Cache: cache, Env: env, RealClock: true, Rand: rand.Reader, CopyHostReads: true, EnvoyStreamEnd: true,
		SharedData: g.shared, VMID: g.cfg.PluginName, Metrics: g.stats,
		LiveContext: func(id uint32) bool { return live[id] },
		RedisInit: func(cluster, user, pass string, timeout uint32) wasmvm.Status {
			return inits.init(g.cfg.Clusters, cluster, user, pass, timeout)
		},
		Stdout: newWriterSink(g.sink, "wasm-stdout", "info"), Stderr: newWriterSink(g.sink, "wasm-stderr", "error"),
	})
	if err != nil {
		return nil, fmt.Errorf("gateway: %w", err)
	}
	return vm, nil
}

// startFailureLogs quotes the plugin's own account of a failed start (the plugin is responsible
// for keeping secrets out of it; the e2e tests check that it does): its first critical line,
// else its first error line. The wasm-go wrapper's "plugin start failed" and its repeat of the
// error at warn level add nothing.
func (g *Gateway) startFailureLogs() string {
	var first string
	for _, level := range []string{"critical", "error"} {
		for _, e := range g.sink.snapshot() {
			if first == "" && e.Source == "plugin" && e.Level == level && e.Msg != "plugin start failed" {
				first = e.Msg
			}
		}
	}
	if first == "" {
		return ""
	}
	return ": " + first
}

func (g *Gateway) teardownLocked(w *worker) {
	if w.h == nil {
		return
	}
	_ = w.h.vm.Close() // the module may already be closed by a trap
	w.h = nil
	g.wakeLocked(w)
}

// wakeLocked tells the worker's waiting streams to look again.
func (g *Gateway) wakeLocked(w *worker) {
	close(w.wake)
	w.wake = make(chan struct{})
}

// locked runs fn on worker wi's current host, with the stream's properties set, under the mutex
// and in the worker's emulator. s may be nil (root context work: start, ticks). A trap tears
// the worker's VM down.
func (g *Gateway) locked(wi int, s *stream, fn func(h *host, emu proxytest.HostEmulator)) (err error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return errClosed
	}
	w := g.workers[wi]
	if w.h == nil || (s != nil && w.h.gen != s.gen) {
		return errVMGone
	}
	defer func() {
		if r := recover(); r != nil {
			g.sink.add(LogEntry{Source: "gateway", Level: "error", Msg: fmt.Sprintf("plugin trapped in worker %d; its VM will be rebuilt: %v", wi, r)})
			g.teardownLocked(w)
			err = errCrashed
		}
	}()
	h := w.h
	g.do(h, func(emu proxytest.HostEmulator) {
		if s != nil {
			s.setProperties(emu)
		}
		fn(h, emu)
	})
	g.wakeLocked(w) // any call may have resumed another stream (callbacks, ticks)
	return nil
}

// ensureHost picks the stream's worker (round robin) and rebuilds its VM after a trap.
func (g *Gateway) ensureHost(s *stream) error {
	wi := int((g.next.Add(1) - 1) % uint64(len(g.workers)))
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return errClosed
	}
	w := g.workers[wi]
	if w.h == nil {
		if err := g.startHostLocked(w); err != nil {
			g.sink.add(LogEntry{Source: "gateway", Level: "error", Msg: err.Error()})
			return err
		}
	}
	s.worker, s.gen = wi, w.h.gen
	w.running++
	return nil
}

// setRunning moves a stream of worker wi between running and waiting (delta +1/-1).
func (g *Gateway) setRunning(wi, delta int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	w := g.workers[wi]
	w.running += delta
	g.wakeLocked(w)
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
		for wi := range g.workers {
			g.tick(wi)
		}
	}
}

// tick calls proxy_on_tick on a worker's root context when its period has passed, as each
// Envoy worker's dispatcher does, then runs the callouts the tick dispatched.
func (g *Gateway) tick(wi int) {
	ticked := false
	_ = g.locked(wi, nil, func(h *host, emu proxytest.HostEmulator) {
		period := time.Duration(emu.GetTickPeriod()) * time.Millisecond
		if period > 0 && time.Since(h.lastTick) >= period {
			h.lastTick = time.Now()
			emu.Tick()
			ticked = true
		}
	})
	if ticked {
		if err := g.drainCallouts(context.Background(), wi, nil, proxytest.PluginContextID); err != nil {
			g.sink.add(LogEntry{Source: "gateway", Level: "warn", Msg: "tick callouts: " + err.Error()})
		}
	}
}
