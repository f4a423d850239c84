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
	Wasm           []byte // the compiled plugin
	ConfigYAML     []byte // plugin config; default: examples/demo.yaml
	GatewayAddr    string // default 127.0.0.1:18080; ":0" style addresses pick a free port
	BackendAddr    string // default 127.0.0.1:18081
	Env            map[string]string
	Logger         *slog.Logger
	PluginLogLevel string
	CacheDir       string // wazero compilation cache; "" = gateway.DefaultCompilationCacheDir()
	ChunkSize      int    // >0: bodies reach the plugin in chunks of this size
	// BackendCredentials overrides what the backend accepts (default: the same secrets the
	// plugin gets, and examples.UserTokens), e.g. to make the backend refuse the plugin's credential.
	BackendCredentials *backend.Credentials
}

// Demo is a running backend + gateway.
type Demo struct {
	Backend    *backend.Backend
	Gateway    *gateway.Gateway
	MCPURL     string // http://127.0.0.1:PORT/mcp
	BackendURL string
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
	user, pass, _ := strings.Cut(env[examples.EnvAdminCredential], ":")
	creds := backend.Credentials{
		BearerTokens: examples.UserTokens, APIKey: env[examples.EnvAPIKey], QueryKey: env[examples.EnvSearchKey], BasicUser: user, BasicPass: pass,
	}
	if opts.BackendCredentials != nil {
		creds = *opts.BackendCredentials
	}
	be := backend.New(creds)
	bl, err := net.Listen("tcp", opts.BackendAddr)
	if err != nil {
		return nil, fmt.Errorf("demo: backend: %w", err)
	}
	gl, err := net.Listen("tcp", opts.GatewayAddr)
	if err != nil {
		_ = bl.Close()
		return nil, fmt.Errorf("demo: gateway: %w", err)
	}
	gw, err := gateway.New(gateway.Config{
		Wasm: opts.Wasm, PluginConfig: pluginJSON, Env: env,
		Clusters: map[string]gateway.Cluster{"petstore": {Address: bl.Addr().String()}},
		Routes: []gateway.Route{{
			Name: "mcp", Prefix: "/mcp", Cluster: "petstore",
			AuthorityClusters: map[string]string{"petstore.local": "petstore"},
		}},
		PluginLogLevel: opts.PluginLogLevel, Logger: opts.Logger,
		CompilationCacheDir: opts.CacheDir,
		RequestChunkSize:    opts.ChunkSize, ResponseChunkSize: opts.ChunkSize,
	})
	if err != nil {
		_, _ = bl.Close(), gl.Close()
		return nil, err
	}
	d := &Demo{
		Backend: be, Gateway: gw, Secrets: env,
		MCPURL:     "http://" + gl.Addr().String() + "/mcp",
		BackendURL: "http://" + bl.Addr().String(),
	}
	for _, s := range []struct {
		l net.Listener
		h http.Handler
	}{{bl, be}, {gl, gw}} {
		srv := &http.Server{Handler: s.h, ReadHeaderTimeout: 10 * time.Second}
		d.servers = append(d.servers, srv)
		go func() { _ = srv.Serve(s.l) }() // returns ErrServerClosed on Close
	}
	return d, nil
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
