package main

import (
	"bytes"
	"fmt"
	"io"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestMain(m *testing.M) {
	log.SetOutput(io.Discard) // the host emulator logs every host call
	os.Exit(m.Run())
}

// buildNoop compiles bench/noop the way bench/run.sh does.
func buildNoop(t *testing.T) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "noop.wasm")
	cmd := exec.Command("go", "build", "-buildmode=c-shared", "-trimpath", "-o", out, "../noop")
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm")
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build noop wasm: %v\n%s", err, msg)
	}
	return out
}

// TestDriverNoop keeps the bench harness from rotting: the no-op plugin runs
// three checked cycles in both wazero engines, the compiler one with the
// symbol table that bench/cgprof reads.
func TestDriverNoop(t *testing.T) {
	wasm := buildNoop(t)
	syms := filepath.Join(t.TempDir(), "noop.sym")
	for _, rt := range []string{"interpreter", "compiler"} {
		t.Run(rt, func(t *testing.T) {
			args := []string{"-wasm", wasm, "-config", "../config.json", "-expect", "noop", "-n", "3", "-check", "-runtime", rt}
			if rt == "compiler" {
				if testing.Short() || raceEnabled {
					t.Skip("compiling the module takes seconds (over a minute under -race); make bench runs it")
				}
				args = append(args, "-symbols", syms)
			}
			o, err := parseFlags(args)
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			if err := run(o, &out); err != nil {
				t.Fatal(err)
			}
			want := "ok: 3 noop cycles (tools/call get_pet, scenario apikey, wazero " + rt + ") through " + wasm + "\n"
			if out.String() != want {
				t.Fatalf("output %q, want %q", out.String(), want)
			}
		})
	}
	if testing.Short() || raceEnabled {
		return
	}
	checkSymbols(t, syms)
}

func checkSymbols(t *testing.T, syms string) {
	t.Helper()
	raw, err := os.ReadFile(syms)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{" main.onRequestBody\n", " host:env.proxy_get_header_map_value\n", " runtime.mallocgc\n"} {
		if !strings.Contains(string(raw), want) {
			t.Errorf("symbol table lacks %q", strings.TrimSpace(want))
		}
	}
}

// TestDriverAlignGC: with -align-gc the counted cycles run on to the end of a
// GC cycle of the plugin, and the driver says how many there were.
func TestDriverAlignGC(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("runs ~2000 cycles through the compiled module; make bench runs it")
	}
	wasm := buildNoop(t)
	o, err := parseFlags([]string{"-wasm", wasm, "-config", "../config.json", "-expect", "noop", "-n", "3",
		"-warmup", "5", "-align-gc", "-cache", t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run(o, &out); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 || lines[1] != "wasm GC cycles in the counted cycles: 1" {
		t.Fatalf("output %q, want the ok line and exactly one GC cycle", out.String())
	}
	var n int
	if _, err := fmt.Sscanf(lines[0], "ok: %d noop cycles", &n); err != nil || n <= 3 {
		t.Fatalf("ok line %q: want more than the 3 requested cycles (extended to a GC end)", lines[0])
	}
}

// TestDriverRefusesWrongOutcome: the checks must fail when the plugin does not
// do what the bench claims to measure, and name the first thing that is wrong:
// here a plugin that rewrites nothing, answers nothing and requests no token,
// measured as if it were the bridge in every exchange.
func TestDriverRefusesWrongOutcome(t *testing.T) {
	wasm := buildNoop(t)
	for sc, want := range map[string]string{
		"apikey":      `driver: cycle 1 of 3 (-expect bridge, -scenario apikey): upstream request: :method "POST", want GET`,
		"passthrough": `driver: cycle 1 of 3 (-expect bridge, -scenario passthrough): upstream request: :method "POST", want GET`,
		"oauth2":      "driver: priming cycle (-expect bridge, -scenario oauth2): the first call made 0 token requests, want 1 (it had no token yet)",
		"toolslist":   "driver: cycle 1 of 3 (-expect bridge, -scenario toolslist): tools/list was not answered by the plugin (the request went upstream)",
	} {
		t.Run(sc, func(t *testing.T) {
			o, err := parseFlags([]string{"-wasm", wasm, "-config", "../config.json", "-expect", "bridge", "-n", "3",
				"-runtime", "interpreter", "-scenario", sc})
			if err != nil {
				t.Fatal(err)
			}
			err = run(o, &bytes.Buffer{})
			if err == nil || err.Error() != want {
				t.Fatalf("err = %v, want %q", err, want)
			}
		})
	}
}

// TestDriverStartup: -startup starts without serving a request, from a JSON or a
// YAML config, and reports the linear memory; a config the plugin refuses fails.
func TestDriverStartup(t *testing.T) {
	wasm := buildNoop(t)
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(bad, []byte("tools: [\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ startup, config, want string }{
		{"vm", "../config.json", "ok: vm started (../config.json, wazero interpreter), wasm memory "},
		{"plugin", "../../testdata/configs/large-catalog.yaml", "ok: plugin started (../../testdata/configs/large-catalog.yaml, wazero interpreter), wasm memory "},
		{"plugin", bad, "driver: " + bad + ": "},
	} {
		o, err := parseFlags([]string{"-wasm", wasm, "-config", tt.config, "-startup", tt.startup, "-runtime", "interpreter"})
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		err = run(o, &out)
		got := out.String()
		if err != nil {
			got = err.Error()
		}
		if !strings.HasPrefix(got, tt.want) {
			t.Errorf("-startup %s -config %s: %q, want it to start with %q", tt.startup, tt.config, got, tt.want)
		}
	}
}

func TestParseFlags(t *testing.T) {
	tests := []struct {
		args []string
		err  string
	}{
		{[]string{}, "driver: -wasm is required"},
		{[]string{"-wasm", "x", "-n", "0"}, "driver: -n must be at least 1"},
		{[]string{"-wasm", "x", "-expect", "maybe"}, `driver: -expect must be bridge or noop, not "maybe"`},
		{[]string{"-wasm", "x", "-runtime", "jit"}, `driver: -runtime must be compiler or interpreter, not "jit"`},
		{[]string{"-wasm", "x", "-scenario", "oauth"}, `driver: unknown -scenario "oauth" (want apikey, oauth2, passthrough, toolslist)`},
		{[]string{"-wasm", "x", "-runtime", "interpreter", "-symbols", "s"}, "driver: -symbols needs -runtime compiler"},
		{[]string{"-wasm", "x", "-log-level", "6"}, "driver: -log-level must be 0..5"},
		{[]string{"-wasm", "x", "-clock", "slow"}, `driver: -clock must be virtual, real or fake, not "slow"`},
		{[]string{"-wasm", "x", "-warmup", "-1"}, "driver: -warmup must not be negative"},
		{[]string{"-wasm", "x", "-startup", "all"}, `driver: -startup must be vm or plugin, not "all"`},
	}
	for _, tt := range tests {
		_, err := parseFlags(tt.args)
		if err == nil || err.Error() != tt.err {
			t.Errorf("parseFlags(%q) = %v, want %q", tt.args, err, tt.err)
		}
	}
}

func TestPetResponseIsOneKiB(t *testing.T) {
	if got := len(petResponse()); got != 1024 {
		t.Fatalf("response body is %d bytes, want 1024", got)
	}
	if !jsonEqual(petResponse(), petResponse()) {
		t.Fatal("response body is not valid JSON")
	}
}

// buildPlugin compiles the bridge the way bench/run.sh does.
func buildPlugin(t *testing.T) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "plugin.wasm")
	cmd := exec.Command("go", "build", "-buildmode=c-shared", "-trimpath", "-o", out, "../../plugin")
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm")
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build plugin wasm: %v\n%s", err, msg)
	}
	return out
}

// TestDriverOAuth2TokenRequests: the oauth2 exchange passes with the real plugin,
// and fails when a counted call needs a token request: here the cached token has
// expired (the guest clock moved two hours on), so the plugin rightly pauses the
// call for a new token, which a measurement of the cached-token path must refuse.
func TestDriverOAuth2TokenRequests(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("builds and runs the plugin's .wasm; make bench runs this exchange")
	}
	wasm := buildPlugin(t)
	o, err := parseFlags([]string{"-wasm", wasm, "-config", "../config.json", "-n", "2", "-scenario", "oauth2", "-runtime", "interpreter"})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run(o, &out); err != nil {
		t.Fatalf("cached-token run: %v", err)
	}
	cfg, err := os.ReadFile(o.config)
	if err != nil {
		t.Fatal(err)
	}
	vm, host, reset, err := start(o, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer vm.Close()
	defer reset()
	sc := scenarios["oauth2"]
	fx, err := newFixtures(sc, cfg)
	if err != nil {
		t.Fatal(err)
	}
	l := &loop{o: o, vm: vm, host: host, fx: fx, verify: verifier("bridge", sc, fx), out: &bytes.Buffer{}, watchTokens: true}
	if err := l.primeToken(); err != nil {
		t.Fatal(err)
	}
	l.vm.clock.ns += int64(2 * time.Hour)
	_, err = l.counted()
	want := "driver: cycle 1 of 2 (-expect bridge, -scenario oauth2): the call paused for a token request after the token was cached"
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Fatalf("err = %v, want %q", err, want)
	}
}
