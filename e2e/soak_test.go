package e2e_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/e2e/backend"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/e2e/demo"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/e2e/examples"
)

// The soak (issue 13, scale): N tools/calls over loopback through the local gateway hosting the
// real plugin, in front of the demo pet store, all in this process, one at a time on one
// keep-alive connection, each result checked. From the baseline to the end:
//   - the plugin's wasm linear memory must not grow at all. A wasm memory never shrinks, so any
//     per-request state the plugin keeps shows up here, whatever its garbage collector does;
//   - the Go heap after a full GC (gateway, emulator, pet store, client) must stay within
//     soakHeapSlack; RSS would mostly measure the Go runtime's caching and wazero's mappings.
//
// The baseline is request soakBaseline or the end of the plugin's soakWarmGC-th GC cycle,
// whichever is later (cycles counted from its GODEBUG=gctrace=1 lines, as bench/driver does):
// until its third cycle the Go runtime inside the plugin takes fresh spans rather than reusing
// what earlier cycles freed, so its memory grows in 64-512 KiB steps, and when it grows wazero
// reallocates the memory's buffer, which is in the Go heap (measured: the growth ends with the
// third cycle, at request ~330 with GOGC=50, ~1,400 with the default, ~2,700 with 200; never
// afterwards). What grew from request soakBaseline to the baseline is reported.
//
// It also reports the gateway's throughput as a ratio to calling the pet store directly with
// the same requests in the same run (the plugin's cost on this machine under this load, not a
// speed claim). E2E_SOAK_REQUESTS sets N (default soakDefault; `make soak`: 100000): the run
// measures N-soakBaseline requests after the baseline, so it makes N requests or a few more;
// E2E_SOAK_HEAPPROFILE=file writes a heap profile (in use after the final GC) there.
const (
	soakDefault  = 10000
	soakBaseline = 1000
	soakWarmGC   = 3
	// soakMaxFactor bounds the run when the plugin never finishes its warm-up cycles.
	soakMaxFactor = 4
	// soakHeapSlack is the Go heap growth allowed between the baseline and the end. Measured
	// with everything released, the heap after GC moves by at most ~15 KiB between samples
	// (timer and connection buffers, the runtime's own structures); a leak of 120 bytes per
	// request is 1 MiB over the ~8,600 requests the default run measures, and 11 MiB over `make
	// soak`'s ~98,600. The gateway kept about 3 KB per request before its streams were released
	// (issue 13), which the short run fails by a factor of 25.
	soakHeapSlack = 1 << 20
	// soakLogHistory is the gateway's log ring for the soak: full (one access line per request,
	// plus plugin lines) before the baseline, so growth measured after it is not the ring
	// filling. The default (gateway.DefaultLogHistory) fills later and then stays at its size.
	soakLogHistory = 500
)

// soakExchange is one tools/call and the REST request the plugin makes of it.
type soakExchange struct {
	tool    string
	args    string
	header  [2]string // what the MCP client sends besides the MCP headers (passthrough token)
	want    string    // in the tool result's text
	direct  func(base string, secrets map[string]string) *http.Request
	wantRaw string // in the pet store's direct answer
}

// soakExchanges cover the demo's request shapes: a path arg, a query arg with the query API
// key, the header API key, and a passed-through bearer token.
func soakExchanges() []soakExchange {
	get := func(url string, hdr ...string) *http.Request {
		r, _ := http.NewRequest(http.MethodGet, url, nil) // a constant URL: cannot fail
		for i := 0; i+1 < len(hdr); i += 2 {
			r.Header.Set(hdr[i], hdr[i+1])
		}
		return r
	}
	return []soakExchange{
		{tool: "get_pet", args: `{"petId":2}`, want: `Mittens`, wantRaw: `"Mittens"`,
			direct: func(b string, _ map[string]string) *http.Request { return get(b + "/v1/pets/2") }},
		{tool: "search_pets", args: `{"q":"sha"}`, want: `Shadow`, wantRaw: `"Shadow"`,
			direct: func(b string, s map[string]string) *http.Request {
				return get(b + "/v1/search?q=sha&api_key=" + s[examples.EnvSearchKey])
			}},
		{tool: "store_inventory", args: `{}`, want: `available`, wantRaw: `"available"`,
			direct: func(b string, s map[string]string) *http.Request {
				return get(b+"/v1/inventory", "X-API-Key", s[examples.EnvAPIKey])
			}},
		{tool: "list_my_orders", args: `{}`, header: [2]string{"Authorization", "Bearer demo-alice-token"}, want: `1002`, wantRaw: `1002`,
			direct: func(b string, _ map[string]string) *http.Request {
				return get(b+"/v1/me/orders", "Authorization", "Bearer demo-alice-token")
			}},
	}
}

func soakRequests(t *testing.T) int {
	v := os.Getenv("E2E_SOAK_REQUESTS")
	if v == "" {
		return soakDefault
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= soakBaseline {
		t.Fatalf("E2E_SOAK_REQUESTS=%q: want a number of requests above %d", v, soakBaseline)
	}
	return n
}

// soakMem is one measurement: the Go heap after GC and each worker's wasm memory.
type soakMem struct {
	at   int
	heap uint64
	wasm []uint32
}

func measure(at int, d *demo.Demo) soakMem {
	runtime.GC()
	runtime.GC() // the first GC's finalizers free more for the second
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return soakMem{at: at, heap: ms.HeapAlloc, wasm: d.Gateway.WasmMemory()}
}

func TestSoak(t *testing.T) {
	n := soakRequests(t)
	if backend.MaxRecords > soakBaseline {
		t.Fatalf("the pet store keeps %d records: its ring would still fill after request %d", backend.MaxRecords, soakBaseline)
	}
	env := examples.Secrets()
	env["GODEBUG"] = "gctrace=1" // one stderr line per GC cycle of the plugin's Go runtime
	gc := &guestGC{}
	d, err := demo.Start(demo.Options{
		Wasm: pluginWasm, GatewayAddr: "127.0.0.1:0", BackendAddr: "127.0.0.1:0", Env: env,
		PluginLogLevel: "info", LogHistory: soakLogHistory, Logger: slog.New(gc), // as a user runs it
	})
	if err != nil {
		t.Fatalf("demo.Start: %v", err)
	}
	defer func() {
		if err := d.Close(); err != nil {
			t.Errorf("demo.Close: %v", err)
		}
	}()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1}, Timeout: 30 * time.Second}
	defer client.CloseIdleConnections()
	ex := soakExchanges()

	var (
		samples     []soakMem
		base        *soakMem // the first sample at or after soakBaseline once the plugin is warm
		gatewayTime time.Duration
		start       = time.Now()
	)
	// The run ends n-soakBaseline requests after the baseline, so the measured window does not
	// shrink when the plugin allocates less and its third GC cycle ends later; without a warm
	// baseline by request soakMaxFactor*n the test fails.
	total := 0
	for i := 1; ; i++ {
		e := ex[i%len(ex)]
		if err := soakCall(client, d.MCPURL, i, e); err != nil {
			t.Fatalf("tools/call %d (%s): %v", i, e.tool, err)
		}
		warm := base == nil && i >= soakBaseline && gc.cycles.Load() >= soakWarmGC
		last := (base != nil && i >= base.at+n-soakBaseline) || (base == nil && i >= soakMaxFactor*n)
		if i == soakBaseline || warm || (i > soakBaseline && i%(n/10) == 0) || last {
			gatewayTime += time.Since(start)
			samples = append(samples, measure(i, d))
			if warm {
				base = &samples[len(samples)-1]
			}
			start = time.Now()
		}
		if last {
			total = i
			break
		}
	}
	if base == nil {
		t.Fatalf("the plugin's GC finished %d cycles by request %d: no warm baseline", gc.cycles.Load(), total)
	}
	first, end := samples[0], samples[len(samples)-1]
	if p := os.Getenv("E2E_SOAK_HEAPPROFILE"); p != "" {
		writeHeapProfile(t, p)
	}

	// Direct calls to the pet store: the same REST requests, as many, timed the same way.
	start = time.Now()
	for i := 1; i <= total; i++ {
		e := ex[i%len(ex)]
		if err := soakDirect(client, e.direct(d.BackendURL, d.Secrets), e.wantRaw); err != nil {
			t.Fatalf("direct call %d (%s): %v", i, e.tool, err)
		}
	}
	directTime := time.Since(start)

	for _, s := range samples {
		t.Logf("after request %6d: Go heap after GC %7d KiB (%+6d KiB since request %d), wasm memory %v KiB",
			s.at, s.heap/1024, (int64(s.heap)-int64(first.heap))/1024, first.at, kib(s.wasm))
	}
	t.Logf("%d tools/calls through the gateway, %d direct calls to the pet store: the gateway serves %.3f of the direct throughput (1/%.1f); the plugin ran %d GC cycles",
		total, total, directTime.Seconds()/gatewayTime.Seconds(), gatewayTime.Seconds()/directTime.Seconds(), gc.cycles.Load())
	if got := d.Backend.Total(); got != 2*total {
		t.Errorf("the pet store recorded %d requests, want %d (each call reaches it once)", got, 2*total)
	}
	t.Logf("baseline: request %d (the plugin's GC cycle %d ended by then); from request %d to it, the wasm memory grew by %v KiB and the Go heap after GC by %d KiB",
		base.at, soakWarmGC, first.at, kibDiff(first.wasm, base.wasm), (int64(base.heap)-int64(first.heap))/1024)
	for w := range base.wasm {
		if end.wasm[w] != base.wasm[w] {
			t.Errorf("worker %d: wasm memory grew from %d to %d bytes between request %d and %d", w, base.wasm[w], end.wasm[w], base.at, end.at)
		}
	}
	if growth := int64(end.heap) - int64(base.heap); growth > soakHeapSlack {
		t.Errorf("Go heap after GC grew by %d bytes (%.0f per request) between request %d and %d, allowed %d",
			growth, float64(growth)/float64(end.at-base.at), base.at, end.at, soakHeapSlack)
	}
}

// guestGC is the gateway's log handler in the soak: it counts the plugin's GC cycles (one
// gctrace line, "gc N @...", on its stderr per cycle) and drops everything else.
type guestGC struct{ cycles atomic.Int64 }

func (g *guestGC) Enabled(context.Context, slog.Level) bool { return true }
func (g *guestGC) Handle(_ context.Context, r slog.Record) error {
	if strings.HasPrefix(r.Message, "gc ") {
		r.Attrs(func(a slog.Attr) bool {
			if a.Key == "source" && a.Value.String() == "wasm-stderr" {
				g.cycles.Add(1)
			}
			return true
		})
	}
	return nil
}
func (g *guestGC) WithAttrs([]slog.Attr) slog.Handler { return g }
func (g *guestGC) WithGroup(string) slog.Handler      { return g }

func kibDiff(a, b []uint32) []int64 {
	out := make([]int64, len(a))
	for i := range a {
		out[i] = (int64(b[i]) - int64(a[i])) / 1024
	}
	return out
}

func kib(b []uint32) []uint32 {
	out := make([]uint32, len(b))
	for i, v := range b {
		out[i] = v / 1024
	}
	return out
}

// soakCall sends tools/call number id in the legacy era and checks its result.
func soakCall(client *http.Client, url string, id int, e soakExchange) error {
	body := fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":%q,"arguments":%s}}`, id, e.tool, e.args)
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	req.Header.Set("MCP-Protocol-Version", legacy)
	if e.header[0] != "" {
		req.Header.Set(e.header[0], e.header[1])
	}
	raw, status, err := roundTrip(client, req)
	if err != nil {
		return err
	}
	var resp struct {
		ID     int `json:"id"`
		Result *struct {
			Content []struct{ Text string } `json:"content"`
			IsError bool                    `json:"isError"`
		} `json:"result"`
	}
	switch err := json.Unmarshal(raw, &resp); {
	case status != http.StatusOK || err != nil:
		return fmt.Errorf("status %d, %v: %.300s", status, err, raw)
	case resp.ID != id || resp.Result == nil || resp.Result.IsError || len(resp.Result.Content) != 1:
		return fmt.Errorf("unexpected reply: %.300s", raw)
	case !strings.Contains(resp.Result.Content[0].Text, e.want):
		return fmt.Errorf("result does not mention %q: %.300s", e.want, raw)
	}
	return nil
}

func soakDirect(client *http.Client, req *http.Request, want string) error {
	raw, status, err := roundTrip(client, req)
	if err == nil && (status != http.StatusOK || !bytes.Contains(raw, []byte(want))) {
		err = fmt.Errorf("status %d: %.300s", status, raw)
	}
	return err
}

func roundTrip(client *http.Client, req *http.Request) ([]byte, int, error) {
	resp, err := client.Do(req)
	if err != nil {
		return nil, 0, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	return raw, resp.StatusCode, err
}

func writeHeapProfile(t *testing.T, path string) {
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	runtime.GC()
	if err := pprof.WriteHeapProfile(f); err != nil {
		t.Fatal(err)
	}
}
