// Package demo starts the demo backend and the local gateway with examples/demo.yaml, on
// loopback: what `make run` shows and what the e2e tests drive.
package demo

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/e2e/backend"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/e2e/examples"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/e2e/gateway"
	"sigs.k8s.io/yaml"
)

// Options configure Start. Zero values take the defaults.
type Options struct {
	Wasm        []byte // the compiled plugin
	ConfigYAML  []byte // plugin config; default: examples/demo.yaml
	GatewayAddr string // default 127.0.0.1:18080; ":0" style addresses pick a free port
	BackendAddr string // default 127.0.0.1:18081
	// Upstream (host:port), when set, replaces the demo backend: no pet store starts and every
	// request the plugin forwards goes there (plain HTTP), whatever host the tool URL names.
	Upstream       string
	Env            map[string]string
	Logger         *slog.Logger
	PluginLogLevel string
	CacheDir       string // wazero compilation cache; "" = gateway.DefaultCompilationCacheDir()
	ChunkSize      int    // >0: bodies reach the plugin in chunks of this size
	// BackendCredentials overrides what the backend accepts (default: the same secrets the
	// plugin gets, and examples.UserTokens), e.g. to make the backend refuse the plugin's credential.
	BackendCredentials *backend.Credentials
	// Clusters are more upstreams the plugin's callouts may name (e.g. a JWKS endpoint), next
	// to the pet store's "petstore".
	Clusters map[string]gateway.Cluster
	// LogHistory is how many log lines the gateway keeps for Gateway.Logs (0: its default).
	LogHistory int
}

// Demo is a running backend + gateway.
type Demo struct {
	Backend    *backend.Backend // nil with Options.Upstream
	Gateway    *gateway.Gateway
	MCPURL     string            // http://127.0.0.1:PORT/mcp
	BackendURL string            // the demo backend, or http://<Options.Upstream>
	Secrets    map[string]string // the environment the plugin got

	servers []*http.Server
}

// Start listens on both addresses and serves until Close.
func Start(opts Options) (*Demo, error) {
	if opts.GatewayAddr == "" {
		opts.GatewayAddr = "127.0.0.1:18080"
	}
	if opts.BackendAddr == "" {
		opts.BackendAddr = "127.0.0.1:18081"
	}
	if opts.CacheDir == "" {
		opts.CacheDir = gateway.DefaultCompilationCacheDir()
	}
	if opts.ConfigYAML == nil {
		opts.ConfigYAML = examples.DemoYAML
	}
	pluginJSON, err := yaml.YAMLToJSON(opts.ConfigYAML)
	if err != nil {
		return nil, fmt.Errorf("demo: plugin config: %w", err)
	}
	env := opts.Env
	if env == nil {
		env = examples.Secrets()
	}
	var (
		be       *backend.Backend
		bl       net.Listener
		upstream = opts.Upstream
	)
	if upstream == "" {
		be = backend.New(backendCredentials(env, opts.BackendCredentials))
		if bl, err = net.Listen("tcp", opts.BackendAddr); err != nil {
			return nil, fmt.Errorf("demo: backend: %w", err)
		}
		upstream = bl.Addr().String()
	}
	gl, err := net.Listen("tcp", opts.GatewayAddr)
	if err != nil {
		closeAll(bl)
		return nil, fmt.Errorf("demo: gateway: %w", err)
	}
	gw, err := gateway.New(gateway.Config{
		Wasm: opts.Wasm, PluginConfig: pluginJSON, Env: env,
		Clusters: clusters(upstream, opts.Clusters),
		Routes: []gateway.Route{{
			Name: "mcp", Prefix: "/mcp", Cluster: "petstore",
			AuthorityClusters: map[string]string{"petstore.local": "petstore"},
		}, {
			// RFC 9728 metadata (bridge.clientAuth.resourceMetadata): the plugin answers it
			// before the router, as envoy/envoy.yaml routes it.
			Name: "oauth-protected-resource", Prefix: "/.well-known/oauth-protected-resource", Cluster: "petstore",
		}},
		PluginLogLevel: opts.PluginLogLevel, Logger: opts.Logger, LogHistory: opts.LogHistory,
		CompilationCacheDir: opts.CacheDir,
		RequestChunkSize:    opts.ChunkSize, ResponseChunkSize: opts.ChunkSize,
	})
	if err != nil {
		closeAll(bl, gl)
		return nil, err
	}
	d := &Demo{
		Backend: be, Gateway: gw, Secrets: env,
		MCPURL:     "http://" + gl.Addr().String() + "/mcp",
		BackendURL: "http://" + upstream,
	}
	type server struct {
		l net.Listener
		h http.Handler
	}
	servers := []server{{gl, gw}}
	if be != nil {
		servers = append(servers, server{bl, be})
	}
	for _, s := range servers {
		srv := &http.Server{Handler: s.h, ReadHeaderTimeout: 10 * time.Second}
		d.servers = append(d.servers, srv)
		go func() { _ = srv.Serve(s.l) }() // returns ErrServerClosed on Close
	}
	return d, nil
}

// backendCredentials is what the demo backend accepts: the secrets the plugin gets (env) and
// examples.UserTokens, unless override is set.
func backendCredentials(env map[string]string, override *backend.Credentials) backend.Credentials {
	if override != nil {
		return *override
	}
	user, pass, _ := strings.Cut(env[examples.EnvAdminCredential], ":")
	return backend.Credentials{
		BearerTokens: examples.UserTokens, APIKey: env[examples.EnvAPIKey], QueryKey: env[examples.EnvSearchKey],
		BasicUser: user, BasicPass: pass,
	}
}

func clusters(upstream string, extra map[string]gateway.Cluster) map[string]gateway.Cluster {
	out := map[string]gateway.Cluster{"petstore": {Address: upstream}}
	for name, c := range extra {
		out[name] = c
	}
	return out
}

func closeAll(ls ...net.Listener) {
	for _, l := range ls {
		if l != nil {
			_ = l.Close()
		}
	}
}

// Close stops both servers (waiting up to 5 s for requests in flight) and the plugin.
func (d *Demo) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var errs []error
	for _, s := range d.servers {
		if err := s.Shutdown(ctx); err != nil {
			errs = append(errs, err)
		}
	}
	errs = append(errs, d.Gateway.Close())
	return errors.Join(errs...)
}
