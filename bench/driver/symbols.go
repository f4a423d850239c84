package main

import (
	"fmt"
	"io"
	"reflect"
	"sort"
	"unsafe"

	"github.com/tetratelabs/wazero"
)

// Callgrind sees JIT-compiled wasm code as anonymous addresses ("???:0x5197bf70").
// writeSymbols writes a perf-map style table (start size name, hex; in no
// particular order) of where wazero put each wasm function in this process, so
// bench/cgprof can name them. It runs inside the measured process, so it does
// the same work in every run: no sorting of map-ordered input.
// wazero does not expose this, so we read its internals (pinned at v1.7.2,
// wazevo engine) through reflection; any layout change is an error, not a guess.
func writeSymbols(w io.Writer, r wazero.Runtime) error {
	syms, err := jitSymbols(r)
	if err != nil {
		return fmt.Errorf("driver: symbols: %w (needs -runtime compiler and wazero v1.7.2)", err)
	}
	for _, s := range syms {
		if _, err := fmt.Fprintf(w, "%x %x %s\n", s.start, s.size, s.name); err != nil {
			return err
		}
	}
	return nil
}

type symbol struct {
	start, size uintptr
	name        string
}

func jitSymbols(r wazero.Runtime) (syms []symbol, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("unexpected wazero layout: %v", p)
		}
	}()
	store := field(reflect.ValueOf(r).Elem(), "store").Elem()
	engine := field(store, "Engine").Elem().Elem()
	if engine.Type().String() != "wazevo.engine" {
		return nil, fmt.Errorf("engine is %s", engine.Type())
	}
	// Map order is random per process; sort the few modules by address, not the
	// thousands of symbols, so the cost is the same in the N and 3N runs.
	var mods []reflect.Value
	iter := field(engine, "compiledModules").MapRange()
	for iter.Next() {
		mods = append(mods, iter.Value().Elem())
	}
	sort.Slice(mods, func(i, j int) bool { return moduleBase(mods[i]) < moduleBase(mods[j]) })
	for _, cm := range mods {
		syms = append(syms, moduleSymbols(cm)...)
	}
	shared := field(engine, "sharedFunctions").Elem()
	for i := 0; i < shared.NumField(); i++ {
		if f := field(shared, shared.Type().Field(i).Name); f.Kind() == reflect.Slice && f.Len() > 0 {
			syms = append(syms, symbol{f.Pointer(), uintptr(f.Len()), "wazero." + shared.Type().Field(i).Name})
		}
	}
	return syms, nil
}

func moduleBase(cm reflect.Value) uintptr {
	return field(field(cm, "executables").Elem(), "executable").Pointer()
}

// moduleSymbols names each function of one compiled module (guest code, or the
// trampolines of a host module such as proxytest's "env").
func moduleSymbols(cm reflect.Value) []symbol {
	exes := field(cm, "executables").Elem()
	exe := field(exes, "executable")
	offsets := field(cm, "functionOffsets").Interface().([]int)
	mod := field(cm, "module").Elem()
	imported := int(field(mod, "ImportFunctionCount").Uint())
	names := map[int]string{}
	if ns := field(mod, "NameSection"); !ns.IsNil() {
		prefix := field(ns.Elem(), "ModuleName").String()
		fnames := field(ns.Elem(), "FunctionNames")
		for i := 0; i < fnames.Len(); i++ {
			names[int(fnames.Index(i).Field(0).Uint())] = fnames.Index(i).Field(1).String()
		}
		if prefix != "" && field(mod, "IsHostModule").Bool() {
			for k, v := range names {
				names[k] = "host:" + prefix + "." + v
			}
		}
	}
	var out []symbol
	if exe.Len() == 0 {
		return nil
	}
	ends := append(append([]int(nil), offsets...), exe.Len())
	sort.Ints(ends)
	for i, off := range offsets {
		end := ends[sort.SearchInts(ends, off+1)]
		name, ok := names[imported+i]
		if !ok {
			name = fmt.Sprintf("wasm-function[%d]", imported+i)
		}
		out = append(out, symbol{exe.Pointer() + uintptr(off), uintptr(end - off), name})
	}
	pre := field(exes, "entryPreambles")
	for i := 0; i < pre.Len(); i++ {
		if p := pre.Index(i); p.Len() > 0 {
			out = append(out, symbol{p.Pointer(), uintptr(p.Len()), "wazero.entryPreamble"})
		}
	}
	return out
}

// field reads a (possibly unexported) struct field; panics if it is missing.
func field(v reflect.Value, name string) reflect.Value {
	f := v.FieldByName(name)
	if !f.IsValid() {
		panic(fmt.Sprintf("%s has no field %s", v.Type(), name))
	}
	return reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem()
}
