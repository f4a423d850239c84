package convert

import (
	"bytes"
	"crypto/sha256"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// libopenapiSpecs is libopenapi's test_specs folder in the module cache: real public documents
// (Swagger Petstore v2 and v3, Asana, Stripe) read in place, not copied into this project.
var libopenapiSpecs = sync.OnceValues(func() (string, error) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/pb33f/libopenapi").Output()
	if err != nil {
		return "", fmt.Errorf("go list libopenapi: %w", err)
	}
	return filepath.Join(strings.TrimSpace(string(out)), "test_specs"), nil
})

type goldenCase struct {
	name, file string
	opt        Options
	summary    bool // large documents: a reviewable summary plus the full output's hash
}

var goldenCases = []goldenCase{
	{name: "petstorev2", file: "lib:petstorev2.json", opt: Options{ServerName: "petstore"}},
	{name: "petstorev3", file: "lib:petstorev3.json", opt: Options{ServerName: "petstore", ServerURL: "https://petstore3.swagger.io/api/v3"}},
	{name: "asana", file: "lib:asana.yaml", opt: Options{ServerName: "asana"}, summary: true},
	{name: "stripe", file: "lib:stripe.yaml", opt: Options{ServerName: "stripe"}, summary: true},
	{name: "security", file: "security.yaml", opt: Options{ServerName: "orders"}},
	{name: "openapi31", file: "openapi31.yaml", opt: Options{ServerName: "notes"}},
	{name: "valuebodies", file: "valuebodies.yaml", opt: Options{ServerName: "labels"}},
	{name: "swagger2", file: "swagger2.yaml", opt: Options{ServerName: "legacy", ToolPrefix: "legacy_"}},
}

func readDoc(t testing.TB, file string) []byte {
	t.Helper()
	path := filepath.Join("testdata", file)
	if rest, ok := strings.CutPrefix(file, "lib:"); ok {
		dir, err := libopenapiSpecs()
		if err != nil {
			t.Fatal(err)
		}
		path = filepath.Join(dir, rest)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestGolden converts each document, compares the YAML with testdata/golden (go test -update
// rewrites them), and checks that the plugin's config parser accepts the result.
func TestGolden(t *testing.T) {
	for _, tc := range goldenCases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.name == "stripe" && testing.Short() {
				t.Skip("-short: stripe takes seconds")
			}
			res, err := Convert(readDoc(t, tc.file), tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			out, err := res.YAML()
			if err != nil {
				t.Fatal(err)
			}
			got := out
			if tc.summary {
				got = summary(res, out)
			}
			compareGolden(t, filepath.Join("testdata", "golden", tc.name+".yaml"), got)
			cfg, err := res.Validate()
			if err != nil {
				t.Fatalf("config.Parse refuses the result: %v", err)
			}
			if len(cfg.Tools) != len(res.Config.Tools) {
				t.Fatalf("config.Parse has %d tools, the converter wrote %d", len(cfg.Tools), len(res.Config.Tools))
			}
			js, err := res.JSON()
			if err != nil {
				t.Fatal(err)
			}
			if !tc.summary {
				compareGolden(t, filepath.Join("testdata", "golden", tc.name+".json"), js)
			}
		})
	}
}

// summary is the reviewable form of a large conversion: per tool its method, URL, upstream
// scheme and args (name:position), then the warnings, the variables, and the full YAML's hash.
func summary(res *Result, full []byte) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# %d tools; sha256 of the full YAML: %x\n", len(res.Config.Tools), sha256.Sum256(full))
	fmt.Fprintf(&b, "schemes:\n")
	for _, s := range res.Config.Server.SecuritySchemes {
		fmt.Fprintf(&b, "  - %s %s %s %s %s %v\n", s.ID, s.Type, s.Scheme, s.In, s.Name, s.Scopes)
	}
	fmt.Fprintf(&b, "variables:\n")
	for _, v := range res.Variables {
		fmt.Fprintf(&b, "  - %s\n", v.Name)
	}
	fmt.Fprintf(&b, "warnings:\n")
	for _, w := range res.Warnings {
		fmt.Fprintf(&b, "  - %q\n", w)
	}
	fmt.Fprintf(&b, "tools:\n")
	for _, t := range res.Config.Tools {
		var args []string
		for _, a := range t.Args {
			args = append(args, a.Name+":"+a.Position)
		}
		id, _ := t.Request.Security["id"].(string)
		fmt.Fprintf(&b, "  - %s %s %s security=%s output=%v args=[%s]\n", t.Name, t.Request.Method, t.Request.URL,
			id, t.OutputSchema != nil, strings.Join(args, " "))
	}
	return b.Bytes()
}

func compareGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if !bytes.Equal(got, want) {
		gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
		for i := 0; i < len(gl) && i < len(wl); i++ {
			if gl[i] != wl[i] {
				t.Fatalf("%s differs at line %d:\n got: %s\nwant: %s", path, i+1, gl[i], wl[i])
			}
		}
		t.Fatalf("%s differs in length: got %d lines, want %d", path, len(gl), len(wl))
	}
}

// TestDeterministic converts the same documents twice: byte-identical output.
func TestDeterministic(t *testing.T) {
	for _, tc := range goldenCases {
		if tc.name == "stripe" {
			continue
		}
		data := readDoc(t, tc.file)
		var outs [2][]byte
		for i := range outs {
			res, err := Convert(data, tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			if outs[i], err = res.YAML(); err != nil {
				t.Fatal(err)
			}
		}
		if !bytes.Equal(outs[0], outs[1]) {
			t.Errorf("%s: two conversions differ", tc.name)
		}
	}
}

// BenchmarkStripe measures a whole conversion of Stripe's document (about 500 operations):
// parse, model, convert and render the YAML.
func BenchmarkStripe(b *testing.B) {
	data := readDoc(b, "lib:stripe.yaml")
	b.ReportAllocs()
	for b.Loop() {
		res, err := Convert(data, Options{ServerName: "stripe"})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := res.YAML(); err != nil {
			b.Fatal(err)
		}
	}
}
