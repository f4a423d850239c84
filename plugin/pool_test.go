package main

import (
	"strings"
	"testing"

	"github.com/higress-group/proxy-wasm-go-sdk/proxywasm/types"
	"github.com/higress-group/wasm-go/pkg/test"
	"github.com/stretchr/testify/require"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/security"
)

// recycleStep is one complete exchange: a POST, and the REST response when it goes upstream.
type recycleStep struct {
	name    string
	headers [][2]string
	body    string
	status  string
	ctype   string
	rest    string
}

// recycleSeen is everything an exchange sends: upstream headers and body, and what the
// client gets. The emulator's slices and strings alias plugin memory (in .wasm mode the VM's
// linear memory), so they are copied.
type recycleSeen struct {
	upstream      [][2]string
	upstreamBody  string
	local         string
	clientHeaders [][2]string
	client        string
}

func cloneHeaders(headers [][2]string) [][2]string {
	var out [][2]string
	for _, h := range headers {
		out = append(out, [2]string{strings.Clone(h[0]), strings.Clone(h[1])})
	}
	return out
}

func runRecycleStep(t *testing.T, host test.TestHost, s recycleStep) recycleSeen {
	t.Helper()
	var seen recycleSeen
	post(host, s.headers, s.body)
	if lr := host.GetLocalResponse(); lr != nil {
		seen.local, seen.clientHeaders = string(lr.Data), cloneHeaders(lr.Headers)
		return seen
	}
	seen.upstream = cloneHeaders(host.GetRequestHeaders())
	seen.upstreamBody = string(host.GetRequestBody())
	seen.client = string(respond(t, host, s.status, [][2]string{{"content-type", s.ctype}}, s.rest))
	seen.clientHeaders = cloneHeaders(host.GetResponseHeaders())
	return seen
}

func recycleSteps() []recycleStep {
	bearer := [2]string{"authorization", "Bearer " + clientBearer}
	call := func(tool, args string) string {
		return `{"jsonrpc":"2.0","id":"r-` + tool + `","method":"tools/call","params":{"name":"` + tool + `","arguments":` + args + `}}`
	}
	meta := `"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{},` +
		`"io.modelcontextprotocol/clientInfo":{"name":"modern-client","version":"2.0"}}`
	// Larger than maxKeptBuffer once escaped: its buffers are not kept.
	big := `{"notes":"` + strings.Repeat(`line "one"\n `, 7000) + `"}`
	return []recycleStep{
		{"large response", legacyHeaders(bearer), call("get_pet", `{"petId":"p-1","fields":"name,notes"}`), "200", "application/json", big},
		{"header, cookie and body args, from an allowed Origin", legacyHeaders(bearer, [2]string{"cookie", "sid=client-cookie"},
			[2]string{"origin", "https://app.example.com"}),
			call("tag_note", `{"noteId":"n 7","requestId":"rq-1","locale":"de","tag":"urgent"}`), "200", "application/json", `{"ok":true}`},
		{"modern passthrough", modernHeaders("tools/call", "my_profile", bearer),
			`{"jsonrpc":"2.0","id":"c","method":"tools/call","params":{"name":"my_profile","arguments":{},` + meta + `}}`,
			"200", "application/json", `{"name":"Alex"}`},
		{"JSON body, structured result", legacyHeaders(bearer), call("create_note", `{"title":"t","tags":["a","b"]}`),
			"201", "application/json", `{"id":"n-9"}`},
		{"query args and defaults, upstream error", legacyHeaders(bearer), call("search_notes", `{"q":"a&b"}`),
			"404", "text/plain", "no such notes"},
		{"form body, image result", legacyHeaders(bearer), call("subscribe", `{"email":"a@example.com","plan":"pro"}`),
			"200", "image/png", "\x89PNG\r\n"},
		{"refused credential, from an allowed Origin", legacyHeaders([2]string{"origin", "https://app.example.com"}),
			call("my_profile", `{}`), "", "", ""},
		{"small response", legacyHeaders(bearer), call("get_pet", `{"petId":"p-2"}`), "200", "application/json", `{"id":"p-2"}`},
	}
}

// groupStateRecycling: the request states a finished stream returns to the pool (and the
// buffers they keep) change nothing a later request sends: every exchange, run after all the
// others on one plugin with each stream completed, sends upstream and answers exactly what it
// does as the first request of a fresh plugin.
func groupStateRecycling(t *testing.T) {
	cfg := loadYAMLConfig(t, testdataPath("bridge.yaml"))
	steps := recycleSteps()
	fresh := make([]recycleSeen, len(steps))
	for i, s := range steps {
		func() {
			host, status := test.NewTestHost(cfg)
			defer host.Reset() // before the next host starts, even when the step fails
			require.Equal(t, types.OnPluginStartStatusOK, status)
			fresh[i] = runRecycleStep(t, host, s)
			host.CompleteHttp()
		}()
	}
	host := mustStart(t, cfg)
	for round := 0; round < 2; round++ {
		for i, s := range steps {
			got := runRecycleStep(t, host, s)
			host.CompleteHttp()
			require.Equal(t, fresh[i], got, "round %d: %s", round, s.name)
		}
	}
	require.NotEmpty(t, fresh[0].client)
	require.NotEmpty(t, fresh[6].local)
	_, cors := header(fresh[1].clientHeaders, "access-control-allow-origin")
	require.True(t, cors, "the Origin step gets CORS headers: %q", fresh[1].clientHeaders)
}

// TestStatePool: states come back emptied, with their buffers; a pinned state (a callout
// may still resume it) is not reused; the list and the buffers it keeps are bounded.
func TestStatePool(t *testing.T) {
	p := newStatePool()
	st := p.get()
	st.answered, st.rawQuery, st.credSource = true, "key=secret", "default"
	st.out = make([]byte, 100, 4096)
	st.upstream.Body = append(st.upstream.Body, "body"...)
	st.upstream.Headers = append(st.upstream.Headers, [2]string{"x-api-key", "secret"})
	st.secrets = st.secrets.WithInto(&st.secretSet, security.Credential{Value: security.NewSecret("client-token-4f1a"), Form: security.FormToken})
	require.Equal(t, 1, st.secretSet.Len())
	p.put(st)
	require.Len(t, p.free, 1)

	again := p.get()
	require.Same(t, st, again, "the freed state is reused")
	require.Empty(t, p.free)
	require.False(t, again.answered)
	require.Empty(t, again.rawQuery)
	require.Empty(t, again.credSource)
	require.Empty(t, again.out)
	require.Equal(t, 4096, cap(again.out), "the message buffer is kept")
	require.Empty(t, again.upstream.Body)
	require.Empty(t, again.upstream.Headers)
	require.Equal(t, [2]string{}, again.upstream.Headers[:1][0], "no string of the last request is kept")
	require.Nil(t, again.secrets)
	require.Zero(t, again.secretSet.Len(), "no credential of the last request is kept")
	require.False(t, again.secretSet.Contains([]byte("client-token-4f1a")))

	again.out = make([]byte, 0, maxKeptBuffer+1)
	p.put(again)
	require.Nil(t, p.get().out, "a buffer above maxKeptBuffer is dropped")

	pinned := p.get()
	pinned.pinned = true
	p.put(pinned)
	require.Empty(t, p.free, "a pinned state is left to the GC")

	for i := 0; i < maxFreeStates+5; i++ {
		p.put(&requestState{})
	}
	require.Len(t, p.free, maxFreeStates)
}
