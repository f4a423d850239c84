// Command backend serves the demo pet store alone (the Docker image of docker-compose.yaml).
// Its credentials come from DEMO_API_KEY, DEMO_SEARCH_KEY and DEMO_ADMIN_CREDENTIAL (user:password),
// with demo defaults; the user bearer tokens are demo-alice-token and demo-bob-token.
// /_debug/requests shows what it received, credentials included: never expose it.
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
	"strings"
	"syscall"
	"time"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/e2e/backend"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/e2e/examples"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:18081", "address to listen on")
	flag.Parse()
	if err := serve(*listen); err != nil {
		fmt.Fprintln(os.Stderr, "backend:", err)
		os.Exit(1)
	}
}

func serve(addr string) error {
	env := examples.Secrets()
	user, pass, _ := strings.Cut(env[examples.EnvAdminCredential], ":")
	be := backend.New(backend.Credentials{
		BearerTokens: examples.UserTokens, APIKey: env[examples.EnvAPIKey],
		QueryKey: env[examples.EnvSearchKey], BasicUser: user, BasicPass: pass,
	})
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		be.ServeHTTP(w, r)
		log.Info("request", "method", r.Method, "path", r.URL.Path) // no query, headers or body: they carry credentials
	})
	srv := &http.Server{Addr: addr, Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown) // Serve returns ErrServerClosed either way
	}()
	log.Info("demo pet store listening", "addr", addr)
	if err := srv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
