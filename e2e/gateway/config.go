package gateway

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Config is one gateway: the plugin with its configuration and VM environment (what Envoy's
// envoy.filters.http.wasm gets), and Envoy-like clusters and routes that decide where requests go.
type Config struct {
	Wasm         []byte            // the compiled plugin (build/plugin.wasm)
	PluginConfig []byte            // plugin configuration, JSON (Envoy: config.configuration)
	VMConfig     []byte            // optional VM configuration (Envoy: vm_config.configuration)
	Env          map[string]string // WASI environment (Envoy: vm_config.environment_variables)
	PluginName   string            // property plugin_name; default "mcp-rest-bridge"

	Clusters map[string]Cluster // upstream name -> address; also the targets of DispatchHttpCall
	Routes   []Route            // first match by path prefix wins; no match -> 404 without the plugin

	// PluginLogLevel is what the host reports to the plugin's get_log_level (Envoy's log level):
	// trace, debug, info (default), warn, error, critical. Plugin logs below it are not produced.
	PluginLogLevel string
	// Logger receives the gateway's access log and the plugin's logs; nil discards them. The
	// gateway logs method, path without query, status, cluster and timing, never headers,
	// query strings, bodies or the configuration.
	Logger *slog.Logger
	// LogHistory is how many of the newest log lines (plugin, guest output, access log) the
	// gateway keeps in memory for Logs; older ones are dropped. Default DefaultLogHistory.
	LogHistory int

	UpstreamTimeout      time.Duration // route timeout; default 15s (Envoy's default)
	CalloutTimeout       time.Duration // used when the plugin's DispatchHttpCall timeout is unknown; default 5s
	MaxRequestBodyBytes  int64         // default 8 MiB; larger -> 413 before the plugin
	MaxResponseBodyBytes int64         // default 32 MiB; larger -> 502 through the response hooks
	RequestChunkSize     int           // >0 delivers the request body in chunks of this size
	ResponseChunkSize    int           // >0 delivers the response body in chunks of this size
	TickInterval         time.Duration // how often plugin ticks are checked; default 50ms
	// Workers is the number of worker VMs (Envoy's --concurrency): each runs its own copy of the
	// plugin with its own root context and ticks; requests go round robin; all share the
	// gateway's shared data. Default 1.
	Workers int
	// ResumeTimeout bounds how long a paused stream waits for a callback (another stream's
	// callout, a tick) to resume it; default 15s.
	ResumeTimeout time.Duration
	// CompilationCacheDir keeps the compiled plugin on disk across processes (the compile of a
	// 10 MB plugin takes seconds); "" keeps it in memory for this process only.
	CompilationCacheDir string
}

// DefaultCompilationCacheDir is a per-user cache directory for CompilationCacheDir.
func DefaultCompilationCacheDir() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "mcp-rest-bridge", "wazero")
}

// Cluster is an upstream, like an Envoy STATIC cluster with one endpoint.
type Cluster struct {
	Address string `json:"address"` // host:port, plain HTTP
}

// Route maps a path prefix to a cluster. The plugin runs on every route.
type Route struct {
	Name   string `json:"name"`   // property route_name; default "route-<i>"
	Prefix string `json:"prefix"` // matched against the request path as received
	// Cluster receives the request the plugin rewrote, whatever :authority the plugin set.
	Cluster string `json:"cluster"`
	// AuthorityClusters picks another cluster by the :authority the plugin left (multi-host
	// configs, like a route per backend host). Unlisted authorities go to Cluster.
	AuthorityClusters map[string]string `json:"authorityClusters"`
	// HostRewrite replaces the upstream Host header (Envoy: host_rewrite_literal, applied by the
	// router after the filters ran). Empty keeps the :authority the plugin left.
	HostRewrite string `json:"hostRewrite"`
}

var logLevels = map[string]uint32{"trace": 0, "debug": 1, "info": 2, "warn": 3, "error": 4, "critical": 5}

func (c *Config) withDefaults() (Config, error) {
	out := *c
	if out.PluginName == "" {
		out.PluginName = "mcp-rest-bridge"
	}
	if out.PluginLogLevel == "" {
		out.PluginLogLevel = "info"
	}
	if out.UpstreamTimeout <= 0 {
		out.UpstreamTimeout = 15 * time.Second
	}
	if out.CalloutTimeout <= 0 {
		out.CalloutTimeout = 5 * time.Second
	}
	if out.MaxRequestBodyBytes <= 0 {
		out.MaxRequestBodyBytes = 8 << 20
	}
	if out.MaxResponseBodyBytes <= 0 {
		out.MaxResponseBodyBytes = 32 << 20
	}
	if out.Workers <= 0 {
		out.Workers = 1
	}
	if out.ResumeTimeout <= 0 {
		out.ResumeTimeout = 15 * time.Second
	}
	if out.TickInterval <= 0 {
		out.TickInterval = 50 * time.Millisecond
	}
	if out.LogHistory <= 0 {
		out.LogHistory = DefaultLogHistory
	}
	if out.Logger == nil {
		out.Logger = slog.New(slog.DiscardHandler)
	}
	out.Routes = make([]Route, len(c.Routes))
	for i, r := range c.Routes {
		out.Routes[i] = r
		out.Routes[i].AuthorityClusters = make(map[string]string, len(r.AuthorityClusters))
		for a, cl := range r.AuthorityClusters {
			out.Routes[i].AuthorityClusters[strings.ToLower(a)] = cl
		}
	}
	return out, out.validate()
}

func (c *Config) validate() error {
	var errs []error
	if len(c.Wasm) == 0 {
		errs = append(errs, errors.New("gateway: config: wasm is empty"))
	}
	if _, ok := logLevels[c.PluginLogLevel]; !ok {
		errs = append(errs, fmt.Errorf("gateway: config: pluginLogLevel %q: want one of trace, debug, info, warn, error, critical", c.PluginLogLevel))
	}
	for _, name := range sortedKeys(c.Clusters) {
		if _, _, err := net.SplitHostPort(c.Clusters[name].Address); err != nil {
			errs = append(errs, fmt.Errorf("gateway: config: clusters.%s.address: %w", name, err))
		}
	}
	if len(c.Routes) == 0 {
		errs = append(errs, errors.New("gateway: config: no routes"))
	}
	for i, r := range c.Routes {
		if !strings.HasPrefix(r.Prefix, "/") {
			errs = append(errs, fmt.Errorf("gateway: config: routes[%d].prefix %q must start with /", i, r.Prefix))
		}
		if _, ok := c.Clusters[r.Cluster]; !ok {
			errs = append(errs, fmt.Errorf("gateway: config: routes[%d].cluster: unknown cluster %q", i, r.Cluster))
		}
		for _, a := range sortedKeys(r.AuthorityClusters) {
			if _, ok := c.Clusters[r.AuthorityClusters[a]]; !ok {
				errs = append(errs, fmt.Errorf("gateway: config: routes[%d].authorityClusters[%s]: unknown cluster %q", i, a, r.AuthorityClusters[a]))
			}
		}
	}
	return errors.Join(errs...)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// match returns the first route whose prefix matches path, and its index.
func (c *Config) match(path string) (*Route, int) {
	for i := range c.Routes {
		if strings.HasPrefix(path, c.Routes[i].Prefix) {
			return &c.Routes[i], i
		}
	}
	return nil, -1
}

func (r *Route) name(i int) string {
	if r.Name != "" {
		return r.Name
	}
	return fmt.Sprintf("route-%d", i)
}

// clusterFor picks the upstream cluster for the authority the plugin left on the request.
func (r *Route) clusterFor(authority string) string {
	if c, ok := r.AuthorityClusters[strings.ToLower(authority)]; ok {
		return c
	}
	return r.Cluster
}
