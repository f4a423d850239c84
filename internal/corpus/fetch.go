package corpus

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
)

// RawBase is where Fetch downloads from by default: GitHub's raw file server, which serves
// <RawBase>/<Repo>/<commit>/<path>.
const RawBase = "https://raw.githubusercontent.com"

// maxConfigBytes bounds one download; the largest config of the corpus is about 110 KB.
const maxConfigBytes = 4 << 20

// URL is where Fetch downloads e from under base.
func URL(base string, e Entry) string {
	return strings.TrimSuffix(base, "/") + "/" + Repo + "/" + Commit + "/" + RepoPath + "/" + e.Server() + "/mcp-server.yaml"
}

// Fetch downloads every config of entries (Manifest(): the pinned corpus) from base into dest,
// checking each against its SHA-256. It writes into a temporary directory beside dest and
// renames it into place only when all files verified, so dest ends up either the whole corpus
// or untouched. A dest that already verifies is left as it is (fetched is then 0).
func Fetch(ctx context.Context, client *http.Client, base, dest string, entries []Entry) (fetched int, err error) {
	if Verify(dest, entries) == nil {
		return 0, nil
	}
	if err := os.MkdirAll(filepath.Dir(dest), 0o755); err != nil {
		return 0, fmt.Errorf("corpus: %w", err)
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dest), ".higress-configs-")
	if err != nil {
		return 0, fmt.Errorf("corpus: %w", err)
	}
	defer os.RemoveAll(tmp)
	if err := os.Chmod(tmp, 0o755); err != nil {
		return 0, fmt.Errorf("corpus: %w", err)
	}
	for _, e := range entries {
		data, err := download(ctx, client, URL(base, e))
		if err != nil {
			return 0, fmt.Errorf("corpus: %s: %w", e.Name, err)
		}
		if got := Sum(data); got != e.SHA256 {
			return 0, fmt.Errorf("corpus: %s: sha256 %s, want %s (not the pinned commit's file)", e.Name, got, e.SHA256)
		}
		if err := os.WriteFile(filepath.Join(tmp, e.Name), data, 0o644); err != nil {
			return 0, fmt.Errorf("corpus: %w", err)
		}
	}
	if err := os.RemoveAll(dest); err != nil {
		return 0, fmt.Errorf("corpus: %w", err)
	}
	if err := os.Rename(tmp, dest); err != nil {
		return 0, fmt.Errorf("corpus: %w", err)
	}
	return len(entries), nil
}

func download(ctx context.Context, client *http.Client, url string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: HTTP %d", url, resp.StatusCode)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxConfigBytes+1))
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", url, err)
	}
	if len(data) > maxConfigBytes {
		return nil, fmt.Errorf("GET %s: larger than %d bytes", url, maxConfigBytes)
	}
	return data, nil
}
