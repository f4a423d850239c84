// Command driver runs identical MCP tools/call request/response cycles through a
// compiled proxy-wasm plugin (.wasm) inside the proxytest host emulator (wazero),
// so that `make bench` can count instructions per request under callgrind.
//
//	go run ./bench/driver -wasm build/plugin.wasm -expect bridge -n 200
//	go run ./bench/driver -wasm build/noop.wasm -expect noop -n 3 -check
//
// Every run verifies the outcome (a bench that measures an error path is
// worthless): the first and the last cycle always, every cycle with -check.
// The checks of the first and last cycle cost the same for N and 3N requests,
// so they cancel in the (I(3N)-I(N))/2N difference that bench/run.sh takes.
package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"runtime/debug"
	"strings"
)

type options struct {
	wasm     string
	config   string
	n        int
	check    bool
	expect   string
	scenario string
	vm       vmOptions
	logLevel uint
	verbose  bool
	hostGC   bool
	symbols  string
	memory   bool
	warmup   int
	startup  string
}

func parseFlags(args []string) (*options, error) {
	o := &options{}
	fs := flag.NewFlagSet("driver", flag.ContinueOnError)
	fs.StringVar(&o.wasm, "wasm", "", "path of the compiled plugin (.wasm)")
	fs.StringVar(&o.config, "config", "bench/config.json", "plugin configuration (JSON, or YAML if the name ends in .yaml)")
	fs.StringVar(&o.startup, "startup", "", "only start, run no request: vm (load the module, proxy_on_vm_start) or plugin (and\n"+
		"proxy_on_configure with -config); prints the wasm linear memory after it. Under callgrind, I(plugin) - I(vm)\n"+
		"is the plugin start")
	fs.IntVar(&o.n, "n", 200, "number of request/response cycles")
	fs.IntVar(&o.warmup, "warmup", 0, "cycles to run before the n counted ones (same in every run, so they cancel in\n"+
		"(I(3N)-I(N))/2N; they move the window past the plugin's heap warm-up)")
	fs.BoolVar(&o.check, "check", false, "verify every cycle, not only the first and the last")
	fs.StringVar(&o.expect, "expect", "bridge", "what the plugin must do: bridge (rewrite + tools/call result) or noop (pass through)")
	fs.StringVar(&o.scenario, "scenario", "apikey", "request scenario: "+scenarioNames())
	fs.StringVar(&o.vm.runtime, "runtime", "compiler", "wazero engine: compiler or interpreter")
	fs.StringVar(&o.vm.clock, "clock", "virtual", "guest clock: virtual (stands still during a request, +100µs between requests;\n"+
		"deterministic), real, or fake (wazero's default, +1 ms per reading)")
	fs.StringVar(&o.vm.cacheDir, "cache", "", "compiler: wazero compilation cache directory (compile once natively, reuse under callgrind)")
	fs.Func("env", "KEY=VALUE for the module's environment (Envoy vm_config.environment_variables); repeatable", func(s string) error {
		if !strings.Contains(s, "=") {
			return fmt.Errorf("want KEY=VALUE")
		}
		if strings.HasPrefix(s, "GODEBUG=") && o.vm.alignGC {
			return fmt.Errorf("-align-gc sets GODEBUG itself")
		}
		o.vm.env = append(o.vm.env, s)
		return nil
	})
	fs.UintVar(&o.logLevel, "log-level", 2, "Envoy log level answered to get_log_level (0 trace .. 5 critical; 2 = info)")
	fs.BoolVar(&o.verbose, "v", false, "keep the host emulator's own log output")
	fs.StringVar(&o.symbols, "symbols", "", "compiler: write where the JIT code of each wasm function lives (start size name, hex) to this file")
	fs.BoolVar(&o.vm.alignGC, "align-gc", false, "start and end the counted cycles where a GC cycle of the plugin ends (guest GODEBUG=gctrace=1),\n"+
		"so a pair of runs differs by whole GC periods; prints the cycles actually counted")
	fs.BoolVar(&o.memory, "mem", false, "print the plugin's linear memory size after the first and the last cycle (leak check)")
	fs.BoolVar(&o.hostGC, "host-gc", false, "let the native (host) Go GC run; off by default, because host GC cycles land at\n"+
		"arbitrary points and make callgrind counts noisy (±10% per request); the plugin's own GC inside wasm always runs")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	switch {
	case o.wasm == "":
		return nil, fmt.Errorf("driver: -wasm is required")
	case o.n < 1:
		return nil, fmt.Errorf("driver: -n must be at least 1")
	case o.warmup < 0:
		return nil, fmt.Errorf("driver: -warmup must not be negative")
	case o.expect != "bridge" && o.expect != "noop":
		return nil, fmt.Errorf("driver: -expect must be bridge or noop, not %q", o.expect)
	case o.vm.runtime != "compiler" && o.vm.runtime != "interpreter":
		return nil, fmt.Errorf("driver: -runtime must be compiler or interpreter, not %q", o.vm.runtime)
	case o.vm.clock != "virtual" && o.vm.clock != "real" && o.vm.clock != "fake":
		return nil, fmt.Errorf("driver: -clock must be virtual, real or fake, not %q", o.vm.clock)
	case o.startup != "" && o.startup != "vm" && o.startup != "plugin":
		return nil, fmt.Errorf("driver: -startup must be vm or plugin, not %q", o.startup)
	case o.logLevel > 5:
		return nil, fmt.Errorf("driver: -log-level must be 0..5")
	}
	if o.symbols != "" && o.vm.runtime != "compiler" {
		return nil, fmt.Errorf("driver: -symbols needs -runtime compiler")
	}
	if _, ok := scenarios[o.scenario]; !ok {
		return nil, fmt.Errorf("driver: unknown -scenario %q (want %s)", o.scenario, scenarioNames())
	}
	return o, nil
}

func main() {
	o, err := parseFlags(os.Args[1:])
	if err != nil {
		if err == flag.ErrHelp {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	if !o.hostGC {
		debug.SetGCPercent(-1)
	}
	if !o.verbose {
		// The emulator log.Printf's every host log and foreign call; with
		// io.Discard the log package skips the formatting entirely.
		log.SetOutput(io.Discard)
	}
	if err := run(o, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
