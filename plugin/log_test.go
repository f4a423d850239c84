package main

import (
	"encoding/binary"
	"strings"
	"testing"
	"time"

	"github.com/higress-group/wasm-go/pkg/test"
	"github.com/higress-group/wasm-go/pkg/wrapper"
	"github.com/stretchr/testify/require"
)

// levelHost answers get_log_level like Higress (Envoy's level for Wasm) and counts the reads.
type levelHost struct {
	level wrapper.LogLevel
	reads int
}

func (h *levelHost) register(host test.TestHost) {
	host.RegisterForeignFunction("get_log_level", func([]byte) []byte {
		h.reads++
		return binary.LittleEndian.AppendUint32(nil, uint32(h.level))
	})
}

const getPetCall = `{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"get_pet","arguments":{"petId":42}}}`

// credentialLines counts the per-call debug line of startToolCall.
func credentialLines(host test.TestHost) int {
	n := 0
	for _, l := range host.GetDebugLogs() {
		if strings.HasSuffix(l, "mcp-rest-bridge: tools/call get_pet: credential source default:apiKey:header:x-petstore-key") {
			n++
		}
	}
	return n
}

// groupLogLevel: Envoy's log level is read in the guest at most once per logLevelTTL, not
// once per log call (wasm-go's DefaultLog asked the host on every call, a dropped debug line
// included), and a level changed on the running host applies within logLevelTTL. Lines keep
// wasm-go's "[plugin] [plugin id] [request id] message" form.
func groupLogLevel(t *testing.T) {
	if strings.Contains(t.Name(), "/wasm/") {
		logLevelWasm(t)
		return
	}
	clock := time.Date(2026, 12, 8, 0, 0, 0, 0, time.UTC)
	defer func(f func() time.Time) { now = f }(now)
	now = func() time.Time { return clock }
	host := mustStart(t, petstoreConfig(t)) // start logs read the harness's level (trace)
	lh := &levelHost{level: wrapper.LogLevelInfo}
	lh.register(host)
	call := func() {
		host.CallOnHttpRequestHeaders(legacyHeaders([2]string{"x-request-id", "req-77"}))
		host.CallOnHttpRequestBody([]byte(getPetCall))
		host.CompleteHttp()
	}
	for range 3 {
		call()
	}
	require.Equal(t, 0, lh.reads, "a fresh reading is not read again")
	require.Equal(t, 3, credentialLines(host), "trace, read at start, still holds")
	require.Contains(t, host.GetDebugLogs(), "[mcp-rest-bridge] [nil] [req-77] mcp-rest-bridge: tools/call get_pet: credential source default:apiKey:header:x-petstore-key")

	clock = clock.Add(logLevelTTL)
	for range 3 {
		call()
	}
	require.Equal(t, 1, lh.reads, "one read once the reading is logLevelTTL old")
	require.Equal(t, 3, credentialLines(host), "info: no debug line")

	lh.level = wrapper.LogLevelDebug
	clock = clock.Add(logLevelTTL - time.Nanosecond)
	call()
	require.Equal(t, 1, lh.reads)
	require.Equal(t, 3, credentialLines(host), "the change is not seen before logLevelTTL")
	clock = clock.Add(time.Nanosecond)
	call()
	require.Equal(t, 2, lh.reads)
	require.Equal(t, 4, credentialLines(host), "debug, within logLevelTTL of the change")
}

// logLevelWasm checks the same through the .wasm. proxytest's wazero gives the guest a fake
// clock (+1 ms per reading), so time is counted in calls there: the level is read far less
// often than once per call, and a change shows after a bounded number of calls.
func logLevelWasm(t *testing.T) {
	host := mustStart(t, petstoreConfig(t))
	lh := &levelHost{level: wrapper.LogLevelDebug}
	lh.register(host)
	call := func() {
		host.CallOnHttpRequestHeaders(legacyHeaders())
		host.CallOnHttpRequestBody([]byte(getPetCall))
		host.CompleteHttp()
	}
	const calls = 200
	for range calls {
		call()
	}
	require.LessOrEqual(t, lh.reads, 1, "%d calls read the level %d times", calls, lh.reads)
	require.Equal(t, calls, credentialLines(host))

	lh.level = wrapper.LogLevelError
	reads, n := lh.reads, 0
	for ; lh.reads == reads && n < 100*calls; n++ {
		call()
	}
	t.Logf("the change was read after %d calls", n)
	require.Equal(t, reads+1, lh.reads)
	lines := credentialLines(host)
	call()
	require.Equal(t, lines, credentialLines(host), "error level: no debug line")
}
