package deploy_test

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/e2e/examples"
	"gopkg.in/yaml.v3"
)

const composeFile = "../envoy/docker-compose.yaml"

type composeService struct {
	Build *struct {
		Context    string `yaml:"context"`
		Dockerfile string `yaml:"dockerfile"`
	} `yaml:"build"`
	Image       string            `yaml:"image"`
	Command     []string          `yaml:"command"`
	Environment map[string]string `yaml:"environment"`
	Volumes     []string          `yaml:"volumes"`
	Ports       []string          `yaml:"ports"`
	Expose      []string          `yaml:"expose"`
	DependsOn   []string          `yaml:"depends_on"`
}

func loadCompose(t *testing.T) map[string]composeService {
	t.Helper()
	data, err := os.ReadFile(composeFile)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Name     string                    `yaml:"name"`
		Services map[string]composeService `yaml:"services"`
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true) // a misspelled key fails
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("docker-compose.yaml: %v", err)
	}
	return doc.Services
}

// hostPath resolves a compose bind-mount source relative to the compose file.
func hostPath(src string) string {
	abs, err := filepath.Abs(filepath.Join(filepath.Dir(composeFile), src))
	if err != nil {
		panic(err)
	}
	return abs
}

var composeDefault = regexp.MustCompile(`^\$\{([A-Z_]+):-(.*)\}$`)

func TestDockerCompose(t *testing.T) {
	services := loadCompose(t)
	envoy, store := services["envoy"], services["petstore"]
	if !regexp.MustCompile(`^envoyproxy/envoy:v1\.3\d(\.\d+|-latest)$`).MatchString(envoy.Image) {
		t.Errorf("envoy image %q, want envoyproxy/envoy:v1.3x", envoy.Image)
	}
	p := parseEnvoy(t)
	mounts := map[string]string{} // container path -> host path
	for _, v := range envoy.Volumes {
		parts := strings.Split(v, ":")
		if len(parts) < 2 {
			t.Fatalf("volume %q", v)
		}
		mounts[parts[1]] = hostPath(parts[0])
	}
	cfgIdx := slices.Index(envoy.Command, "-c")
	if cfgIdx < 0 || cfgIdx+1 >= len(envoy.Command) {
		t.Fatalf("envoy command %v has no -c", envoy.Command)
	}
	if got, want := mounts[envoy.Command[cfgIdx+1]], hostPath("envoy.yaml"); got != want {
		t.Errorf("envoy -c %s mounts %q, want %q", envoy.Command[cfgIdx+1], got, want)
	}
	wasmIn := p.wasm.GetVmConfig().GetCode().GetLocal().GetFilename()
	if got, want := mounts[wasmIn], repo("build", "plugin.wasm"); got != want {
		t.Errorf("%s mounts %q, want the Makefile's output %q", wasmIn, got, want)
	}
	if _, err := os.Stat(repo("Makefile")); err == nil {
		if mk, _ := os.ReadFile(repo("Makefile")); !bytes.Contains(mk, []byte("build/plugin.wasm")) {
			t.Errorf("the Makefile does not write build/plugin.wasm")
		}
	}
	if !slices.Equal(envoy.Ports, []string{"127.0.0.1:10000:10000"}) {
		t.Errorf("envoy ports %v, want the listener port 10000 on loopback", envoy.Ports)
	}
	if !slices.Equal(envoy.DependsOn, []string{"petstore"}) {
		t.Errorf("envoy depends_on %v", envoy.DependsOn)
	}

	// Both containers get the secrets the plugin needs, with the demo's defaults.
	declared := p.wasm.GetVmConfig().GetEnvironmentVariables().GetHostEnvKeys()
	secrets := examples.Secrets()
	for name, svc := range map[string]composeService{"envoy": envoy, "petstore": store} {
		if got := sorted(keys(svc.Environment)); !slices.Equal(got, sorted(declared)) {
			t.Errorf("%s environment %v, want %v", name, got, sorted(declared))
		}
		for k, v := range svc.Environment {
			m := composeDefault.FindStringSubmatch(v)
			if m == nil || m[1] != k || (os.Getenv(k) == "" && m[2] != secrets[k]) {
				t.Errorf("%s %s=%q, want ${%s:-<the demo default>}", name, k, v, k)
			}
		}
	}

	// The pet store is what the cluster points at, built from a Dockerfile that exists.
	if store.Build == nil {
		t.Fatal("petstore has no build")
	}
	ctx := hostPath(store.Build.Context)
	if ctx != repo() {
		t.Errorf("petstore build context %s, want the repository root %s", ctx, repo())
	}
	dockerfile := filepath.Join(ctx, store.Build.Dockerfile)
	checkBackendDockerfile(t, dockerfile, ctx)
	if !slices.Equal(store.Expose, []string{"8080"}) {
		t.Errorf("petstore expose %v, want 8080 (the envoy cluster port)", store.Expose)
	}
}

// dockerfile returns the instructions of a Dockerfile, one per logical line.
func dockerfile(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out [][]string
	s := bufio.NewScanner(f)
	for s.Scan() {
		line := strings.TrimSpace(s.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		out = append(out, strings.Fields(line))
	}
	return out
}

func checkBackendDockerfile(t *testing.T, path, context string) {
	t.Helper()
	var sawBuild, sawEntrypoint, sawExpose bool
	for _, ins := range dockerfile(t, path) {
		switch strings.ToUpper(ins[0]) {
		case "COPY":
			if strings.HasPrefix(ins[1], "--from=") {
				continue
			}
			for _, src := range ins[1 : len(ins)-1] {
				if _, err := os.Stat(filepath.Join(context, src)); err != nil {
					t.Errorf("%s: COPY source %s: %v", path, src, err)
				}
			}
		case "RUN":
			if strings.Contains(strings.Join(ins, " "), "go build") {
				sawBuild = strings.Contains(strings.Join(ins, " "), "./cmd/backend")
				if _, err := os.Stat(repo("e2e", "cmd", "backend", "main.go")); err != nil {
					t.Error(err)
				}
			}
		case "ENTRYPOINT":
			sawEntrypoint = strings.Contains(strings.Join(ins, " "), `":8080"`)
		case "EXPOSE":
			sawExpose = ins[1] == "8080"
		}
	}
	if !sawBuild || !sawEntrypoint || !sawExpose {
		t.Errorf("%s: builds ./cmd/backend %v, listens on :8080 %v, exposes 8080 %v", path, sawBuild, sawEntrypoint, sawExpose)
	}
	ignore, err := os.ReadFile(path + ".dockerignore")
	if err != nil || !bytes.Contains(ignore, []byte("**/node_modules")) {
		t.Errorf("%s.dockerignore must keep node_modules out of the context: %v", path, err)
	}
}

// TestPluginImageDockerfile: Higress pulls Wasm plugins as OCI images holding plugin.wasm.
func TestPluginImageDockerfile(t *testing.T) {
	got := dockerfile(t, "../Dockerfile.plugin")
	want := [][]string{{"FROM", "scratch"}, {"COPY", "plugin.wasm", "./plugin.wasm"}}
	if len(got) != len(want) || !slices.Equal(got[0], want[0]) || !slices.Equal(got[1], want[1]) {
		t.Errorf("Dockerfile.plugin = %v, want %v", got, want)
	}
}
