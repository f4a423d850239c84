// Command gateway hosts a proxy-wasm plugin behind a local HTTP listener, like a one-route Envoy,
// from a YAML file (see gateway.File and examples/gateway.yaml):
//
//	go run ./cmd/gateway -config examples/gateway.yaml
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/e2e/gateway"
)

func main() {
	path := flag.String("config", "examples/gateway.yaml", "gateway file")
	listen := flag.String("listen", "", "override the file's listen address")
	admin := flag.String("admin", "", "address of an admin listener serving GET /stats (the plugin's metrics, as Envoy's admin lists them); empty: none")
	flag.Parse()
	if err := run(*path, *listen, *admin); err != nil {
		fmt.Fprintln(os.Stderr, err) // every error already starts with "gateway: "
		os.Exit(1)
	}
}

func run(path, listen, admin string) error {
	cfg, addr, err := gateway.LoadFile(path)
	if err != nil {
		return err
	}
	if listen != "" {
		addr = listen
	}
	cfg.Logger = slog.New(slog.NewTextHandler(os.Stderr, nil))
	cfg.CompilationCacheDir = gateway.DefaultCompilationCacheDir()
	g, err := gateway.New(cfg)
	if err != nil {
		return err
	}
	defer g.Close()
	srv := &http.Server{Addr: addr, Handler: g, ReadHeaderTimeout: 10 * time.Second}
	if admin != "" {
		adminSrv := &http.Server{Addr: admin, Handler: g.StatsHandler(), ReadHeaderTimeout: 10 * time.Second}
		defer adminSrv.Close()
		go func() {
			if err := adminSrv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
				cfg.Logger.Error("admin listener failed", "addr", admin, "err", err)
			}
		}()
		cfg.Logger.Info("admin listening", "addr", admin)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown) // ListenAndServe returns ErrServerClosed either way
	}()
	cfg.Logger.Info("gateway listening", "addr", addr)
	if err := srv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("gateway: %w", err)
	}
	return nil
}
