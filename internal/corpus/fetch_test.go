package corpus

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// fakeFiles is a small stand-in corpus (the real one is fetched only by `make compat-corpus`).
var fakeFiles = map[string]string{
	"mcp-a.yaml": "server:\n  name: a\ntools: []\n",
	"mcp-b.yaml": "server:\n  name: b\ntools: []\n",
}

func fakeManifest(files map[string]string) []Entry {
	var out []Entry
	for name, body := range files {
		out = append(out, Entry{Name: name, SHA256: Sum([]byte(body))})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func writeCorpus(t *testing.T, dir string, files map[string]string) string {
	t.Helper()
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// rawServer serves files at the paths Fetch asks for, and counts the requests.
func rawServer(t *testing.T, files map[string]string, requests *int) *httptest.Server {
	t.Helper()
	prefix := "/" + Repo + "/" + Commit + "/" + RepoPath + "/"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		*requests++
		server, ok := strings.CutSuffix(strings.TrimPrefix(r.URL.Path, prefix), "/mcp-server.yaml")
		body, found := files[server+".yaml"]
		if !ok || !found || !strings.HasPrefix(r.URL.Path, prefix) {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestFetch(t *testing.T) {
	entries := fakeManifest(fakeFiles)
	var requests int
	srv := rawServer(t, fakeFiles, &requests)
	dest := filepath.Join(t.TempDir(), "cache", "higress-configs")

	n, err := Fetch(context.Background(), srv.Client(), srv.URL, dest, entries)
	if err != nil || n != 2 || requests != 2 {
		t.Fatalf("Fetch = %d, %v after %d requests; want 2, nil after 2", n, err, requests)
	}
	if err := Verify(dest, entries); err != nil {
		t.Fatal(err)
	}
	n, err = Fetch(context.Background(), srv.Client(), srv.URL, dest, entries)
	if err != nil || n != 0 || requests != 2 {
		t.Fatalf("second Fetch = %d, %v after %d requests; want 0, nil and no request", n, err, requests)
	}
	if leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(dest), ".higress-configs-*")); len(leftovers) != 0 {
		t.Fatalf("temporary directories left: %v", leftovers)
	}
}

// TestFetchRefuses: a file that is not the pinned one, or missing upstream, fails the fetch and
// leaves the destination as it was.
func TestFetchRefuses(t *testing.T) {
	entries := fakeManifest(fakeFiles)
	cases := []struct {
		name   string
		served map[string]string
		want   string
	}{
		{"changed file", map[string]string{"mcp-a.yaml": fakeFiles["mcp-a.yaml"], "mcp-b.yaml": "tampered"},
			"corpus: mcp-b.yaml: sha256 " + Sum([]byte("tampered")) + ", want " + entries[1].SHA256 + " (not the pinned commit's file)"},
		{"missing file", map[string]string{"mcp-a.yaml": fakeFiles["mcp-a.yaml"]}, "corpus: mcp-b.yaml: GET "},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var requests int
			srv := rawServer(t, tc.served, &requests)
			parent := t.TempDir()
			dest := filepath.Join(parent, "higress-configs")
			_, err := Fetch(context.Background(), srv.Client(), srv.URL, dest, entries)
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Fatalf("Fetch error %v, want prefix %q", err, tc.want)
			}
			if left, _ := os.ReadDir(parent); len(left) != 0 {
				t.Fatalf("destination parent not left empty: %v", left)
			}
		})
	}
}
