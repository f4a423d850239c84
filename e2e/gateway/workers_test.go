package gateway

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestWorkersTakeRequestsRoundRobin(t *testing.T) {
	g, url := startGateway(t, closedAddr(t), closedAddr(t), func(c *Config) { c.Workers = 4 })
	var ids []string
	for i := range 8 {
		got := do(t, "POST", url+"/t/vm", "", nil)
		ids = append(ids, got.header.Get("X-Vm-Id"))
		if want := strconv.Itoa(i/4 + 1); got.status != 200 || got.body != "wrapped:"+want {
			t.Errorf("request %d: %d %q, want this VM's request number %s", i, got.status, got.body, want)
		}
	}
	distinct := map[string]bool{}
	for i, id := range ids {
		distinct[id] = true
		if i >= 4 && id != ids[i-4] {
			t.Errorf("request %d went to VM %s, want %s (round robin)", i, id, ids[i-4])
		}
	}
	if len(distinct) != 4 {
		t.Errorf("VM ids %v: want 4 distinct VMs", ids)
	}
	if n, ok := g.Counter("testplugin.vm_requests"); !ok || n != 8 {
		t.Errorf("counter over the 4 VMs = %d, %v; want 8", n, ok)
	}
	if _, ok := g.Counter("testplugin.undefined"); ok {
		t.Error("an undefined counter was found")
	}
}

// Envoy's shared data (proxy-wasm-cpp-host shared_data.cc), one step per worker VM.
func TestSharedDataHasEnvoySemanticsAcrossWorkers(t *testing.T) {
	g, url := startGateway(t, closedAddr(t), closedAddr(t), func(c *Config) { c.Workers = 4 })
	steps := []struct{ body, want string }{
		{`{"op":"get","key":"k"}`, "not_found  0"},
		{`{"op":"set","key":"k","value":"v1","cas":0}`, "ok"},
		{`{"op":"get","key":"k"}`, "ok v1 1"},
		{`{"op":"set","key":"k","value":"v2","cas":7}`, "cas_mismatch"},
		{`{"op":"set","key":"k","value":"v2","cas":1}`, "ok"},
		{`{"op":"set","key":"k","value":"v3","cas":1}`, "cas_mismatch"}, // stale cas
		{`{"op":"set","key":"k","value":"v4","cas":0}`, "ok"},           // cas 0: unconditional
		{`{"op":"set","key":"other","value":"","cas":0}`, "ok"},         // counter is process-wide
		{`{"op":"get","key":"k"}`, "ok v4 3"},
		{`{"op":"get","key":"other"}`, "ok  4"},
	}
	prev := ""
	for i, s := range steps {
		got := do(t, "POST", url+"/t/shared", s.body, nil)
		if got.status != 200 || got.body != "wrapped:"+s.want {
			t.Errorf("step %d %s: %d %q, want %q", i, s.body, got.status, got.body, s.want)
		}
		if vm := got.header.Get("X-Vm-Id"); vm == prev {
			t.Errorf("step %d ran on the same VM as step %d", i, i-1)
		} else {
			prev = vm
		}
	}
	if v, ok := g.SharedDataValue("k"); !ok || string(v) != "v4" {
		t.Errorf("SharedDataValue(k) = %q, %v", v, ok)
	}
}

func TestCasCounterAcrossWorkers(t *testing.T) {
	auth := newUpstream(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		time.Sleep(30 * time.Millisecond) // every stream reads the counter before any writes it
	})
	g, url := startGateway(t, closedAddr(t), auth.addr(), func(c *Config) { c.Workers = 4 })
	// A missing key reads as cas 0, and a set with cas 0 is unconditional: CAS needs the key to
	// exist first.
	if got := do(t, "POST", url+"/t/shared", `{"op":"set","key":"counter","value":"0","cas":0}`, nil); got.body != "wrapped:ok" {
		t.Fatalf("seeding the counter: %q", got.body)
	}
	const n = 40
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		values  []int
		retries int
	)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got := do(t, "POST", url+"/t/incr", "+1", nil)
			var v, r int
			if _, err := fmt.Sscanf(got.body, "wrapped:%d retries=%d", &v, &r); err != nil || got.status != 200 {
				t.Errorf("incr: %d %q", got.status, got.body)
				return
			}
			mu.Lock()
			values, retries = append(values, v), retries+r
			mu.Unlock()
		}()
	}
	wg.Wait()
	sort.Ints(values)
	for i, v := range values {
		if v != i+1 {
			t.Fatalf("increments returned %v, want 1..%d each once", values, n)
		}
	}
	if v, _ := g.SharedDataValue("counter"); string(v) != strconv.Itoa(n) {
		t.Errorf("counter = %q, want %d", v, n)
	}
	if retries == 0 {
		t.Error("no CasMismatch happened: the streams did not interleave across VMs")
	}
	t.Logf("%d increments across 4 VMs, %d CAS retries", n, retries)
}

// A stream paused on one worker is resumed by that worker's tick once another worker sets the
// shared flag: how a plugin waits for a fetch another worker has in flight.
func TestTickResumesAStreamAfterAnotherWorkerWrites(t *testing.T) {
	be := echoUpstream(t)
	g, url := startGateway(t, be.addr(), closedAddr(t), func(c *Config) {
		c.Workers = 2
		c.PluginConfig = []byte(`{"secretEnv":"TEST_SECRET","calloutCluster":"auth","tickMillis":20}`)
	})
	done := make(chan reply, 1)
	go func() { done <- do(t, "POST", url+"/t/wait-flag", "waiting", nil) }() // worker 0
	time.Sleep(300 * time.Millisecond)
	select {
	case r := <-done:
		t.Fatalf("the waiting stream finished before the flag was set: %d %q", r.status, r.body)
	default:
	}
	set := do(t, "POST", url+"/t/set-flag", "set", nil) // worker 1
	if set.status != 200 {
		t.Fatalf("set-flag: %d %q", set.status, set.body)
	}
	got := <-done
	if got.status != 200 || got.body != `wrapped:{"echo":"waiting"}` {
		t.Fatalf("waiting stream: %d %q", got.status, got.body)
	}
	recs := be.got()
	if len(recs) != 1 {
		t.Fatalf("backend got %d requests", len(recs))
	}
	setter, resumer := recs[0].Header.Get("X-Flag-Set-By"), recs[0].Header.Get("X-Resumed-By")
	if setter != set.header.Get("X-Vm-Id") || resumer == "" || resumer == setter {
		t.Errorf("flag set by %q (want %q), stream resumed by %q (want the other VM)", setter, set.header.Get("X-Vm-Id"), resumer)
	}
	if _, ok := g.SharedDataValue("testplugin/flag"); !ok {
		t.Error("flag missing from the gateway's shared data")
	}
}

func TestGatewaysInOneProcessKeepTheirOwnSharedData(t *testing.T) {
	g1, url1 := startGateway(t, closedAddr(t), closedAddr(t), nil)
	g2, url2 := startGateway(t, closedAddr(t), closedAddr(t), func(c *Config) { c.Workers = 2 })
	if got := do(t, "POST", url1+"/t/shared", `{"op":"set","key":"k","value":"one","cas":0}`, nil); got.body != "wrapped:ok" {
		t.Fatalf("set on gateway 1: %q", got.body)
	}
	if got := do(t, "POST", url2+"/t/shared", `{"op":"get","key":"k"}`, nil); got.body != "wrapped:not_found  0" {
		t.Errorf("get on gateway 2: %q, want not_found (separate Envoy processes)", got.body)
	}
	if _, ok := g2.SharedDataValue("k"); ok {
		t.Error("gateway 2 sees gateway 1's key")
	}
	if v, _ := g1.SharedDataValue("k"); string(v) != "one" {
		t.Errorf("gateway 1 value = %q", v)
	}
	for i, g := range []*Gateway{g1, g2} { // each gateway logs its own request only
		var access []string
		for _, l := range g.Logs() {
			if l.Source == "gateway" && strings.HasPrefix(l.Msg, "POST /t/shared") {
				access = append(access, l.Msg)
			}
		}
		if len(access) != 1 {
			t.Errorf("gateway %d access log = %q, want its one request", i+1, access)
		}
	}
}

// Envoy refuses proxy_set_effective_context for a stream that has finished (a plugin resuming
// a call whose client went away must see the refusal); the live stream and the root work.
func TestEffectiveContextOfAFinishedStreamIsRefused(t *testing.T) {
	_, url := startGateway(t, closedAddr(t), closedAddr(t), nil)
	if got := do(t, "POST", url+"/t/park", "", nil); got.body != "wrapped:parked" {
		t.Fatalf("park: %d %q", got.status, got.body)
	}
	if got := do(t, "POST", url+"/t/effective", "", nil); got.status != 200 || got.body != "wrapped:parked=bad_argument self=ok" {
		t.Errorf("effective: %d %q", got.status, got.body)
	}
}

// A paused stream that something could still resume (here: the plugin ticks) waits at most
// ResumeTimeout.
func TestResumeTimeoutEndsAWaitingStream(t *testing.T) {
	be := echoUpstream(t)
	_, url := startGateway(t, be.addr(), closedAddr(t), func(c *Config) {
		c.PluginConfig = []byte(`{"secretEnv":"TEST_SECRET","calloutCluster":"auth","tickMillis":20}`)
		c.ResumeTimeout = 300 * time.Millisecond
	})
	start := time.Now()
	got := do(t, "POST", url+"/t/wait-flag", "never set", nil)
	if took := time.Since(start); got.status != 500 || !strings.Contains(got.body, "never resumed") || took < 300*time.Millisecond || took > 3*time.Second {
		t.Errorf("reply = %d %q after %v", got.status, got.body, took)
	}
	if got := do(t, "POST", url+"/t/echo", "after", nil); got.status != 200 {
		t.Errorf("next request: %d %q", got.status, got.body)
	}
	if n := len(be.got()); n != 1 {
		t.Errorf("backend got %d requests, want 1 (the timed-out stream sent nothing)", n)
	}
}

// When a client goes away, Envoy cancels its stream's callouts and never runs their callbacks.
func TestCalloutsOfAGoneClientAreCancelled(t *testing.T) {
	auth := newUpstream(t, func(w http.ResponseWriter, r *http.Request, body []byte) { time.Sleep(500 * time.Millisecond) })
	g, url := startGateway(t, closedAddr(t), auth.addr(), nil)
	if got := do(t, "POST", url+"/t/shared", `{"op":"set","key":"counter","value":"0","cas":0}`, nil); got.body != "wrapped:ok" {
		t.Fatalf("seeding the counter: %q", got.body)
	}
	req, _ := http.NewRequest("POST", url+"/t/incr", strings.NewReader("+1"))
	if resp, err := (&http.Client{Timeout: 150 * time.Millisecond}).Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("answered %d before the callout returned", resp.StatusCode)
	}
	time.Sleep(800 * time.Millisecond) // the callout would have returned by now
	if v, _ := g.SharedDataValue("counter"); string(v) != "0" {
		t.Errorf("counter = %q: the callback of the gone client's callout ran", v)
	}
	if got := do(t, "POST", url+"/t/incr", "+1", nil); got.status != 200 || got.body != "wrapped:1 retries=0" {
		t.Errorf("next increment: %d %q", got.status, got.body)
	}
}
