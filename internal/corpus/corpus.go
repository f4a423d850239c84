// Package corpus locates, verifies and fetches the Higress config corpus: the 52 real
// mcp-server.yaml files of the Higress MCP server catalog that the compatibility tests load and
// compare with Higress's own code. The corpus is reference data and is not part of this
// repository; it is read from one of these places, in this order:
//
//  1. the directory named by $HIGRESS_CONFIGS;
//  2. shared/higress-configs beside the repository or beside one of its ancestors (CI);
//  3. the user cache, filled by `make compat-corpus` (CacheDir).
package corpus

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

const (
	// Repo and Commit pin the Higress source of the corpus: Higress v2.2.4 plus 22 commits
	// (2026-08-19), the revision ../shared/higress-configs was taken from.
	Repo   = "higress-group/higress"
	Commit = "8e4041c9ba9a97d0494fa56b784fa30866adca35"
	// RepoPath is where each config lives in Repo: mcp-servers/<name>/mcp-server.yaml.
	RepoPath = "plugins/wasm-go/mcp-servers"

	// Env names a directory holding the corpus; it takes precedence over every other place.
	Env = "HIGRESS_CONFIGS"
	// RequiredEnv, set to 1 (as .ci/run does), turns a missing corpus into a test failure
	// instead of a skip.
	RequiredEnv = "HIGRESS_CONFIGS_REQUIRED"
	// Hint is the one line printed when the corpus is missing.
	Hint = "Higress config corpus not found: the compatibility tests are skipped; run `make compat-corpus` " +
		"to fetch it (or set HIGRESS_CONFIGS to a directory holding the 52 configs)"
)

// ErrNotFound is returned by Locate when no place holds the corpus.
var ErrNotFound = errors.New("corpus: no Higress config corpus in $" + Env +
	", shared/higress-configs beside the repository or the user cache (run `make compat-corpus`)")

//go:embed higress-configs.sha256
var manifest []byte

// Entry is one config of the corpus: its file name (mcp-<server>.yaml) and SHA-256.
type Entry struct {
	Name   string
	SHA256 string
}

// Manifest returns the pinned corpus, sorted by name. It is parsed from the embedded
// higress-configs.sha256 (sha256sum format, so `sha256sum -c` checks a copy too).
func Manifest() []Entry {
	var out []Entry
	sc := bufio.NewScanner(bytes.NewReader(manifest))
	for sc.Scan() {
		sum, name, ok := strings.Cut(sc.Text(), "  ")
		if !ok || len(sum) != 64 || !strings.HasPrefix(name, "mcp-") || !strings.HasSuffix(name, ".yaml") {
			panic(fmt.Sprintf("corpus: bad manifest line %q", sc.Text()))
		}
		out = append(out, Entry{Name: name, SHA256: sum})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Server is the catalog server name of e: "mcp-time.yaml" -> "mcp-time".
func (e Entry) Server() string { return strings.TrimSuffix(e.Name, ".yaml") }

// CacheDir is where `make compat-corpus` puts the corpus: <user cache>/mcp-rest-bridge/higress-configs
// ($XDG_CACHE_HOME or ~/.cache on Linux).
func CacheDir() (string, error) {
	base, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("corpus: no user cache directory: %w", err)
	}
	return filepath.Join(base, "mcp-rest-bridge", "higress-configs"), nil
}

// Locate returns the first place, in the documented order, that is a directory. repoRoot is the
// repository root (shared/ is looked for beside it and beside its ancestors). A directory named
// by $HIGRESS_CONFIGS that does not exist is an error, not a reason to look elsewhere.
func Locate(repoRoot string) (string, error) {
	if dir := os.Getenv(Env); dir != "" {
		if !isDir(dir) {
			return "", fmt.Errorf("corpus: %s=%s is not a directory", Env, dir)
		}
		return dir, nil
	}
	for dir := repoRoot; ; {
		if cand := filepath.Join(filepath.Dir(dir), "shared", "higress-configs"); isDir(cand) {
			return cand, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	if cache, err := CacheDir(); err == nil && isDir(cache) {
		return cache, nil
	}
	return "", ErrNotFound
}

// Files lists the configs (*.yaml) in dir, sorted by name.
func Files(dir string) ([]string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	sort.Strings(files)
	return files, err
}

// Verify checks that dir holds exactly the corpus of entries (Manifest(): the pinned one): each
// file with its SHA-256, and no other config. The error names every file that differs.
func Verify(dir string, entries []Entry) error {
	var problems []string
	want := map[string]bool{}
	for _, e := range entries {
		want[e.Name] = true
		data, err := os.ReadFile(filepath.Join(dir, e.Name))
		switch {
		case err != nil:
			problems = append(problems, e.Name+": missing")
		case Sum(data) != e.SHA256:
			problems = append(problems, e.Name+": content differs from the pinned commit")
		}
	}
	files, err := Files(dir)
	if err != nil {
		return err
	}
	for _, f := range files {
		if !want[filepath.Base(f)] {
			problems = append(problems, filepath.Base(f)+": not in the pinned corpus")
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("corpus: %s is not %s@%.9s: %s", dir, Repo, Commit, strings.Join(problems, "; "))
	}
	return nil
}

// Sum is the hex SHA-256 of data.
func Sum(data []byte) string {
	s := sha256.Sum256(data)
	return hex.EncodeToString(s[:])
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}
