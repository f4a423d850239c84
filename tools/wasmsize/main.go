// Command wasmsize tells what a Go .wasm carries, and slims it.
//
//	wasmsize [-pkgs list] [-top n] [-funcs n] file.wasm
//	wasmsize -slim [-strip] -o out.wasm file.wasm
//	wasmsize -instantiate n file.wasm
//
// The report: bytes per section, code bytes per Go package and per module (from
// the name section), and the data section split into the parts the Go linker
// lays out (pclntab, findfunctab, type descriptors, data). `go tool nm` does not
// read wasm, so this reads the module itself. A function's size is its body in
// the code section; its package comes from the symbol name the linker writes
// into the name section, so the file must be built without -ldflags=-s.
//
// -slim writes the module with its data section compressed and a start
// function that restores the memory at load (wasmsize.Slim); -strip also
// drops the name section.
//
// -instantiate instantiates n times, in wazero's compiler, a module made of
// the file's memory, data and start function only (wasmsize.DataOnly): under
// callgrind, the difference between two counts is what loading the initial
// memory costs.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/tetratelabs/wazero"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/tools/wasmsize/wasmsize"
)

func main() {
	top := flag.Int("top", 40, "rows of the per-package table (0: all)")
	funcs := flag.Int("funcs", 25, "largest functions to list")
	pkgs := flag.String("pkgs", "", "file with the output of: go list -deps -f '"+wasmsize.ListFormat+"' for the same build, to name packages and modules exactly")
	slim := flag.Bool("slim", false, "write a slimmed module to -o instead of reporting")
	strip := flag.Bool("strip", false, "with -slim: drop the name section")
	out := flag.String("o", "", "with -slim: output file")
	inst := flag.Int("instantiate", 0, "instantiate the file's memory, data and start function this many times")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: wasmsize [-pkgs list] [-top n] [-funcs n] file.wasm\n       wasmsize -slim [-strip] -o out.wasm file.wasm\n       wasmsize -instantiate n file.wasm")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	var err error
	switch {
	case *slim:
		err = slimFile(flag.Arg(0), *out, *strip)
	case *inst > 0:
		err = instantiate(flag.Arg(0), *inst)
	default:
		err = run(os.Stdout, flag.Arg(0), *pkgs, *top, *funcs)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "wasmsize:", err)
		os.Exit(1)
	}
}

func run(w io.Writer, path, pkgFile string, top, funcs int) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	m, err := wasmsize.Parse(b)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	var pkgs wasmsize.Packages
	if pkgFile != "" {
		raw, err := os.ReadFile(pkgFile)
		if err != nil {
			return err
		}
		pkgs = wasmsize.ParsePackages(string(raw))
	}
	return wasmsize.Report(w, path, m, &pkgs, top, funcs)
}

func slimFile(in, out string, strip bool) error {
	if out == "" {
		return fmt.Errorf("-slim needs -o")
	}
	b, err := os.ReadFile(in)
	if err != nil {
		return err
	}
	s, err := wasmsize.Slim(b, strip)
	if err != nil {
		return fmt.Errorf("%s: %w", in, err)
	}
	return os.WriteFile(out, s, 0o644)
}

func instantiate(path string, n int) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	mod, err := wasmsize.DataOnly(b)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	ctx := context.Background()
	r := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfigCompiler())
	defer r.Close(ctx)
	cm, err := r.CompileModule(ctx, mod)
	if err != nil {
		return err
	}
	for range n {
		m, err := r.InstantiateModule(ctx, cm, wazero.NewModuleConfig().WithName(""))
		if err != nil {
			return err
		}
		if err := m.Close(ctx); err != nil {
			return err
		}
	}
	return nil
}
