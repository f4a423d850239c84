// Command run is `make run`: it starts the demo pet store and the local gateway hosting
// build/plugin.wasm with examples/demo.yaml on 127.0.0.1, prints the MCP URL and ready-to-paste
// MCP Inspector commands, and stops cleanly on Ctrl-C (SIGINT) or SIGTERM. It builds nothing:
// the Makefile builds the plugin first.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/e2e/demo"
)

// inspector is the MCP Inspector the printed commands use (pinned like e2e/package.json).
const inspector = "@modelcontextprotocol/inspector@2.12.0"

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "run:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", "127.0.0.1:18080", "gateway address (MCP endpoint at /mcp)")
	backendAddr := fs.String("backend", "127.0.0.1:18081", "demo backend address")
	wasmPath := fs.String("wasm", "../build/plugin.wasm", "the plugin, built by `make build`")
	configPath := fs.String("config", "", "plugin config YAML (default: the embedded examples/demo.yaml)")
	logLevel := fs.String("log-level", "info", "gateway and plugin log level: debug, info, warn, error")
	if err := fs.Parse(args); err != nil {
		return err
	}
	wasm, err := os.ReadFile(*wasmPath)
	if err != nil {
		return fmt.Errorf("%w (build it with `make build`)", err)
	}
	var cfg []byte
	if *configPath != "" {
		if cfg, err = os.ReadFile(*configPath); err != nil {
			return err
		}
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		return fmt.Errorf("-log-level: %w", err)
	}
	pluginLevel := map[slog.Level]string{slog.LevelDebug: "debug", slog.LevelInfo: "info", slog.LevelWarn: "warn", slog.LevelError: "error"}[level]
	if pluginLevel == "" {
		pluginLevel = "info"
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	d, err := demo.Start(demo.Options{
		Wasm: wasm, ConfigYAML: cfg, GatewayAddr: *listen, BackendAddr: *backendAddr,
		Logger: logger, PluginLogLevel: pluginLevel,
	})
	if err != nil {
		return err
	}
	printBanner(stdout, d)
	<-ctx.Done()
	fmt.Fprintln(stdout, "\nstopping...")
	return d.Close()
}

func printBanner(w io.Writer, d *demo.Demo) {
	cli := "npx " + inspector + " --cli " + d.MCPURL + " --transport http"
	fmt.Fprintf(w, `mcp-rest-bridge demo is running (plugin in a local gateway, pet store behind it)

  MCP endpoint:  %[1]s
  demo backend:  %[2]s   (what it received: %[2]s/_debug/requests)
  user token:    demo-alice-token   (for list_my_orders and place_order)

List the tools with MCP Inspector (CLI):
  %[3]s --method tools/list

Call tools:
  %[3]s --method tools/call --tool-name list_pets --tool-arg species=cat
  %[3]s --method tools/call --tool-name list_my_orders --header "Authorization: Bearer demo-alice-token"

Open the Inspector UI (then Connect; add the Authorization header for the passthrough tools):
  npx %[4]s --web --transport http --server-url %[1]s

Inspector 2.x needs Node >= 22.19. With an older Node, 'make e2e-npm' installs the pinned
Inspector and a Node 22 into e2e/node_modules; then, from the repository root:
  PATH="$PWD/e2e/node_modules/.bin:$PATH" inspector --cli %[1]s --transport http --method tools/list

Press Ctrl-C to stop.
`, d.MCPURL, d.BackendURL, cli, inspector)
}
