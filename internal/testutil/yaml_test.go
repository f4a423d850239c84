package testutil

import (
	"path/filepath"
	"testing"
)

func TestYAMLToJSON(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"key order kept", "b: 1\na: 2\n", `{"b":1,"a":2}`},
		{"scalars", "s: x\ni: 3\nf: 1.5\nt: true\nn: null\ne:\n", `{"s":"x","i":3,"f":1.5,"t":true,"n":null,"e":null}`},
		{"quoted number stays string", "v: \"2022\"\n", `{"v":"2022"}`},
		{"date kept as written", "d: 2022-11-28\n", `{"d":"2022-11-28"}`},
		{"block string", "b: |\n  x\n  y\n", `{"b":"x\ny\n"}`},
		{"sequence", "l:\n- 1\n- {k: v}\n", `{"l":[1,{"k":"v"}]}`},
		{"alias", "a: &x {k: 1}\nb: *x\n", `{"a":{"k":1},"b":{"k":1}}`},
		{"unicode", "d: 天气\n", `{"d":"天气"}`},
		{"empty document", "", `null`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := YAMLToJSON([]byte(c.in))
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != c.want {
				t.Fatalf("got %s, want %s", got, c.want)
			}
		})
	}
}

func TestYAMLToJSONErrors(t *testing.T) {
	for _, in := range []string{"a: [1\n", "? [1, 2]\n: x\n", "base: &b {k: 1}\nx:\n  <<: *b\n", "v: .inf\n"} {
		if got, err := YAMLToJSON([]byte(in)); err == nil {
			t.Errorf("%q: got %s, want an error", in, got)
		}
	}
}

func TestHigressConfigs(t *testing.T) {
	files := HigressConfigs(t)
	if len(files) != 52 {
		t.Fatalf("found %d Higress configs, want 52", len(files))
	}
	if filepath.Base(files[0]) != "mcp-agricultural-product-price-query.yaml" {
		t.Fatalf("not sorted: first is %s", files[0])
	}
	if got := HigressConfig(t, "mcp-time.yaml"); got != filepath.Join(filepath.Dir(files[0]), "mcp-time.yaml") {
		t.Fatalf("HigressConfig(mcp-time.yaml) = %s", got)
	}
}
