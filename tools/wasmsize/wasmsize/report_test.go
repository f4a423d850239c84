package wasmsize

import (
	"strings"
	"testing"
)

// The report of a real Go module names its parts: sections, the main
// package's code, the data parts moduledata delimits; of a slimmed and
// stripped one, what it can still tell.
func TestReport(t *testing.T) {
	orig := buildWasm(t, "./testdata/traceback")
	m, err := Parse(orig)
	if err != nil {
		t.Fatal(err)
	}
	pkgs := ParsePackages("main example/traceback example\nfmt fmt \nruntime runtime \n")
	var b strings.Builder
	if err := Report(&b, "traceback.wasm", m, &pkgs, 10, 5); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"custom name", "code by module", "example", "std", "code by package", "runtime",
		"largest functions", FindFuncTab, "pclntab: function names", "rodata: type descriptors",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the report lacks %q:\n%s", want, out)
		}
	}
	// Every byte of the data section is charged to one part.
	ranges, err := DataRanges(m.Segments)
	if err != nil {
		t.Fatal(err)
	}
	sum := 0
	for _, r := range DataCost(m.Segments, ranges) {
		sum += r.Bytes
	}
	for _, s := range m.Sections {
		if s.ID == 11 {
			r := &reader{b: s.Body}
			if _, err := r.uleb(); err != nil {
				t.Fatal(err)
			}
			if want := len(s.Body) - r.pos; sum != want {
				t.Errorf("data parts sum to %d bytes, the segments take %d", sum, want)
			}
		}
	}

	slim, err := Slim(orig, true)
	if err != nil {
		t.Fatal(err)
	}
	if m, err = Parse(slim); err != nil {
		t.Fatal(err)
	}
	b.Reset()
	if err := Report(&b, "slim.wasm", m, &pkgs, 10, 5); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{" start", "no name section", "data section: compressed"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("the slimmed module's report lacks %q:\n%s", want, b.String())
		}
	}
}
