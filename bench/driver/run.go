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
}

func run(o *options, out io.Writer) error {
	wasm, err := os.ReadFile(o.wasm)
	if err != nil {
		return fmt.Errorf("driver: %w", err)
	}
	cfg, err := os.ReadFile(o.config)
	if err != nil {
		return fmt.Errorf("driver: %w", err)
	}
	vm, err := newVM(wasm, o.vm)
	if err != nil {
		return fmt.Errorf("driver: load %s: %w", o.wasm, err)
	}
	defer vm.Close()
	if o.symbols != "" {
		if err := saveSymbols(o.symbols, vm); err != nil {
			return err
		}
	}

	host, reset := proxytest.NewHostEmulator(proxytest.NewEmulatorOption().
		WithVMContext(vm).
		WithPluginConfiguration(cfg).
		WithProperty([]string{"route_name"}, []byte("mcp-petstore")).
		WithProperty([]string{"cluster_name"}, []byte("outbound|80||petstore.internal")))
	defer reset()
	level := make([]byte, 4)
	binary.LittleEndian.PutUint32(level, uint32(o.logLevel))
	host.RegisterForeignFunction("get_log_level", func([]byte) []byte { return level })

	if !host.StartVM() {
		return fmt.Errorf("driver: proxy_on_vm_start failed%s", hostLogs(host))
	}
	if !host.StartPlugin() {
		return fmt.Errorf("driver: plugin start failed with %s%s", o.config, hostLogs(host))
	}

	sc := scenarios[o.scenario]
	fx := newFixtures(sc)
	verify := verifier(o.expect, sc, fx)
	for i := 1; i <= o.n; i++ {
		res := cycle(host, fx)
		if o.check || i == 1 || i == o.n {
			if err := verify(res); err != nil {
				return fmt.Errorf("driver: cycle %d of %d (-expect %s, -scenario %s): %w%s",
					i, o.n, o.expect, o.scenario, err, hostLogs(host))
			}
		}
	}
	fmt.Fprintf(out, "ok: %d %s cycles (%s, scenario %s, wazero %s) through %s\n",
		o.n, o.expect, sc.tool, o.scenario, o.vm.runtime, o.wasm)
	return nil
}

// cycle replays one full exchange on a fresh HTTP context, as Envoy would.
func cycle(host proxytest.HostEmulator, fx fixtures) outcome {
	id := host.InitializeHttpContext()
	var res outcome
	res.afterReqHeaders = host.CallOnRequestHeaders(id, fx.requestHeaders, false)
	res.afterReqBody = host.CallOnRequestBody(id, fx.requestBody, true)
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
	return res
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
	if err := writeSymbols(w, vm.runtime); err != nil {
		f.Close()
		return err
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("driver: %w", err)
	}
	return f.Close()
}
