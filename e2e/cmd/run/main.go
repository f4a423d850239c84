// Command run is `make run`: it starts the plugin (build/plugin.wasm) in a local gateway on
// 127.0.0.1 and prints the MCP URL with ready-to-paste calls. By default it serves the demo pet
// store (examples/demo.yaml) in front of a demo backend; with -config it serves your plugin
// config, and with -upstream it forwards to your own backend instead of the demo one. It stops
// cleanly, with exit status 0, on Ctrl-C (SIGINT) or SIGTERM. It builds nothing: the Makefile
// builds the plugin first.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/e2e/demo"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/e2e/gateway"
)

// inspector is the MCP Inspector the printed commands use (pinned like e2e/package.json).
const inspector = "@modelcontextprotocol/inspector@2.12.0"

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "run:", err)
		os.Exit(1)
	}
}

// options are the command-line flags.
type options struct {
	listen, backend, upstream, wasm, config, logLevel string
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.listen, "listen", "127.0.0.1:18080", "gateway address (the MCP endpoint is /mcp)")
	fs.StringVar(&o.backend, "backend", "127.0.0.1:18081", "demo backend address (without -upstream)")
	fs.StringVar(&o.upstream, "upstream", "", "host:port of your own REST backend: every tool call is forwarded there\n"+
		"(plain HTTP, whatever host the tool URL names) and no demo backend starts")
	fs.StringVar(&o.wasm, "wasm", "build/plugin.wasm", "the plugin, built by 'make build'")
	fs.StringVar(&o.config, "config", "", "plugin config, YAML or JSON (default: the demo pet store, e2e/examples/demo.yaml);\n"+
		"\"${NAME}\" credentials in it are read from this process's environment")
	fs.StringVar(&o.logLevel, "log-level", "info", "gateway and plugin log level: debug, info, warn, error")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), `Usage: make run [RUN_ARGS="flags"]   (or, from the repository root: build/run [flags])

Starts the plugin in a local gateway on 127.0.0.1 and prints how to call it.

Flags:
`)
		fs.PrintDefaults()
	}
	err := fs.Parse(args)
	if err == nil && fs.NArg() > 0 {
		err = fmt.Errorf("unexpected argument %q (flags only; see -h)", fs.Arg(0))
	}
	if err == nil && o.upstream != "" {
		if _, _, e := net.SplitHostPort(o.upstream); e != nil {
			err = fmt.Errorf("-upstream %q: want host:port", o.upstream)
		}
	}
	return o, err
}

func run(args []string, stdout, stderr io.Writer) error {
	o, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil // -h: the usage is printed, and asking for it is not an error
	}
	if err != nil {
		return err
	}
	plugin, err := loadPluginConfig(o.config, o.upstream == "")
	if err != nil {
		return err
	}
	wasm, err := os.ReadFile(o.wasm)
	if err != nil {
		return fmt.Errorf("%w (build it with 'make build')", err)
	}
	logger, pluginLevel, err := newLogger(o.logLevel, stderr)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	d, err := demo.Start(demo.Options{
		Wasm: wasm, ConfigYAML: plugin.yaml, Env: plugin.env, GatewayAddr: o.listen, BackendAddr: o.backend,
		Upstream: o.upstream, Logger: logger, PluginLogLevel: pluginLevel,
	})
	if errors.Is(err, gateway.ErrPluginConfig) && o.config != "" {
		return fmt.Errorf("%s: %w", o.config, err)
	}
	if err != nil {
		return err
	}
	if o.config == "" && o.upstream == "" {
		printDemoBanner(stdout, d)
	} else {
		printConfigBanner(stdout, d, plugin, o)
	}
	<-ctx.Done()
	fmt.Fprintln(stdout, "\nstopping...")
	if err := d.Close(); err != nil {
		fmt.Fprintln(stderr, "run: while stopping:", err) // the stop itself was asked for: exit 0
	}
	return nil
}

func newLogger(name string, w io.Writer) (*slog.Logger, string, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(name)); err != nil {
		return nil, "", fmt.Errorf("-log-level: %w", err)
	}
	pluginLevel := map[slog.Level]string{slog.LevelDebug: "debug", slog.LevelInfo: "info", slog.LevelWarn: "warn", slog.LevelError: "error"}[level]
	if pluginLevel == "" {
		pluginLevel = "info"
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level})), pluginLevel, nil
}
