package testutil

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
)

// SharedDir finds the shared reference data directory: "shared" beside the repository (a
// sibling of the clone, as in CI) or inside one of the working directory's ancestors.
func SharedDir() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		for _, cand := range []string{filepath.Join(dir, "shared"), filepath.Join(filepath.Dir(dir), "shared")} {
			if st, err := os.Stat(filepath.Join(cand, "higress-configs")); err == nil && st.IsDir() {
				return cand, nil
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("testutil: no shared/higress-configs beside any ancestor of the working directory")
		}
		dir = parent
	}
}

// HigressConfigs lists the real Higress mcp-server configs (shared/higress-configs/*.yaml),
// sorted by name.
func HigressConfigs() ([]string, error) {
	shared, err := SharedDir()
	if err != nil {
		return nil, err
	}
	files, err := filepath.Glob(filepath.Join(shared, "higress-configs", "*.yaml"))
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	return files, nil
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
