package wasmvm

import (
	"bytes"
	"context"
	"reflect"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
)

// Options.CopyHostReads: proxytest's host functions read their inputs with mod.Memory().Read, which returns a *view* of
// the guest's linear memory, and the host emulator keeps those views: header values set by the
// plugin, replaced bodies, local replies and property values all alias guest memory. The guest's
// garbage collector later reuses that memory, so a value read back after more guest code ran can
// have changed. That is harmless in one-shot unit tests and wrong in a gateway that interleaves
// streams and reads the rewritten request after a callout. The fix is at the boundary: the host
// module is built through copyingRuntime, which hands each host function a module whose Memory
// returns copies, except for the region proxytest writes right after proxy_on_memory_allocate
// (copyBytesToWasm), which must stay a view.

// The same wrapper replaces some of proxytest's host functions by the VM's own (Options.SharedData,
// Options.RedisInit): proxytest's have no way to be swapped, and its builder calls name the
// function only at Export, so the replacement happens there.
type copyingRuntime struct {
	wazero.Runtime
	copyReads bool
	overrides map[string]any // export name -> host function used instead of proxytest's
}

func (r copyingRuntime) NewHostModuleBuilder(name string) wazero.HostModuleBuilder {
	return &hostModuleBuilder{HostModuleBuilder: r.Runtime.NewHostModuleBuilder(name), rt: r}
}

type hostModuleBuilder struct {
	wazero.HostModuleBuilder
	rt copyingRuntime
}

func (b *hostModuleBuilder) NewFunctionBuilder() wazero.HostFunctionBuilder {
	return &hostFunctionBuilder{HostFunctionBuilder: b.HostModuleBuilder.NewFunctionBuilder(), parent: b}
}

type hostFunctionBuilder struct {
	wazero.HostFunctionBuilder
	parent *hostModuleBuilder
}

func (f *hostFunctionBuilder) WithFunc(fn interface{}) wazero.HostFunctionBuilder {
	if f.parent.rt.copyReads {
		fn = withCopyingModule(fn)
	}
	f.HostFunctionBuilder = f.HostFunctionBuilder.WithFunc(fn)
	return f
}

func (f *hostFunctionBuilder) WithGoFunction(fn api.GoFunction, params, results []api.ValueType) wazero.HostFunctionBuilder {
	f.HostFunctionBuilder = f.HostFunctionBuilder.WithGoFunction(fn, params, results)
	return f
}

func (f *hostFunctionBuilder) WithGoModuleFunction(fn api.GoModuleFunction, params, results []api.ValueType) wazero.HostFunctionBuilder {
	f.HostFunctionBuilder = f.HostFunctionBuilder.WithGoModuleFunction(fn, params, results)
	return f
}

func (f *hostFunctionBuilder) WithName(name string) wazero.HostFunctionBuilder {
	f.HostFunctionBuilder = f.HostFunctionBuilder.WithName(name)
	return f
}

func (f *hostFunctionBuilder) WithParameterNames(names ...string) wazero.HostFunctionBuilder {
	f.HostFunctionBuilder = f.HostFunctionBuilder.WithParameterNames(names...)
	return f
}

func (f *hostFunctionBuilder) WithResultNames(names ...string) wazero.HostFunctionBuilder {
	f.HostFunctionBuilder = f.HostFunctionBuilder.WithResultNames(names...)
	return f
}

func (f *hostFunctionBuilder) Export(name string) wazero.HostModuleBuilder {
	if fn, ok := f.parent.rt.overrides[name]; ok {
		f.HostFunctionBuilder = f.HostFunctionBuilder.WithFunc(fn) // replaces proxytest's (wazero keeps the last)
	}
	f.parent.HostModuleBuilder = f.HostFunctionBuilder.Export(name)
	return f.parent
}

var moduleType = reflect.TypeOf((*api.Module)(nil)).Elem()

// withCopyingModule wraps a host function whose parameters include an api.Module so that it
// receives a copyingModule instead.
func withCopyingModule(fn interface{}) interface{} {
	v := reflect.ValueOf(fn)
	t := v.Type()
	idx := -1
	for i := 0; i < t.NumIn(); i++ {
		if t.In(i) == moduleType {
			idx = i
		}
	}
	if idx < 0 {
		return fn
	}
	return reflect.MakeFunc(t, func(args []reflect.Value) []reflect.Value {
		m := args[idx].Interface().(api.Module)
		args[idx] = reflect.ValueOf(&copyingModule{Module: m})
		return v.Call(args)
	}).Interface()
}

// copyingModule lives for one host call.
type copyingModule struct {
	api.Module
	allocOff, allocSize uint32
	allocated           bool
}

func (m *copyingModule) Memory() api.Memory { return copyingMemory{Memory: m.Module.Memory(), m: m} }

func (m *copyingModule) ExportedFunction(name string) api.Function {
	fn := m.Module.ExportedFunction(name)
	if name == "proxy_on_memory_allocate" && fn != nil {
		return allocFunction{Function: fn, m: m}
	}
	return fn
}

type allocFunction struct {
	api.Function
	m *copyingModule
}

func (f allocFunction) Call(ctx context.Context, params ...uint64) ([]uint64, error) {
	res, err := f.Function.Call(ctx, params...)
	if err == nil && len(res) == 1 && len(params) == 1 {
		f.m.allocOff, f.m.allocSize, f.m.allocated = uint32(res[0]), uint32(params[0]), true
	}
	return res, err
}

type copyingMemory struct {
	api.Memory
	m *copyingModule
}

func (mem copyingMemory) Read(off, n uint32) ([]byte, bool) {
	b, ok := mem.Memory.Read(off, n)
	if !ok {
		return nil, false
	}
	if mem.m.allocated && off == mem.m.allocOff && n == mem.m.allocSize {
		mem.m.allocated = false
		return b, true // proxytest copies host data into this freshly allocated region
	}
	return bytes.Clone(b), true
}
