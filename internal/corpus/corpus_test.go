package corpus

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestManifest(t *testing.T) {
	m := Manifest()
	if len(m) != 52 {
		t.Fatalf("%d entries, want 52", len(m))
	}
	if m[0].Name != "mcp-agricultural-product-price-query.yaml" || m[51].Name != "mcp-zodiac-analysis.yaml" {
		t.Fatalf("first %s, last %s", m[0].Name, m[51].Name)
	}
	if m[0].SHA256 != "9bd2914f0e9944c8be74595fb5a79672cd720dba6d131e6418e34f7de1c6b482" {
		t.Fatalf("first sha256 %s", m[0].SHA256)
	}
	if got := URL("https://raw.example/", m[0]); got != "https://raw.example/higress-group/higress/"+
		"8e4041c9ba9a97d0494fa56b784fa30866adca35/plugins/wasm-go/mcp-servers/mcp-agricultural-product-price-query/mcp-server.yaml" {
		t.Fatalf("URL = %s", got)
	}
}

// TestLocateOrder: $HIGRESS_CONFIGS, then shared/higress-configs beside the repository or an
// ancestor, then the user cache; nothing found is ErrNotFound.
func TestLocateOrder(t *testing.T) {
	tmp := t.TempDir()
	repo := mkdir(t, tmp, "work", "wt", "repo")
	shared := filepath.Join(tmp, "work", "shared", "higress-configs") // beside an ancestor, as for worktrees
	env := mkdir(t, tmp, "env-corpus")
	cache := filepath.Join(tmp, "cache")
	cached := filepath.Join(cache, "mcp-rest-bridge", "higress-configs")
	t.Setenv("XDG_CACHE_HOME", cache)
	t.Setenv("HOME", tmp)

	t.Setenv(Env, "")
	expectLocate(t, repo, "", ErrNotFound.Error())
	mkdir(t, cached)
	expectLocate(t, repo, cached, "")
	mkdir(t, shared)
	expectLocate(t, repo, shared, "")
	beside := mkdir(t, tmp, "work", "wt", "shared", "higress-configs")
	expectLocate(t, repo, beside, "")
	t.Setenv(Env, env)
	expectLocate(t, repo, env, "")
	t.Setenv(Env, filepath.Join(tmp, "nope"))
	expectLocate(t, repo, "", "corpus: HIGRESS_CONFIGS="+filepath.Join(tmp, "nope")+" is not a directory")
}

func expectLocate(t *testing.T, repo, want, wantErr string) {
	t.Helper()
	got, err := Locate(repo)
	if wantErr != "" {
		if err == nil || err.Error() != wantErr {
			t.Fatalf("Locate = %q, %v; want error %q", got, err, wantErr)
		}
		return
	}
	if err != nil || got != want {
		t.Fatalf("Locate = %q, %v; want %q", got, err, want)
	}
}

func TestHintIsOneLine(t *testing.T) {
	if strings.Contains(Hint, "\n") || !strings.Contains(Hint, "make compat-corpus") || !strings.Contains(Hint, Env) {
		t.Fatalf("Hint = %q", Hint)
	}
}

func TestVerify(t *testing.T) {
	dir := writeCorpus(t, t.TempDir(), fakeFiles)
	entries := fakeManifest(fakeFiles)
	if err := Verify(dir, entries); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "mcp-a.yaml"), []byte("changed"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, "mcp-b.yaml")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "mcp-extra.yaml"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	want := "corpus: " + dir + " is not higress-group/higress@8e4041c9b: mcp-a.yaml: content differs from the pinned commit; " +
		"mcp-b.yaml: missing; mcp-extra.yaml: not in the pinned corpus"
	if err := Verify(dir, entries); err == nil || err.Error() != want {
		t.Fatalf("Verify = %v\nwant %s", err, want)
	}
}

// TestFoundCorpusIsPinned: the corpus the tests read (CI: ../shared) is the pinned one that
// `make compat-corpus` fetches, so a user's cache and CI test the same files.
func TestFoundCorpusIsPinned(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	dir, err := Locate(root)
	if err == ErrNotFound && os.Getenv(RequiredEnv) != "1" {
		t.Skip(Hint)
	}
	if err != nil {
		t.Fatal(err)
	}
	if err := Verify(dir, Manifest()); err != nil {
		t.Fatalf("%v\n(update Commit and higress-configs.sha256 together with the corpus)", err)
	}
}

func mkdir(t *testing.T, parts ...string) string {
	t.Helper()
	p := filepath.Join(parts...)
	if err := os.MkdirAll(p, 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}
