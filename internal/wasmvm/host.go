package wasmvm

import (
	"sync"
	"unsafe"

	"github.com/higress-group/proxy-wasm-go-sdk/proxywasm/proxytest"
)

// proxytest keeps its host in process globals of the SDK's internal package: the registered
// host emulator that every proxy_* import calls (currentHost, guarded by mutex), and the
// context state (currentState: the VM context, plugin and HTTP contexts, callout callbacks).
// NewHostEmulator takes mutex and holds it until its reset function runs, so a process has one
// emulator at a time. Envoy runs one VM per worker thread, all in one process; to run several
// VMs, Host keeps each emulator's globals and installs them, under mutex, around every call
// into that emulator (Do). The variables are reached by linkname, like exportHostABI; their
// declared types here only copy the values (an interface is two words, a *state one).

//go:linkname sdkHostMutex github.com/higress-group/proxy-wasm-go-sdk/proxywasm/internal.mutex
var sdkHostMutex *sync.Mutex

//go:linkname sdkCurrentHost github.com/higress-group/proxy-wasm-go-sdk/proxywasm/internal.currentHost
var sdkCurrentHost [2]unsafe.Pointer

//go:linkname sdkCurrentState github.com/higress-group/proxy-wasm-go-sdk/proxywasm/internal.currentState
var sdkCurrentState unsafe.Pointer

// sdkSetEffectiveContext is proxytest's proxy_set_effective_context (through the registered host).
//
//go:linkname sdkSetEffectiveContext github.com/higress-group/proxy-wasm-go-sdk/proxywasm/internal.ProxySetEffectiveContext
func sdkSetEffectiveContext(id uint32) uint32

//go:linkname sdkVMStateReset github.com/higress-group/proxy-wasm-go-sdk/proxywasm/internal.VMStateReset
func sdkVMStateReset()

// Host is a proxytest host emulator that can live next to others in one process. Call into it
// (and into its VM) only through Do.
type Host struct {
	emu   proxytest.HostEmulator
	host  [2]unsafe.Pointer
	state unsafe.Pointer
}

// NewHost creates the emulator (proxytest.NewHostEmulator, which creates the plugin's root
// context) and releases proxytest's lock, keeping the emulator's state for Do. Between calls the
// SDK's globals hold a fresh state that belongs to no Host, so NewHost and Do never write into
// another Host's state.
func NewHost(opt *proxytest.EmulatorOption) *Host {
	emu, reset := proxytest.NewHostEmulator(opt)
	h := &Host{emu: emu, host: sdkCurrentHost, state: sdkCurrentState}
	reset() // a fresh state for the next user, then unlock
	return h
}

// Do runs fn with h's emulator and state installed, holding proxytest's lock, so no other Host
// (or proxytest user) runs meanwhile. A panic in fn (a trap) propagates after the lock is
// released.
func (h *Host) Do(fn func(emu proxytest.HostEmulator)) {
	sdkHostMutex.Lock()
	defer sdkHostMutex.Unlock()
	sdkCurrentHost, sdkCurrentState = h.host, h.state
	defer func() {
		h.state = sdkCurrentState // proxytest never swaps it during a call; kept in case
		sdkCurrentHost = [2]unsafe.Pointer{}
		sdkVMStateReset()
	}()
	fn(h.emu)
}
