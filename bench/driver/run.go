package main

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/higress-group/proxy-wasm-go-sdk/proxywasm/proxytest"
	"github.com/higress-group/proxy-wasm-go-sdk/proxywasm/types"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/internal/testutil"
)

// outcome is what the host saw after one cycle.
type outcome struct {
	afterReqHeaders, afterReqBody   types.Action
	afterRespHeaders, afterRespBody types.Action
	requestHeaders                  [][2]string
	requestBody                     []byte
	responseHeaders                 [][2]string
	responseBody                    []byte
	localResponse                   *proxytest.LocalHttpResponse
	paused                          bool // the request body phase paused (a token request)
}

func run(o *options, out io.Writer) error {
	var cfg []byte
	var err error
	if strings.HasSuffix(o.config, ".yaml") {
		cfg, err = testutil.YAMLFileToJSON(o.config)
	} else {
		cfg, err = os.ReadFile(o.config)
	}
	if err != nil {
		return fmt.Errorf("driver: %w", err)
	}
	vm, host, reset, err := start(o, cfg)
	if err != nil {
		return err
	}
	defer vm.Close()
	defer reset()
	if o.startup != "" {
		fmt.Fprintf(out, "ok: %s started (%s, wazero %s), wasm memory %d KiB\n", o.startup, o.config, o.vm.runtime,
			vm.Module().Memory().Size()/1024)
		return nil
	}
	sc := scenarios[o.scenario]
	fx, err := newFixtures(sc, cfg)
	if err != nil {
		return err
	}
	l := &loop{o: o, vm: vm, host: host, fx: fx, verify: verifier(o.expect, sc, fx), out: out}
	if sc.oauth2 && o.expect == "bridge" {
		l.watchTokens = true
		if err := l.primeToken(); err != nil {
			return err
		}
	}
	if err := l.warmUp(); err != nil {
		return err
	}
	gc0 := vm.gcCycles()
	n, err := l.counted()
	if err != nil {
		return err
	}
	if l.watchTokens {
		if err := l.noTokenRequests(); err != nil {
			return err
		}
	}
	what := sc.method
	if sc.tool != "" {
		what += " " + sc.tool
	}
	fmt.Fprintf(out, "ok: %d %s cycles (%s, scenario %s, wazero %s) through %s\n",
		n, o.expect, what, o.scenario, o.vm.runtime, o.wasm)
	if o.vm.alignGC {
		fmt.Fprintf(out, "wasm GC cycles in the counted cycles: %d\n", vm.gcCycles()-gc0)
	}
	return nil
}

// start loads the module into a fresh host emulator and starts VM and plugin.
func start(o *options, cfg []byte) (*wasmVM, proxytest.HostEmulator, func(), error) {
	wasm, err := os.ReadFile(o.wasm)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("driver: %w", err)
	}
	vmo := o.vm
	vmo.env = append([]string{oauthSecretEnv + "=" + oauthClientSecret}, vmo.env...)
	vm, err := newVM(wasm, vmo)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("driver: load %s: %w", o.wasm, err)
	}
	if o.symbols != "" {
		if err := saveSymbols(o.symbols, vm); err != nil {
			vm.Close()
			return nil, nil, nil, err
		}
	}
	host, reset := proxytest.NewHostEmulator(proxytest.NewEmulatorOption().
		WithVMContext(vm).
		WithPluginConfiguration(cfg).
		WithProperty([]string{"route_name"}, []byte("mcp-petstore")).
		WithProperty([]string{"cluster_name"}, []byte("outbound|80||petstore.internal")))
	level := make([]byte, 4)
	binary.LittleEndian.PutUint32(level, uint32(o.logLevel))
	host.RegisterForeignFunction("get_log_level", func([]byte) []byte { return level })
	if err = vm.StartErr(); err != nil {
		err = fmt.Errorf("driver: %w", err)
	} else if !host.StartVM() {
		err = fmt.Errorf("driver: proxy_on_vm_start failed%s", hostLogs(host))
	} else if o.startup == "vm" {
		return vm, host, reset, nil
	} else if !host.StartPlugin() {
		err = fmt.Errorf("driver: plugin start failed with %s%s", o.config, hostLogs(host))
	}
	if err != nil {
		reset()
		vm.Close()
		return nil, nil, nil, err
	}
	return vm, host, reset, nil
}

// cycle replays one full exchange on a fresh HTTP context, as Envoy would.
// answer, when not nil, serves the token request of a paused request.
func cycle(host proxytest.HostEmulator, fx fixtures, answer func(id uint32) error) (outcome, error) {
	id := host.InitializeHttpContext()
	var res outcome
	res.afterReqHeaders = host.CallOnRequestHeaders(id, fx.requestHeaders, false)
	res.afterReqBody = host.CallOnRequestBody(id, fx.requestBody, true)
	if res.afterReqBody == types.ActionPause && answer != nil {
		if err := answer(id); err != nil {
			return res, err
		}
		res.afterReqBody = host.GetCurrentHttpStreamAction(id)
	}
	res.paused = res.afterReqBody == types.ActionPause
	res.requestHeaders = host.GetCurrentRequestHeaders(id)
	res.requestBody = host.GetCurrentRequestBody(id)
	res.localResponse = host.GetSentLocalResponse(id)
	if res.localResponse == nil {
		res.afterRespHeaders = host.CallOnResponseHeaders(id, fx.responseHeaders, false)
		res.afterRespBody = host.CallOnResponseBody(id, fx.responseBody, true)
		res.responseHeaders = host.GetCurrentResponseHeaders(id)
		res.responseBody = host.GetCurrentResponseBody(id)
	}
	host.CompleteHttpContext(id)
	return res, nil
}

// hostLogs renders the plugin's warn/error/critical logs for an error message.
func hostLogs(host proxytest.HostEmulator) string {
	var b strings.Builder
	for _, l := range [][]string{host.GetWarnLogs(), host.GetErrorLogs(), host.GetCriticalLogs()} {
		for _, line := range l {
			b.WriteString("\n  plugin log: ")
			b.WriteString(line)
		}
	}
	return b.String()
}

func saveSymbols(path string, vm *wasmVM) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("driver: %w", err)
	}
	w := bufio.NewWriter(f)
	if err := writeSymbols(w, vm.Runtime()); err != nil {
		f.Close()
		return err
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("driver: %w", err)
	}
	return f.Close()
}

// loop replays the exchange and checks outcomes.
type loop struct {
	o           *options
	vm          *wasmVM
	host        proxytest.HostEmulator
	fx          fixtures
	verify      func(outcome) error
	out         io.Writer
	watchTokens bool // oauth2: no call may pause after the priming cycle
}

// maxAlign bounds the cycles spent waiting for the plugin's next GC cycle.
const maxAlign = 20000

// warmUp runs o.warmup cycles (checking the first), then with -align-gc runs
// on until a GC cycle of the plugin ends, so that counting starts where one
// GC period starts. Both runs of a pair do exactly this, so it cancels.
func (l *loop) warmUp() error {
	for i := 1; i <= l.o.warmup; i++ {
		if err := l.step(i == 1, fmt.Sprintf("warm-up cycle %d", i)); err != nil {
			return err
		}
	}
	return l.untilGC("warm-up")
}

// counted runs the n counted cycles (with -align-gc: and on to the end of the
// GC cycle in progress) and returns how many it ran.
func (l *loop) counted() (int, error) {
	n := l.o.n
	for i := 1; i <= n; i++ {
		if err := l.step(l.o.check || i == 1 || i == n, fmt.Sprintf("cycle %d of %d", i, n)); err != nil {
			return 0, err
		}
		if l.o.memory && (i == 1 || i == n) {
			fmt.Fprintf(l.out, "wasm memory after cycle %d: %d KiB\n", i, l.vm.Module().Memory().Size()/1024)
		}
	}
	before := l.vm.gcCycles()
	extra := 0
	for l.o.vm.alignGC && l.vm.gcCycles() == before {
		if extra++; extra > maxAlign {
			return 0, fmt.Errorf("driver: no wasm GC cycle ended within %d cycles after the counted ones", maxAlign)
		}
		if err := l.step(l.o.check, fmt.Sprintf("alignment cycle %d", extra)); err != nil {
			return 0, err
		}
	}
	return n + extra, nil
}

func (l *loop) untilGC(what string) error {
	if !l.o.vm.alignGC {
		return nil
	}
	before := l.vm.gcCycles()
	for i := 1; l.vm.gcCycles() == before; i++ {
		if i > maxAlign {
			return fmt.Errorf("driver: no wasm GC cycle ended within %d cycles after %s", maxAlign, what)
		}
		if err := l.step(false, ""); err != nil {
			return err
		}
	}
	return nil
}

// step runs one cycle and checks its outcome when asked to.
func (l *loop) step(check bool, what string) error {
	l.vm.clock.tick()
	res, _ := cycle(l.host, l.fx, nil)
	// oauth2: a call that pauses after the priming cycle waits for a token request
	// the cache should have made unnecessary; refused in every cycle, checked or not.
	if res.paused && l.watchTokens {
		if what == "" {
			what = "a warm-up cycle"
		}
		return fmt.Errorf("driver: %s (-expect %s, -scenario %s): the call paused for a token request after the token was cached%s",
			what, l.o.expect, l.o.scenario, hostLogs(l.host))
	}
	if !check {
		return nil
	}
	if err := l.verify(res); err != nil {
		return fmt.Errorf("driver: %s (-expect %s, -scenario %s): %w%s", what, l.o.expect, l.o.scenario, err, hostLogs(l.host))
	}
	return nil
}

// primeToken runs the oauth2 scenario's priming cycle: the first call has no cached
// token, so the plugin must pause it and send one client-credentials token request,
// which the driver answers as the token endpoint; the call then goes upstream with
// the issued token. Every later call must use the cached token (noTokenRequests).
func (l *loop) primeToken() error {
	l.vm.clock.tick()
	requests := 0
	res, err := cycle(l.host, l.fx, func(id uint32) error {
		c := l.host.GetCalloutAttributesFromContext(id)
		if len(c) != 1 {
			return fmt.Errorf("%d token requests from the paused call, want 1", len(c))
		}
		if err := checkTokenRequest(c[0]); err != nil {
			return err
		}
		requests++
		l.host.CallOnHttpCallResponse(c[0].CalloutID, [][2]string{{":status", "200"}, {"content-type", "application/json"}}, nil,
			[]byte(fmt.Sprintf(`{"access_token":%q,"token_type":"Bearer","expires_in":%d,"scope":"pets.read"}`, oauthToken, oauthTokenTTL)))
		return nil
	})
	if err == nil && requests != 1 {
		err = fmt.Errorf("the first call made %d token requests, want 1 (it had no token yet)", requests)
	}
	if err == nil {
		err = l.verify(res)
	}
	if err != nil {
		return fmt.Errorf("driver: priming cycle (-expect %s, -scenario %s): %w%s", l.o.expect, l.o.scenario, err, hostLogs(l.host))
	}
	return nil
}

// noTokenRequests fails the run if a token request is pending after the counted
// cycles (a background refresh from the plugin's root context; a call that paused
// for one already failed in step): the cached token must serve every counted call.
func (l *loop) noTokenRequests() error {
	if c := l.host.GetCalloutAttributesFromContext(proxytest.PluginContextID); len(c) != 0 {
		return fmt.Errorf("driver: -scenario %s: %d callout(s) from the plugin's root context after the counted cycles (to %s), want none",
			l.o.scenario, len(c), c[0].Upstream)
	}
	return nil
}
