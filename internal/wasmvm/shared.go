package wasmvm

import (
	"context"
	"sync"

	"github.com/tetratelabs/wazero/api"
)

// Status is a proxy-wasm host call result (proxy-wasm spec, WasmResult).
type Status uint32

// The statuses the VM's own host functions return.
const (
	StatusOK          Status = 0
	StatusNotFound    Status = 1
	StatusBadArgument Status = 2
	StatusCasMismatch Status = 8
)

// SharedData is Envoy's process-wide key-value store behind proxy_get_shared_data and
// proxy_set_shared_data (proxy-wasm-cpp-host src/shared_data.cc), which every VM of the process
// with the same vm_id reads and writes:
//   - values and their cas are kept per vm_id and key;
//   - get of an unknown key is NotFound; otherwise it returns the value and its cas;
//   - set with cas 0 is unconditional; with a cas that differs from the key's current one it is
//     CasMismatch and changes nothing; a set of a key that does not exist always succeeds;
//   - every successful set gives the key the next value of one process-wide counter, which
//     starts at 1 and skips 0 when it wraps, so a cas is never 0 and never reused soon.
//
// proxytest's emulator differs (one map per emulator, cas counted per key from the caller's
// cas, and cas 0 refused on an existing key), which is why the VM can be given this one.
type SharedData struct {
	mu   sync.Mutex
	data map[string]map[string]sharedValue
	cas  uint32
}

type sharedValue struct {
	value []byte
	cas   uint32
}

// NewSharedData returns an empty store.
func NewSharedData() *SharedData {
	return &SharedData{data: map[string]map[string]sharedValue{}, cas: 1}
}

// Get returns a copy of the value of key under vmID and its cas.
func (s *SharedData) Get(vmID, key string) (value []byte, cas uint32, status Status) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.data[vmID][key]
	if !ok {
		return nil, 0, StatusNotFound
	}
	return append([]byte(nil), v.value...), v.cas, StatusOK
}

// Set stores a copy of value under vmID and key if cas is 0 or the key's current cas.
func (s *SharedData) Set(vmID, key string, value []byte, cas uint32) Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.data[vmID]
	if !ok {
		m = map[string]sharedValue{}
		s.data[vmID] = m
	}
	if cur, ok := m[key]; ok && cas != 0 && cas != cur.cas {
		return StatusCasMismatch
	}
	m[key] = sharedValue{value: append([]byte(nil), value...), cas: s.nextCas()}
	return StatusOK
}

func (s *SharedData) nextCas() uint32 {
	c := s.cas
	s.cas++
	if s.cas == 0 {
		s.cas++
	}
	return c
}

// hostOverrides are the VM's own host functions that replace proxytest's.
func (o *Options) hostOverrides() map[string]any {
	m := map[string]any{}
	if sd, vmID := o.SharedData, o.VMID; sd != nil {
		m["proxy_get_shared_data"] = func(ctx context.Context, mod api.Module, keyData, keySize, retData, retSize, retCas uint32) uint32 {
			key, ok := mod.Memory().Read(keyData, keySize)
			if !ok {
				return uint32(StatusBadArgument)
			}
			value, cas, st := sd.Get(vmID, string(key))
			if st != StatusOK {
				return uint32(st)
			}
			if !writeGuestBytes(ctx, mod, value, retData, retSize) || !mod.Memory().WriteUint32Le(retCas, cas) {
				return uint32(StatusBadArgument)
			}
			return uint32(StatusOK)
		}
		m["proxy_set_shared_data"] = func(_ context.Context, mod api.Module, keyData, keySize, valueData, valueSize, cas uint32) uint32 {
			key, ok1 := mod.Memory().Read(keyData, keySize)
			value, ok2 := mod.Memory().Read(valueData, valueSize)
			if !ok1 || !ok2 {
				return uint32(StatusBadArgument)
			}
			return uint32(sd.Set(vmID, string(key), value, cas))
		}
	}
	if o.Metrics != nil {
		o.Metrics.hostFunctions(m)
	}
	if init := o.RedisInit; init != nil {
		m["proxy_redis_init"] = func(_ context.Context, mod api.Module, clusterData, clusterSize, userData, userSize, passData, passSize, timeout uint32) uint32 {
			cluster, ok1 := mod.Memory().Read(clusterData, clusterSize)
			user, ok2 := mod.Memory().Read(userData, userSize)
			pass, ok3 := mod.Memory().Read(passData, passSize)
			if !ok1 || !ok2 || !ok3 {
				return uint32(StatusBadArgument)
			}
			return uint32(init(string(cluster), string(user), string(pass), timeout))
		}
	}
	if live := o.LiveContext; live != nil {
		m["proxy_set_effective_context"] = func(id uint32) uint32 {
			if !live(id) {
				return uint32(StatusBadArgument)
			}
			return sdkSetEffectiveContext(id)
		}
	}
	return m
}

// writeGuestBytes hands b to the guest as Envoy does: in memory the guest allocates
// (proxy_on_memory_allocate), its address and size written at ptrAddr and sizeAddr. An empty
// value is size 0 and address 0, with nothing allocated.
func writeGuestBytes(ctx context.Context, mod api.Module, b []byte, ptrAddr, sizeAddr uint32) bool {
	var addr uint32
	if len(b) > 0 {
		alloc := mod.ExportedFunction("proxy_on_memory_allocate")
		if alloc == nil {
			return false
		}
		res, err := alloc.Call(ctx, uint64(len(b)))
		if err != nil {
			panic(Trap{"proxy_on_memory_allocate", err})
		}
		addr = uint32(res[0])
		if !mod.Memory().Write(addr, b) {
			return false
		}
	}
	return mod.Memory().WriteUint32Le(ptrAddr, addr) && mod.Memory().WriteUint32Le(sizeAddr, uint32(len(b)))
}
