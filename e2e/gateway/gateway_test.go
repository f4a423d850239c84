package gateway

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestRewrittenRequestReachesTheRouteCluster(t *testing.T) {
	for _, tc := range []struct {
		name          string
		reqChunk, rsp int
	}{
		{"whole bodies", 0, 0},
		{"multi-chunk bodies", 3, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			be := echoUpstream(t)
			_, url := startGateway(t, be.addr(), closedAddr(t), func(c *Config) {
				c.RequestChunkSize, c.ResponseChunkSize = tc.reqChunk, tc.rsp
			})
			got := do(t, "POST", url+"/t/echo?api_key=client", "hello world", map[string]string{
				"Authorization": "Bearer client-token", "Content-Type": "text/plain",
			})
			if got.status != 200 || got.body != `wrapped:{"echo":"HELLO WORLD"}` {
				t.Fatalf("reply = %d %q", got.status, got.body)
			}
			if got.header.Get("X-Plugin-Response") != "1" || got.header.Get("Set-Cookie") != "" {
				t.Errorf("reply headers = %v", got.header)
			}
			if got.header.Get("Content-Length") != fmt.Sprint(len(got.body)) {
				t.Errorf("content-length = %q for %d bytes", got.header.Get("Content-Length"), len(got.body))
			}
			recs := be.got()
			if len(recs) != 1 {
				t.Fatalf("backend got %d requests", len(recs))
			}
			r := recs[0]
			if r.Method != "POST" || r.RequestURI != "/echo?from=plugin&q=a%2Fb" || r.Host != "backend.test" || r.Body != "HELLO WORLD" {
				t.Errorf("backend got %s %s host=%s body=%q", r.Method, r.RequestURI, r.Host, r.Body)
			}
			for _, h := range []string{"Authorization", "User-Agent", "Accept-Encoding"} {
				if v, ok := r.Header[h]; ok {
					t.Errorf("backend got %s: %q", h, v)
				}
			}
			if r.Header.Get("X-Plugin") != "1" || r.Header.Get("X-Forwarded-Proto") != "http" ||
				len(r.Header.Get("X-Request-Id")) != 36 || r.Header.Get("X-Envoy-Expected-Rq-Timeout-Ms") != "15000" {
				t.Errorf("backend headers = %v", r.Header)
			}
		})
	}
}

func TestLocalRepliesGoThroughTheResponseHooks(t *testing.T) {
	be := echoUpstream(t)
	_, url := startGateway(t, be.addr(), closedAddr(t), nil)
	got := do(t, "POST", url+"/t/local", "abc", nil)
	if got.status != 418 || got.body != `wrapped:{"local":true,"bodyLength":3}` {
		t.Errorf("reply = %d %q", got.status, got.body)
	}
	if got.header.Get("X-Local") != "yes" || got.header.Get("X-Plugin-Response") != "1" || got.header.Get("Content-Type") != "application/json" {
		t.Errorf("reply headers = %v", got.header)
	}
	got = do(t, "GET", url+"/t/anything", "", nil)
	if got.status != 405 || got.header.Get("Allow") != "POST" || got.body != "wrapped:method not allowed" {
		t.Errorf("GET reply = %d %v %q", got.status, got.header, got.body)
	}
	if n := len(be.got()); n != 0 {
		t.Errorf("backend got %d requests, want 0", n)
	}
}

func TestCallouts(t *testing.T) {
	be := echoUpstream(t)
	auth := newUpstream(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		fmt.Fprintf(w, "issued-for-%s", body)
	})
	_, url := startGateway(t, be.addr(), auth.addr(), nil)

	got := do(t, "POST", url+"/t/callout-headers", "x", nil)
	if got.status != 200 {
		t.Fatalf("callout-headers reply = %d %q", got.status, got.body)
	}
	got = do(t, "POST", url+"/t/callout-body", "client-cred", nil)
	if got.status != 200 || got.body != `wrapped:{"echo":"token:issued-for-client-cred"}` {
		t.Fatalf("callout-body reply = %d %q", got.status, got.body)
	}
	calls := auth.got()
	if len(calls) != 2 || calls[0].Method != "GET" || calls[0].RequestURI != "/auth?phase=headers" || calls[0].Host != "auth.test" ||
		calls[1].Method != "POST" || calls[1].RequestURI != "/token" || calls[1].Body != "client-cred" {
		t.Fatalf("auth got %+v", calls)
	}
	recs := be.got()
	if len(recs) != 2 || !strings.HasPrefix(recs[0].Header.Get("X-Auth-Status"), "200/") {
		t.Fatalf("backend got %+v", recs)
	}
}

func TestCalloutUsesThePluginTimeout(t *testing.T) {
	be := echoUpstream(t)
	auth := newUpstream(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		time.Sleep(1500 * time.Millisecond) // the plugin asked for 1234 ms; the default is 5 s
	})
	_, url := startGateway(t, be.addr(), auth.addr(), nil)
	got := do(t, "POST", url+"/t/callout-headers", "x", nil)
	recs := be.got()
	if got.status != 200 || len(recs) != 1 || recs[0].Header.Get("X-Auth-Status") != "none/0" {
		t.Fatalf("reply %d, backend got %+v", got.status, recs)
	}
}

func TestUpstreamIsChosenByTheGatewayNeverByTheRequest(t *testing.T) {
	be, other := echoUpstream(t), echoUpstream(t)
	_, url := startGateway(t, be.addr(), closedAddr(t), func(c *Config) {
		c.Clusters["other"] = Cluster{Address: other.addr()}
		c.Routes[0].AuthorityClusters = map[string]string{"Backend.Test": "other"}
	})
	do(t, "POST", url+"/t/evil-host", "a", map[string]string{"Host": "evil.example"})
	do(t, "POST", url+"/t/echo", "b", nil)
	if recs := be.got(); len(recs) != 1 || recs[0].Host != "evil.example:1" || recs[0].Body != "A" {
		t.Errorf("route cluster got %+v", recs)
	}
	if recs := other.got(); len(recs) != 1 || recs[0].Host != "backend.test" || recs[0].Body != "B" {
		t.Errorf("authority cluster got %+v", recs)
	}
}

// TestHostCopiesWhatThePluginHandsIt: proxytest keeps views of guest memory; the gateway must
// copy, as Envoy does, or a plugin reusing a buffer changes a request it already handed over.
func TestHostCopiesWhatThePluginHandsIt(t *testing.T) {
	be := echoUpstream(t)
	_, url := startGateway(t, be.addr(), closedAddr(t), nil)
	do(t, "POST", url+"/t/alias", "x", nil)
	if recs := be.got(); len(recs) != 1 || recs[0].Body != "original body" {
		t.Errorf("backend got %+v, want the body as handed over", recs)
	}
}

func TestHostRewrite(t *testing.T) {
	be := echoUpstream(t)
	_, url := startGateway(t, be.addr(), closedAddr(t), func(c *Config) { c.Routes[0].HostRewrite = "petstore" })
	do(t, "POST", url+"/t/echo", "a", nil)
	if recs := be.got(); len(recs) != 1 || recs[0].Host != "petstore" {
		t.Errorf("backend got %+v", recs)
	}
}

func TestUpstreamFailuresAreEnvoyLocalReplies(t *testing.T) {
	slow := newUpstream(t, func(w http.ResponseWriter, r *http.Request, body []byte) { time.Sleep(time.Second) })
	for _, tc := range []struct {
		name    string
		backend string
		timeout time.Duration
		status  int
		body    string
	}{
		{"connection refused", closedAddr(t), 0, 503, "wrapped:" + connectFailureBody},
		{"timeout", slow.addr(), 200 * time.Millisecond, 504, "wrapped:" + timeoutBody},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, url := startGateway(t, tc.backend, closedAddr(t), func(c *Config) { c.UpstreamTimeout = tc.timeout })
			got := do(t, "POST", url+"/t/echo", "a", nil)
			if got.status != tc.status || got.body != tc.body || got.header.Get("X-Plugin-Response") != "1" {
				t.Errorf("reply = %d %v %q", got.status, got.header, got.body)
			}
		})
	}
}

func TestPluginFaults(t *testing.T) {
	be := echoUpstream(t)
	_, url := startGateway(t, be.addr(), closedAddr(t), func(c *Config) {
		c.Env["WASM_DISABLE_PANIC_RECOVERY"] = "true" // a panic traps instead of being logged
	})
	if got := do(t, "POST", url+"/t/stuck", "a", nil); got.status != 500 || !strings.Contains(got.body, "never resumed") {
		t.Errorf("stuck reply = %d %q", got.status, got.body)
	}
	if got := do(t, "POST", url+"/t/panic", "a", nil); got.status != 503 {
		t.Errorf("panic reply = %d %q", got.status, got.body)
	}
	if got := do(t, "POST", url+"/t/echo", "after", nil); got.status != 200 || got.body != `wrapped:{"echo":"AFTER"}` {
		t.Errorf("after rebuild reply = %d %q", got.status, got.body)
	}
	if n := len(be.got()); n != 1 {
		t.Errorf("backend got %d requests, want 1", n)
	}
}

func TestEnvironmentAndStartFailure(t *testing.T) {
	be := echoUpstream(t)
	_, url := startGateway(t, be.addr(), closedAddr(t), nil)
	if got := do(t, "POST", url+"/t/env", "", nil); got.body != "wrapped:secret-length=12" {
		t.Errorf("env reply = %d %q", got.status, got.body)
	}
	// a second gateway in the same process, with another environment, while the first is open
	_, url2 := startGateway(t, be.addr(), closedAddr(t), func(c *Config) { c.Env = map[string]string{"TEST_SECRET": "other"} })
	if got := do(t, "POST", url2+"/t/env", "", nil); got.body != "wrapped:secret-length=5" {
		t.Errorf("second gateway env reply = %d %q", got.status, got.body)
	}
	if got := do(t, "POST", url+"/t/env", "", nil); got.body != "wrapped:secret-length=12" {
		t.Errorf("first gateway env reply after the second started = %d %q", got.status, got.body)
	}
}

func TestStartFailureReportsThePluginLog(t *testing.T) {
	g, err := New(Config{
		Wasm: testWasm, PluginConfig: []byte(`{"secretEnv":"NOT_SET"}`), CompilationCacheDir: DefaultCompilationCacheDir(),
		Clusters: map[string]Cluster{"b": {Address: "127.0.0.1:1"}}, Routes: []Route{{Prefix: "/", Cluster: "b"}},
	})
	if err == nil {
		g.Close()
		t.Fatal("New succeeded without the environment variable")
	}
	want := "gateway: plugin rejected its configuration: testplugin: environment variable NOT_SET is not set"
	if err.Error() != want || !errors.Is(err, ErrPluginConfig) {
		t.Errorf("error = %v\nwant exactly %q, wrapping ErrPluginConfig", err, want)
	}
	be := echoUpstream(t)
	startGateway(t, be.addr(), closedAddr(t), nil) // a failed New leaves nothing behind
}

func TestNoRouteAndOversizedBody(t *testing.T) {
	be := echoUpstream(t)
	g, url := startGateway(t, be.addr(), closedAddr(t), func(c *Config) { c.MaxRequestBodyBytes = 10 })
	started := len(g.Logs())
	if got := do(t, "POST", url+"/other", "a", nil); got.status != 404 {
		t.Errorf("no route: %d", got.status)
	}
	if got := do(t, "POST", url+"/t/echo", "01234567890", nil); got.status != 413 {
		t.Errorf("oversized: %d", got.status)
	}
	for _, e := range g.Logs()[started:] {
		if e.Source == "plugin" {
			t.Errorf("plugin ran: %+v", e)
		}
	}
	if n := len(be.got()); n != 0 {
		t.Errorf("backend got %d requests", n)
	}
}

func TestLogsAreCapturedAndKeepSecretsOut(t *testing.T) {
	be := echoUpstream(t)
	auth := newUpstream(t, func(w http.ResponseWriter, r *http.Request, body []byte) { fmt.Fprint(w, "tok") })
	g, url := startGateway(t, be.addr(), auth.addr(), nil)
	do(t, "POST", url+"/t/echo?api_key=query-secret", "a", map[string]string{"Authorization": "Bearer header-secret"})
	do(t, "POST", url+"/t/callout-body", "callout-secret", nil)
	levels := map[string]bool{}
	var access []string
	for _, e := range g.Logs() {
		for _, s := range []string{"query-secret", "header-secret", "callout-secret", "s3cr3t-value"} {
			if strings.Contains(e.Msg, s) {
				t.Errorf("log entry leaks %q: %+v", s, e)
			}
		}
		if e.Source == "plugin" {
			levels[e.Level] = true
		}
		if e.Source == "gateway" && e.Level == "info" {
			access = append(access, e.Msg)
		}
	}
	if len(levels) != 6 {
		t.Errorf("plugin log levels captured = %v, want all 6", levels)
	}
	if len(access) != 2 || !strings.HasPrefix(access[0], "POST /t/echo -> 200 cluster=backend upstream_status=200 ") {
		t.Errorf("access log = %q", access)
	}
}

func TestConcurrentStreamsStayApart(t *testing.T) {
	be := newUpstream(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		time.Sleep(20 * time.Millisecond) // let streams interleave in the plugin
		fmt.Fprintf(w, "%s", body)
	})
	_, url := startGateway(t, be.addr(), closedAddr(t), func(c *Config) { c.RequestChunkSize = 7 })
	var wg sync.WaitGroup
	for i := range 24 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			body := strings.Repeat(fmt.Sprintf("stream-%02d;", i), 40)
			got := do(t, "POST", url+"/t/echo", body, nil)
			if want := "wrapped:" + strings.ToUpper(body); got.status != 200 || got.body != want {
				t.Errorf("stream %d: %d %q", i, got.status, got.body)
			}
		}()
	}
	wg.Wait()
}

// TestStartFailureIsReportedOnce: what the plugin logs while refusing its configuration is not
// written to the logger; New's error carries the plugin's reason, once.
func TestStartFailureIsReportedOnce(t *testing.T) {
	var logged strings.Builder
	_, err := New(Config{
		Wasm: testWasm, PluginConfig: []byte(`{"secretEnv":"NOT_SET"}`), CompilationCacheDir: DefaultCompilationCacheDir(),
		Clusters: map[string]Cluster{"b": {Address: "127.0.0.1:1"}}, Routes: []Route{{Prefix: "/", Cluster: "b"}},
		Logger: slog.New(slog.NewTextHandler(&logged, &slog.HandlerOptions{Level: slog.LevelDebug})),
	})
	if err == nil || strings.Count(err.Error(), "NOT_SET") != 1 {
		t.Fatalf("New error = %v, want the reason once", err)
	}
	if logged.Len() != 0 {
		t.Fatalf("a failed start wrote to the logger:\n%s", logged.String())
	}
}

func TestStripLogPrefix(t *testing.T) {
	for in, want := range map[string]string{
		"[mcp-rest-bridge] [nil] [nil] plugin start failed":    "plugin start failed",
		"[mcp-rest-bridge] [route-0] [nil] tools/call get_pet": "[mcp-rest-bridge] [route-0] [nil] tools/call get_pet",
		"[p] [nil] [svc] x": "[p] [nil] [svc] x",
		"plain line":        "plain line",
		"[p] [nil]":         "[p] [nil]",
	} {
		if got := stripLogPrefix(in); got != want {
			t.Errorf("stripLogPrefix(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLogsKeepTheNewestLogHistory(t *testing.T) {
	for _, tc := range []struct {
		history, added int
		first          int // the oldest line kept
	}{
		{3, 0, 0},
		{3, 2, 0},
		{3, 3, 0},
		{3, 4, 1},
		{3, 10, 7},
		{1, 5, 4},
	} {
		s := newLogSink(slog.New(slog.DiscardHandler), 0, tc.history)
		for i := range tc.added {
			s.add(LogEntry{Source: "gateway", Level: "info", Msg: strconv.Itoa(i)})
		}
		var got []string
		for _, e := range s.snapshot() {
			got = append(got, e.Msg)
		}
		var want []string
		for i := tc.first; i < tc.added; i++ {
			want = append(want, strconv.Itoa(i))
		}
		if !slices.Equal(got, want) {
			t.Errorf("history %d, %d lines: Logs = %v, want %v", tc.history, tc.added, got, want)
		}
	}
}

func TestGuestOutputIsLoggedByLine(t *testing.T) {
	long := strings.Repeat("x", maxPartialLine+1)
	for _, tc := range []struct {
		name   string
		writes []string
		want   []string
	}{
		{"whole lines", []string{"a\nb\n"}, []string{"a", "b"}},
		{"a line in pieces, as the Go runtime prints", []string{"gc ", "8", " @", "5.6s", " 3->3->0 MB\n"}, []string{"gc 8 @5.6s 3->3->0 MB"}},
		{"empty lines dropped", []string{"\n\na\n\n"}, []string{"a"}},
		{"an unfinished line waits", []string{"a\nb"}, []string{"a"}},
		{"pieces across lines", []string{"a", "b\nc", "d\n"}, []string{"ab", "cd"}},
		{"an overlong unfinished line is cut", []string{long[:10], long[10:]}, []string{long}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newLogSink(slog.New(slog.DiscardHandler), 0, 100)
			w := newWriterSink(s, "wasm-stderr", "error")
			for _, p := range tc.writes {
				if n, err := w.Write([]byte(p)); n != len(p) || err != nil {
					t.Fatalf("Write(%q) = %d, %v", p, n, err)
				}
			}
			var got []string
			for _, e := range s.snapshot() {
				got = append(got, e.Msg)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("entries = %q, want %q", got, tc.want)
			}
		})
	}
}
