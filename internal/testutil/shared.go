package testutil

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/internal/corpus"
)

// HigressConfigs lists the real Higress mcp-server configs of the corpus (see package corpus
// for where it is looked for), sorted by name. Without a corpus the test is skipped with one
// line saying how to get it, or fails when HIGRESS_CONFIGS_REQUIRED=1 (CI). A corpus that is
// found but incomplete always fails.
func HigressConfigs(t testing.TB) []string {
	t.Helper()
	dir := corpusDir(t)
	files, err := corpus.Files(dir)
	if err != nil {
		t.Fatal(err)
	}
	if want := len(corpus.Manifest()); len(files) != want {
		t.Fatalf("testutil: %s holds %d configs, want %d (run `make compat-corpus`)", dir, len(files), want)
	}
	return files
}

// HigressConfig is the path of one config of the corpus, by file name ("mcp-time.yaml"), with
// the same skip rules as HigressConfigs.
func HigressConfig(t testing.TB, name string) string {
	t.Helper()
	p := filepath.Join(corpusDir(t), name)
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("testutil: %v", err)
	}
	return p
}

func corpusDir(t testing.TB) string {
	t.Helper()
	root, err := RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	dir, err := corpus.Locate(root)
	switch {
	case err == corpus.ErrNotFound && os.Getenv(corpus.RequiredEnv) != "1":
		t.Skip(corpus.Hint)
	case err == corpus.ErrNotFound:
		t.Fatalf("testutil: %v; %s=1 requires it", err, corpus.RequiredEnv)
	case err != nil:
		t.Fatalf("testutil: %v", err)
	}
	return dir
}

// RepoRoot finds the repository root: the nearest ancestor of the working directory holding
// go.mod.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("testutil: no go.mod above the working directory")
		}
		dir = parent
	}
}
