package e2e_test

import (
	"bufio"
	"context"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestRunCommand is `make run` as a user sees it: the built command starts, prints the MCP URL
// and the Inspector command, serves MCP, and stops cleanly on SIGINT.
func TestRunCommand(t *testing.T) {
	dir := t.TempDir()
	bin, wasm := filepath.Join(dir, "run"), filepath.Join(dir, "plugin.wasm")
	if out, err := exec.Command("go", "build", "-o", bin, "./cmd/run").CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/run: %v\n%s", err, out)
	}
	if err := os.WriteFile(wasm, pluginWasm, 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "-wasm", wasm, "-listen", "127.0.0.1:0", "-backend", "127.0.0.1:0")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill() }() // no-op once it exited

	lines := bufio.NewScanner(stdout)
	var banner []string
	for lines.Scan() {
		banner = append(banner, lines.Text())
		if strings.HasPrefix(lines.Text(), "Press Ctrl-C") {
			break
		}
	}
	text := strings.Join(banner, "\n")
	url := regexp.MustCompile(`MCP endpoint:\s+(http://127\.0\.0\.1:\d+/mcp)`).FindStringSubmatch(text)
	if url == nil {
		t.Fatalf("no MCP endpoint in the banner:\n%s", text)
	}
	want := "npx @modelcontextprotocol/inspector@2.12.0 --cli " + url[1] + " --transport http --method tools/list"
	if !strings.Contains(text, want) {
		t.Errorf("banner lacks %q:\n%s", want, text)
	}

	cs, _ := connect(t, url[1], legacy, nil)
	res, err := callTool(t, cs, "get_pet", map[string]any{"petId": 1})
	if err != nil || res.IsError || !strings.Contains(resultText(res), `"Rex"`) {
		t.Fatalf("get_pet through `run` = %+v, %v", res, err)
	}
	_ = cs.Close()

	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	rest, _ := io.ReadAll(stdout)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("run exited with %v after SIGINT", err)
	}
	if !strings.Contains(string(rest), "stopping...") {
		t.Errorf("output after SIGINT = %q", rest)
	}
	host := strings.TrimSuffix(strings.TrimPrefix(url[1], "http://"), "/mcp")
	if c, err := net.DialTimeout("tcp", host, time.Second); err == nil {
		c.Close()
		t.Errorf("%s still accepts connections after run stopped", host)
	}
}
