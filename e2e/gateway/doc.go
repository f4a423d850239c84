// Package gateway is a small local stand-in for Envoy that hosts a compiled proxy-wasm plugin
// (build/plugin.wasm) behind a real HTTP listener.
//
// The plugin runs in wazero through the proxy-wasm host of proxy-wasm-go-sdk's proxytest
// (HostEmulator), with the plugin configuration, VM configuration and WASI environment Envoy
// would give it (vm_config.environment_variables), a real clock and real randomness. For each
// HTTP request on a configured route the gateway does what Envoy's HTTP connection manager,
// wasm filter and router do, in order:
//
//  1. adds x-request-id (when absent) and x-forwarded-proto, drops hop-by-hop headers, and calls
//     the plugin's request-header hook with :method, :path, :authority, :scheme and every header
//     (names lowercased); then the body hook, whole or in RequestChunkSize chunks, the last one
//     with end_of_stream;
//  2. executes every DispatchHttpCall for real against the cluster it names and hands the
//     response back (proxy_on_http_call_response), until the plugin resumes the stream or
//     answers it;
//  3. if the plugin sent a local reply, that is the response; otherwise the request as the plugin
//     left it (method, :path, :authority, headers, body) goes over HTTP to the route's cluster,
//     or to the cluster Route.AuthorityClusters names for the :authority the plugin set: the
//     upstream address always comes from the gateway's own configuration, never from a host the
//     request names. Connection failures and timeouts become Envoy's local replies (503
//     "upstream connect error ...", 504 "upstream request timeout");
//  4. the response (upstream, local reply of the plugin or of the router) goes through the
//     plugin's response-header and response-body hooks, as Envoy sends local replies through the
//     encoder filter chain; a local reply sent from a response hook replaces the response as is;
//  5. proxy_on_log, proxy_on_done and proxy_on_delete end the stream, and the gateway drops what
//     the emulator kept of it (internal/wasmvm.ReleaseStream), so memory does not grow with the
//     number of requests served.
//
// Requests that match no route get a 404 without reaching the plugin; request bodies above
// MaxRequestBodyBytes get a 413 before the plugin.
//
// Workers: Config.Workers worker VMs (Envoy's --concurrency), each an instance of the plugin
// with its own root context, ticks (proxy_on_tick when the period it set has passed) and
// callouts; requests go round robin and a stream stays on its worker. The workers share one
// shared-data store with Envoy's semantics (internal/wasmvm.SharedData: per vm_id, which is the
// plugin name here; cas 0 unconditional, CasMismatch otherwise, one process-wide cas counter);
// each Gateway has its own store, as each Envoy process does. A stream the plugin paused waits
// until a callback resumes it: its own callouts, another stream's callout response (single
// flight), or a tick (a fetch another worker has in flight); when no stream of the worker runs,
// no callout is in flight and the plugin has no tick period, nothing can resume it, and the
// stream ends with a 500 "never resumed" (or after Config.ResumeTimeout).
//
// Redis: Higress's proxy_redis_init / proxy_redis_call (wasm-go's RedisClusterClient) reach a
// real Redis at the named cluster's address (see redis.go for the exact semantics).
//
// Serialization: proxytest keeps its host in process globals and a wasm module is not
// reentrant, so every call into a VM holds proxytest's lock with that VM's emulator installed
// (internal/wasmvm.Host): one VM runs at a time in the process, which changes the timing of
// Envoy's parallel workers but not what each can observe. Streams interleave at their upstream
// I/O and callouts, like Envoy's event loop. Several Gateways may be open in one process (two
// "replicas" sharing a Redis). Gateways take over the standard library logger, where proxytest
// writes every plugin log line and the headers and body of every callout and the Redis
// password: plugin lines become Logs entries of the VM's gateway, the others are dropped.
//
// If the plugin traps (a Go panic inside the module), the stream gets a 503 and that worker's
// VM is rebuilt for its next request (Envoy's failure_policy FAIL_RELOAD).
//
// Logs: the gateway writes its access log (method, path without query, status, cluster, time)
// and the plugin's log lines to Config.Logger, never headers, query strings, bodies or the
// configuration. Logs returns the captured lines, at every level, so tests can assert that no
// secret appears in them: the newest Config.LogHistory of them (a ring; 20,000 by default).
//
// As Envoy, proxy_set_effective_context refuses (BadArgument) a stream that has finished, so a
// plugin resuming a call whose client went away sees the refusal, and the callouts of a stream
// whose client went away are cancelled: their callbacks never run.
//
// Known gaps against Envoy: no TLS to upstreams, no HTTP/2, no trailers, no route-cache clearing
// (the route is chosen once, on the request as received), properties limited to the ones the
// Higress wrapper reads (plugin_name, route_name, cluster_name, x_request_id, request.*), and no
// shared queues across workers.
package gateway
