package wasmvm

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The plugin paths (engines, clocks, caches, stream end) run in bench/driver's
// and e2e/gateway's tests against real plugins; these cover the edges.

func TestNewRejectsModuleWithoutProxyABI(t *testing.T) {
	empty := []byte("\x00asm\x01\x00\x00\x00")
	redisInit := func(string, string, string, uint32) Status { return StatusOK }
	for _, o := range []Options{
		{}, {Interpreter: true, CopyHostReads: true, RealClock: true},
		{SharedData: NewSharedData(), VMID: "vm", RedisInit: redisInit, LiveContext: func(uint32) bool { return true }}, // the replaced host functions are valid
	} {
		if _, err := New(empty, o); err == nil || !strings.Contains(err.Error(), "proxy-wasm ABI") {
			t.Errorf("New(empty module, %+v) = %v, want the ABI error", o, err)
		}
	}
	if _, err := New([]byte("not wasm"), Options{}); err == nil || !strings.Contains(err.Error(), "compile plugin") {
		t.Errorf("New(garbage) = %v, want a compile error", err)
	}
}

func TestTrap(t *testing.T) {
	cause := errors.New("unreachable")
	tr := Trap{"proxy_on_tick", cause}
	if got := tr.Error(); got != "wasm trap: proxy_on_tick: unreachable" {
		t.Errorf("Error() = %q", got)
	}
	if !errors.Is(tr, cause) {
		t.Error("Trap does not unwrap to its cause")
	}
}

func TestPruneCache(t *testing.T) {
	dir := t.TempDir()
	sub := filepath.Join(dir, "wazero-v1.7.2-amd64-linux")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	for i := range 8 {
		p := filepath.Join(sub, string(rune('a'+i)))
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, now, now.Add(-time.Duration(i)*time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	pruneCache(dir, 6)
	entries, err := os.ReadDir(sub)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if got := strings.Join(names, ""); got != "abcdef" {
		t.Errorf("after pruning: %q, want the 6 newest (abcdef)", got)
	}
	if _, err := SharedCache(""); err != nil {
		t.Fatal(err)
	}
	c1, err := SharedCache(dir)
	if err != nil {
		t.Fatal(err)
	}
	if c2, _ := SharedCache(dir); c1 != c2 {
		t.Error("SharedCache made a second cache for the same directory")
	}
}
