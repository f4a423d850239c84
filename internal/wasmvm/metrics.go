package wasmvm

import (
	"context"
	"sort"
	"sync"

	"github.com/tetratelabs/wazero/api"
)

// CustomPrefix is what Envoy puts before the name of every metric a Wasm module defines
// (its /stats lists "wasmcustom.<name>").
const CustomPrefix = "wasmcustom."

// Metrics is Envoy's stats store as proxy_define_metric and friends see it: one store per
// process, shared by every VM, so that worker VMs that define the same name count into one
// metric (proxytest keeps one per emulator). Ids are process-wide.
type Metrics struct {
	mu     sync.Mutex
	ids    map[string]uint32
	names  []string
	values []uint64
}

// NewMetrics returns an empty store.
func NewMetrics() *Metrics { return &Metrics{ids: map[string]uint32{}} }

// Stat is one metric: its name as /stats prints it and its value.
type Stat struct {
	Name  string
	Value uint64
}

func (m *Metrics) define(name string) uint32 {
	m.mu.Lock()
	defer m.mu.Unlock()
	if id, ok := m.ids[name]; ok {
		return id
	}
	id := uint32(len(m.names))
	m.ids[name] = id
	m.names = append(m.names, CustomPrefix+name)
	m.values = append(m.values, 0)
	return id
}

// update applies fn to metric id's value; false for an unknown id.
func (m *Metrics) update(id uint32, fn func(v uint64) uint64) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	if int(id) >= len(m.values) {
		return false
	}
	m.values[id] = fn(m.values[id])
	return true
}

// Snapshot returns every metric, sorted by name.
func (m *Metrics) Snapshot() []Stat {
	m.mu.Lock()
	out := make([]Stat, len(m.names))
	for i, n := range m.names {
		out[i] = Stat{n, m.values[i]}
	}
	m.mu.Unlock()
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// hostFunctions serves the metric ABI from m.
func (m *Metrics) hostFunctions(out map[string]any) {
	out["proxy_define_metric"] = func(_ context.Context, mod api.Module, _, nameData, nameSize, retID uint32) uint32 {
		name, ok := mod.Memory().Read(nameData, nameSize)
		if !ok || !mod.Memory().WriteUint32Le(retID, m.define(string(name))) {
			return uint32(StatusBadArgument)
		}
		return uint32(StatusOK)
	}
	out["proxy_increment_metric"] = func(id uint32, offset int64) uint32 {
		return status(m.update(id, func(v uint64) uint64 { return v + uint64(offset) }))
	}
	out["proxy_record_metric"] = func(id uint32, value uint64) uint32 {
		return status(m.update(id, func(uint64) uint64 { return value }))
	}
	out["proxy_get_metric"] = func(_ context.Context, mod api.Module, id, retValue uint32) uint32 {
		var v uint64
		if !m.update(id, func(x uint64) uint64 { v = x; return x }) {
			return uint32(StatusNotFound)
		}
		if !mod.Memory().WriteUint64Le(retValue, v) {
			return uint32(StatusBadArgument)
		}
		return uint32(StatusOK)
	}
}

func status(ok bool) uint32 {
	if ok {
		return uint32(StatusOK)
	}
	return uint32(StatusNotFound)
}
