package main

// statePool is a configuration's free list of finished requests' states: a stream's state
// comes from it in onRequestHeaders and goes back in onStreamDone, with the buffers a
// tools/call fills (the prepared arguments, the upstream request, the header map handed to
// the host, the JSON-RPC message, the redaction set of a call that adds a credential) kept
// for the next request. A tools/call then allocates
// almost nothing of its own, and the Go GC, which in a Wasm VM runs inside requests (by
// allocation assists), runs less often.
//
// It needs no lock: a proxy-wasm VM is single-threaded, and the host calls one hook at a time.
// A state goes back only when its stream is over (proxy_on_log, after which the host calls no
// hook of that stream) and nothing else holds it: a state that a callout may still resume (a
// JWKS fetch, an OAuth2 token request) is pinned and left to the GC. The buffers handed to the
// host (header map, request body, response body, local reply) are copied by the host during
// the call, so reusing them later changes nothing the host keeps.
//
// What it keeps is bounded: at most maxFreeStates states, each without any buffer that grew
// beyond maxKeptBuffer (one huge response does not pin its memory for the VM's life).
type statePool struct {
	free []*requestState
}

const (
	maxFreeStates = 16
	maxKeptBuffer = 64 << 10
)

func newStatePool() *statePool { return &statePool{free: make([]*requestState, 0, maxFreeStates)} }

// get returns an empty state, recycled when one is free.
func (p *statePool) get() *requestState {
	if n := len(p.free); n > 0 {
		st := p.free[n-1]
		p.free[n-1] = nil
		p.free = p.free[:n-1]
		return st
	}
	return &requestState{}
}

// put takes back the state of a finished stream, emptied, unless a callout may still use it
// or the list is full.
func (p *statePool) put(st *requestState) {
	if st.pinned || len(p.free) >= maxFreeStates {
		return
	}
	call, upstream, out, set := st.restCall, st.upstream, st.out, st.secretSet
	call.Recycle(maxKeptBuffer)
	upstream.Recycle(maxKeptBuffer)
	if cap(out) > maxKeptBuffer {
		out = nil
	}
	set.Clear() // no credential of the last call stays in memory
	*st = requestState{restCall: call, upstream: upstream, out: out[:0], secretSet: set}
	p.free = append(p.free, st)
}

// onStreamDone returns the stream's state to its configuration's pool.
func onStreamDone(ctx *httpContext, pc pluginConfig) {
	st := stateOf(ctx)
	if st == nil || pc.states == nil {
		return
	}
	ctx.st = nil
	pc.states.put(st)
}
