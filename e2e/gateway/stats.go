package gateway

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/internal/wasmvm"
)

// Stats returns the metrics the plugin defined, summed over its worker VMs as Envoy keeps
// them, named as Envoy's /stats lists them ("wasmcustom.<name>"), sorted by name.
func (g *Gateway) Stats() []wasmvm.Stat { return g.stats.Snapshot() }

// StatsHandler serves GET /stats as Envoy's admin endpoint does in text form: one
// "name: value" line per metric; ?filter=<substring> keeps the names that contain it.
func (g *Gateway) StatsHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet || r.URL.Path != "/stats" {
			http.NotFound(w, r)
			return
		}
		filter := r.URL.Query().Get("filter")
		var b strings.Builder
		for _, s := range g.Stats() {
			if strings.Contains(s.Name, filter) {
				b.WriteString(s.Name + ": " + strconv.FormatUint(s.Value, 10) + "\n")
			}
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte(b.String()))
	})
}

// WasmMemory returns the size in bytes of each worker VM's linear memory, by worker (0 for a
// worker whose VM a trap took down and no request has rebuilt yet). Wasm memory only grows: a
// plugin that keeps something per request shows it here.
func (g *Gateway) WasmMemory() []uint32 {
	g.mu.Lock() // calls into the VMs hold it too
	defer g.mu.Unlock()
	out := make([]uint32, len(g.workers))
	for i, w := range g.workers {
		if w.h != nil {
			out[i] = w.h.vm.Module().Memory().Size()
		}
	}
	return out
}
