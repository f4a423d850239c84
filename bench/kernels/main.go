// Command kernels runs a bench/kernels/guest module in wazero's compiler, as bench/driver
// runs the plugin, so that run.sh can count the guest's instructions under callgrind.
//
//	kernels <guest.wasm> <cache dir> <kernel> <n> [json|text|cjk]
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
)

func main() {
	ctx := context.Background()
	if len(os.Args) < 5 {
		fmt.Fprintln(os.Stderr, "usage: kernels guest.wasm cachedir kernel n [json|text|cjk]")
		os.Exit(2)
	}
	wasm, err := os.ReadFile(os.Args[1])
	if err != nil {
		panic(err)
	}
	cache, err := wazero.NewCompilationCacheWithDir(os.Args[2])
	if err != nil {
		panic(err)
	}
	r := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfigCompiler().WithCompilationCache(cache))
	wasi_snapshot_preview1.MustInstantiate(ctx, r)
	mod, err := r.CompileModule(ctx, wasm)
	if err != nil {
		panic(err)
	}
	cfg := wazero.NewModuleConfig().WithStdout(os.Stdout).WithStderr(os.Stderr).WithArgs(append([]string{"guest"}, os.Args[3:]...)...)
	if _, err := r.InstantiateModule(ctx, mod, cfg); err != nil {
		panic(err)
	}
}
