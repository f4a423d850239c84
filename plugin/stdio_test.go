//go:build linux || darwin

package main

import (
	"fmt"
	"io"
	"os"
	"syscall"
	"testing"
)

// The wasm-mode tests instantiate the plugin with proxytest.NewWasmVMContext, which hands the
// module the test binary's os.Stderr as its stdout and stderr. The Go wasip1 runtime inside
// puts them in non-blocking mode when it first writes there (fd_fdstat_set_flags), and wazero
// applies that to the host file: O_NONBLOCK lands on the open file description that `go test` made the test
// binary's stdout and stderr, a pipe to the go command. From then on, a write of `go test -v`'s
// output that finds the pipe full fails with EAGAIN, and the testing package drops it: under
// load, make test-plugin's log lost "--- PASS" lines (380 of 408 wasm cases shown) and cut
// others mid-line, so the log could not be trusted to list every wasm subtest (or a SKIP).
// TestMain gives the modules a pipe of their own instead, copied to the real stderr: the
// runtime's O_NONBLOCK then lands on that pipe only.
func TestMain(m *testing.M) {
	os.Exit(runWithGuestStderr(m))
}

func runWithGuestStderr(m *testing.M) int {
	r, w, err := os.Pipe()
	if err != nil {
		fmt.Fprintln(os.Stderr, "plugin tests: guest stderr pipe:", err)
		return 1
	}
	stderr := os.Stderr
	os.Stderr = w
	copied := make(chan struct{})
	go func() {
		_, _ = io.Copy(stderr, r) // ends when w is closed; a failed write to stderr leaves nowhere to report
		close(copied)
	}()
	code := m.Run()
	os.Stderr = stderr
	_ = w.Close() // the modules' writes are done: m.Run returned
	<-copied
	if code == 0 && nonBlocking(syscall.Stdout) {
		fmt.Fprintln(os.Stderr, "FAIL: a wasm module left the test binary's stdout non-blocking: go test -v output may have been lost")
		return 1
	}
	return code
}

// nonBlocking reports whether fd's open file description has O_NONBLOCK set (File.Fd would
// change the mode of a pollable file).
func nonBlocking(fd int) bool {
	flags, _, errno := syscall.Syscall(syscall.SYS_FCNTL, uintptr(fd), syscall.F_GETFL, 0)
	return errno == 0 && flags&syscall.O_NONBLOCK != 0
}
