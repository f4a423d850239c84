package wasmvm

import (
	"bytes"
	"io"
	"log"
	"runtime"
	"testing"

	"github.com/higress-group/proxy-wasm-go-sdk/proxywasm"
	"github.com/higress-group/proxy-wasm-go-sdk/proxywasm/proxytest"
	"github.com/higress-group/proxy-wasm-go-sdk/proxywasm/types"
)

// A native (Go mode) plugin in proxytest's emulator, the same emulator type a VM runs in: each
// stream logs a line, rewrites a header, and either dispatches a callout it never gets an
// answer to (path /callout) or answers with a local reply carrying its request body.
type relVM struct{ types.DefaultVMContext }

func (*relVM) NewPluginContext(uint32) types.PluginContext { return &relPlugin{} }

type relPlugin struct{ types.DefaultPluginContext }

func (*relPlugin) NewHttpContext(uint32) types.HttpContext { return &relStream{} }

type relStream struct {
	types.DefaultHttpContext
	callout bool
}

func (s *relStream) OnHttpRequestHeaders(int, bool) types.Action {
	proxywasm.LogInfo("request headers")
	path, _ := proxywasm.GetHttpRequestHeader(":path")
	_ = proxywasm.ReplaceHttpRequestHeader("x-seen", path)
	s.callout = path == "/callout"
	return types.ActionContinue
}

func (s *relStream) OnHttpRequestBody(n int, end bool) types.Action {
	if !end {
		return types.ActionPause
	}
	if s.callout {
		_, _ = proxywasm.DispatchHttpCall("auth", [][2]string{{":path", "/token"}}, nil, nil, 1000, func(int, int, int) {})
		return types.ActionPause
	}
	body, _ := proxywasm.GetHttpRequestBody(0, n)
	_ = proxywasm.SendHttpResponse(200, nil, body, -1)
	return types.ActionPause
}

// runStreams runs n streams with a body of size bytes each, releasing them if release is set,
// and returns the Go heap in use after a GC.
func runStreams(t *testing.T, emu proxytest.HostEmulator, n, size int, release bool) uint64 {
	t.Helper()
	body := bytes.Repeat([]byte("x"), size)
	for i := range n {
		path := "/echo"
		if i%2 == 1 {
			path = "/callout"
		}
		id := emu.InitializeHttpContext()
		emu.CallOnRequestHeaders(id, [][2]string{{":path", path}, {"X-Big", string(body[:size/4])}}, false)
		emu.CallOnRequestBody(id, body[:size/2], false)
		emu.CallOnRequestBody(id, body[size/2:], true)
		if path == "/echo" && !bytes.Equal(emu.GetSentLocalResponse(id).Data, body) {
			t.Fatalf("stream %d: local reply is not the request body", id)
		}
		if path == "/callout" && len(emu.GetCalloutAttributesFromContext(id)) != 1 {
			t.Fatalf("stream %d: %d callouts pending, want 1", id, len(emu.GetCalloutAttributesFromContext(id)))
		}
		emu.CompleteHttpContext(id)
		if release {
			if err := ReleaseStream(emu, id); err != nil {
				t.Fatal(err)
			}
			if err := DropLogs(emu); err != nil {
				t.Fatal(err)
			}
		}
	}
	return heapInUse()
}

// quietEmulator is proxytest's emulator for the plugin above, with the standard logger (where
// proxytest prints every log line and callout) silenced for the test.
func quietEmulator(t *testing.T) proxytest.HostEmulator {
	out := log.Writer()
	log.SetOutput(io.Discard)
	emu, reset := proxytest.NewHostEmulator(proxytest.NewEmulatorOption().WithVMContext(&relVM{}))
	t.Cleanup(func() {
		reset()
		log.SetOutput(out)
	})
	return emu
}

func heapInUse() uint64 {
	runtime.GC()
	runtime.GC() // the first may leave finalizer-held memory for the second
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

func TestReleaseStream(t *testing.T) {
	const streams, size = 1000, 16 << 10 // ~16 MiB of bodies, ~4 MiB of header values
	for _, tc := range []struct {
		name    string
		release bool
	}{
		{"released", true},
		{"kept", false}, // the control: proxytest alone keeps every stream
	} {
		t.Run(tc.name, func(t *testing.T) {
			emu := quietEmulator(t)
			if emu.StartPlugin() != types.OnPluginStartStatusOK {
				t.Fatal("plugin start failed")
			}
			runStreams(t, emu, 100, size, tc.release) // maps and pools at their working size
			before := heapInUse()
			after := runStreams(t, emu, streams, size, tc.release)
			growth := int64(after) - int64(before)
			t.Logf("Go heap after GC: %d -> %d bytes (%+d) over %d streams", before, after, growth, streams)
			// Released, nothing per stream is left: the heap may move by what the runtime and
			// the maps' buckets do, far below one stream's 20 KiB times the streams.
			if tc.release && growth > 2<<20 {
				t.Errorf("heap grew by %d bytes over %d released streams", growth, streams)
			}
			if !tc.release && growth < int64(streams*size) {
				t.Errorf("heap grew by %d bytes over %d kept streams: the control no longer shows proxytest keeping them (is ReleaseStream still needed?)", growth, streams)
			}
			if got := len(emu.GetInfoLogs()); tc.release && got != 0 {
				t.Errorf("%d info lines kept after DropLogs", got)
			}
			if got := len(emu.GetInfoLogs()); !tc.release && got != streams+100 {
				t.Errorf("%d info lines kept without DropLogs, want %d", got, streams+100)
			}
		})
	}
}

func TestReleaseStreamForgetsOnlyThatStream(t *testing.T) {
	emu := quietEmulator(t)
	a, b := emu.InitializeHttpContext(), emu.InitializeHttpContext()
	for _, id := range []uint32{a, b} {
		emu.CallOnRequestHeaders(id, [][2]string{{":path", "/callout"}}, false)
		emu.CallOnRequestBody(id, []byte("{}"), true)
	}
	emu.CompleteHttpContext(a)
	if err := ReleaseStream(emu, a); err != nil {
		t.Fatal(err)
	}
	if got := emu.GetCalloutAttributesFromContext(a); len(got) != 0 {
		t.Errorf("released stream still has callouts %+v", got)
	}
	cb := emu.GetCalloutAttributesFromContext(b)
	if len(cb) != 1 || cb[0].Upstream != "auth" {
		t.Fatalf("the other stream's callouts = %+v, want its one to auth", cb)
	}
	if got := emu.GetCurrentRequestHeaders(b); len(got) != 2 || got[1] != [2]string{"x-seen", "/callout"} {
		t.Errorf("the other stream's headers = %v", got)
	}
	emu.CallOnHttpCallResponse(cb[0].CalloutID, [][2]string{{":status", "200"}}, nil, nil) // still delivered
	if got := emu.GetCalloutAttributesFromContext(b); len(got) != 0 {
		t.Errorf("answered callout still pending: %+v", got)
	}
}
