package main

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/internal/corpus"
)

func TestCheck(t *testing.T) {
	root := t.TempDir() // no shared/ beside it or its ancestors
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv(corpus.Env, "")
	var out bytes.Buffer
	if err := check(root, &out); err != nil || out.String() != corpus.Hint+"\n" {
		t.Fatalf("check without a corpus = %v, printed %q; want the hint, one line", err, out.String())
	}
	out.Reset()
	t.Setenv(corpus.Env, t.TempDir())
	if err := check(root, &out); err != nil || out.Len() != 0 {
		t.Fatalf("check with a corpus = %v, printed %q; want nothing", err, out.String())
	}
	t.Setenv(corpus.Env, filepath.Join(root, "nope"))
	if err := check(root, &out); err == nil || !strings.Contains(err.Error(), "is not a directory") {
		t.Fatalf("check with a missing HIGRESS_CONFIGS dir = %v", err)
	}
}

// TestFetchReportsUpstreamFailure: a server without the pinned files fails the command with the
// file it could not get, and leaves no corpus behind.
func TestFetchReportsUpstreamFailure(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	dir := filepath.Join(t.TempDir(), "higress-configs")
	var out bytes.Buffer
	err := run([]string{"fetch", "-base", srv.URL, "-dir", dir}, &out)
	first := corpus.Manifest()[0].Name
	if err == nil || !strings.HasPrefix(err.Error(), "corpus: "+first+": GET ") || !strings.HasSuffix(err.Error(), ": HTTP 404") {
		t.Fatalf("fetch error = %v", err)
	}
	if _, statErr := os.Stat(dir); !os.IsNotExist(statErr) || out.Len() != 0 {
		t.Fatalf("after a failed fetch: stat %v, printed %q", statErr, out.String())
	}
}

func TestUsage(t *testing.T) {
	for _, args := range [][]string{nil, {"pull"}} {
		if err := run(args, &bytes.Buffer{}); err == nil || err.Error() != usage {
			t.Errorf("run(%q) = %v, want the usage", args, err)
		}
	}
}
