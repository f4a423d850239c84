package wasmsize

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
)

// buildWasm builds a Go package for wasip1 (a command, or c-shared).
func buildWasm(t *testing.T, pkg string, flags ...string) []byte {
	t.Helper()
	out := filepath.Join(t.TempDir(), "out.wasm")
	args := append(append([]string{"build", "-trimpath"}, flags...), "-o", out, pkg)
	cmd := exec.Command("go", args...)
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, b)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// instantiate loads a module without running _start or _initialize (only
// the wasm start function, if any) and returns its linear memory.
func instantiate(t *testing.T, bin []byte) []byte {
	t.Helper()
	ctx := context.Background()
	r := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfigInterpreter())
	defer r.Close(ctx)
	wasi_snapshot_preview1.MustInstantiate(ctx, r)
	mod, err := r.InstantiateWithConfig(ctx, bin, wazero.NewModuleConfig().WithStartFunctions())
	if err != nil {
		t.Fatalf("instantiate: %v", err)
	}
	mem, ok := mod.Memory().Read(0, mod.Memory().Size())
	if !ok {
		t.Fatal("read memory")
	}
	return bytes.Clone(mem)
}

// run runs a wasip1 command and returns what it printed.
func run(t *testing.T, bin []byte) string {
	t.Helper()
	ctx := context.Background()
	r := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfigInterpreter())
	defer r.Close(ctx)
	wasi_snapshot_preview1.MustInstantiate(ctx, r)
	var stdout, stderr bytes.Buffer
	_, err := r.InstantiateWithConfig(ctx, bin, wazero.NewModuleConfig().WithStdout(&stdout).WithStderr(&stderr))
	if err != nil {
		t.Fatalf("run: %v\nstderr:\n%s", err, stderr.String())
	}
	return stdout.String()
}

func TestSlimKeepsMemoryAndTracebacks(t *testing.T) {
	orig := buildWasm(t, "./testdata/traceback")
	for _, strip := range []bool{false, true} {
		slim, err := Slim(orig, strip)
		if err != nil {
			t.Fatalf("Slim(strip=%v): %v", strip, err)
		}
		if len(slim) >= len(orig)-len(orig)/20 {
			t.Errorf("strip=%v: %d bytes from %d: not 5%% smaller", strip, len(slim), len(orig))
		}
		m, err := Parse(slim)
		if err != nil {
			t.Fatalf("the slimmed module does not parse: %v", err)
		}
		if m.HasNames == strip {
			t.Errorf("strip=%v: name section present=%v", strip, m.HasNames)
		}
		// After instantiation (data segments loaded, start function run)
		// memory is the original's, byte for byte, followed by the pages
		// that held the compressed copy, zero again.
		a, b := instantiate(t, orig), instantiate(t, slim)
		if len(b) < len(a) || !allZero(b[len(a):]) {
			t.Fatalf("strip=%v: memory of %d bytes, the original's %d: the added pages are not zero", strip, len(b), len(a))
		}
		if b = b[:len(a)]; !bytes.Equal(a, b) {
			i := 0
			for a[i] == b[i] {
				i++
			}
			t.Fatalf("strip=%v: memory differs at %#x", strip, i)
		}
		// DataOnly keeps just that: the same memory again.
		do, err := DataOnly(orig)
		if err != nil {
			t.Fatal(err)
		}
		ds, err := DataOnly(slim)
		if err != nil {
			t.Fatal(err)
		}
		if c, d := instantiate(t, do), instantiate(t, ds); !bytes.Equal(c, a) || !bytes.Equal(d[:len(a)], a) {
			t.Errorf("strip=%v: DataOnly modules do not load the module's memory", strip)
		}
		want, got := run(t, orig), run(t, slim)
		if got != want {
			t.Errorf("strip=%v: output differs:\n--- original\n%s\n--- slimmed\n%s", strip, want, got)
		}
		for _, s := range []string{"main.(*walker).down", "main.frames", "main.recovered", "recovered assignment to entry in nil map", "done"} {
			if !strings.Contains(got, s) {
				t.Errorf("output lacks %q:\n%s", s, got)
			}
		}
	}
}

func TestSlimRefusesWhatItDoesNotKnow(t *testing.T) {
	orig := buildWasm(t, "./testdata/traceback")
	m, err := Parse(orig)
	if err != nil {
		t.Fatal(err)
	}
	ranges, err := DataRanges(m.Segments)
	if err != nil {
		t.Fatal(err)
	}
	var ft Range
	for _, r := range ranges {
		if r.Name == FindFuncTab {
			ft = r
		}
	}
	if ft.End-ft.Start < 20*16*100 {
		t.Fatalf("findfunctab [%#x, %#x) is too small for a Go program", ft.Start, ft.End)
	}
	// A table that is not the wasm layout (a bucket pointing elsewhere, a
	// non-zero sub-bucket offset) is refused, not rewritten.
	for _, c := range []struct {
		name string
		at   uint64
		val  byte
	}{
		{"bucket index", ft.Start + 20*37, 9},
		{"sub-bucket offset", ft.Start + 20*37 + 5, 1},
	} {
		bad := patchMemory(t, orig, m, c.at, c.val)
		if _, err := Slim(bad, false); err == nil || !strings.Contains(err.Error(), "not the wasm layout") {
			t.Errorf("%s changed: Slim error = %v", c.name, err)
		}
	}
	slim, err := Slim(orig, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Slim(slim, false); err == nil {
		t.Error("slimming a slimmed module: no error")
	}
}

// patchMemory returns bin with the byte loaded at address at set to val, in
// the data segment that holds it (a new one-byte segment if none does).
func patchMemory(t *testing.T, bin []byte, m *Module, at uint64, val byte) []byte {
	t.Helper()
	for _, s := range m.Segments {
		if at >= uint64(s.Offset) && at < uint64(s.Offset)+uint64(len(s.Data)) {
			// Parse slices segments out of bin: a segment's capacity ends where
			// bin's does, which tells where it starts in the file.
			i := cap(bin) - cap(s.Data)
			out := bytes.Clone(bin)
			out[i+int(at-uint64(s.Offset))] = val
			return out
		}
	}
	mem := image(m.Segments)
	if at >= uint64(len(mem)) {
		mem = append(mem, make([]byte, at+1-uint64(len(mem)))...)
	}
	mem[at] = val
	data, err := dataSection(mem)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	out.Write(bin[:8])
	for _, s := range m.Sections {
		body := s.Body
		if s.ID == 11 {
			body = data
		}
		writeSection(&out, s.ID, body)
	}
	return out.Bytes()
}

// dataSection cuts a memory image into active segments as the Go linker does
// (cmd/link/internal/wasm writeDataSec): leading zeros skipped, a new segment
// where at least 8 zero bytes (a segment header's size) would be saved.
func dataSection(mem []byte) ([]byte, error) {
	const overhead = 8
	type seg struct{ off, end int }
	var segs []seg
	i := 0
	for i < len(mem) {
		for i < len(mem) && mem[i] == 0 {
			i++
		}
		if i == len(mem) {
			break
		}
		start, end := i, i
		for {
			for end < len(mem) && mem[end] != 0 {
				end++
			}
			zeros := end
			for zeros < len(mem) && mem[zeros] == 0 {
				zeros++
			}
			if zeros-end >= overhead || zeros == len(mem) {
				break
			}
			end = zeros
		}
		segs = append(segs, seg{start, end})
		i = end
	}
	// V8 (Envoy's engine) refuses a module with more (kV8MaxWasmDataSegments).
	if len(segs) > 100000 {
		return nil, fmt.Errorf("%d data segments, more than engines accept", len(segs))
	}
	out := uleb(nil, uint64(len(segs)))
	for _, s := range segs {
		out = append(out, 0, 0x41) // memory 0, i32.const
		out = sleb(out, int64(int32(s.off)))
		out = append(out, 0x0b)
		out = uleb(out, uint64(s.end-s.off))
		out = append(out, mem[s.off:s.end]...)
	}
	return out, nil
}
