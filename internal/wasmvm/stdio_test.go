//go:build linux || darwin

package wasmvm

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// A Go wasip1 module puts its stdout in non-blocking mode when it first uses it; the host file
// behind it must stay blocking (see orStderr). The module here is a Go wasip1 program that
// writes one line: New runs its start function, then refuses it for lacking the proxy-wasm ABI.
func TestGuestLeavesHostStdioBlocking(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "main.go")
	if err := os.WriteFile(src, []byte("package main\n\nimport \"os\"\n\nfunc main() { os.Stdout.WriteString(\"guest\\n\") }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	wasmPath := filepath.Join(dir, "guest.wasm")
	cmd := exec.Command("go", "build", "-o", wasmPath, src)
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm", "GOFLAGS=")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build for wasip1: %v\n%s", err, out)
	}
	wasm, err := os.ReadFile(wasmPath)
	if err != nil {
		t.Fatal(err)
	}
	r, w, err := os.Pipe() // a pipe, as go test's stdout is: the guest runtime makes those non-blocking
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	fd := int(w.Fd()) // Fd puts the pipe back in blocking mode
	if nonBlocking(t, fd) {
		t.Fatal("the pipe is non-blocking before the module ran")
	}
	if _, err := New(wasm, Options{Stdout: w, Stderr: w}); err == nil || !strings.Contains(err.Error(), "proxy-wasm ABI") {
		t.Fatalf("New = %v, want the missing ABI error after the module's start", err)
	}
	if nonBlocking(t, fd) {
		t.Error("the guest's start made the host's stdout pipe non-blocking")
	}
}

func nonBlocking(t *testing.T, fd int) bool {
	t.Helper()
	flags, _, errno := syscall.Syscall(syscall.SYS_FCNTL, uintptr(fd), syscall.F_GETFL, 0)
	if errno != 0 {
		t.Fatalf("fcntl: %v", errno)
	}
	return flags&syscall.O_NONBLOCK != 0
}
