package convert

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzConvert feeds documents to the whole conversion: it must return a result or an error,
// never panic, and a result must render as YAML and JSON.
func FuzzConvert(f *testing.F) {
	for _, name := range []string{"security.yaml", "openapi31.yaml", "swagger2.yaml"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("openapi: 3.1.0\npaths:\n  /a/{b}:\n    get: {}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := Convert(data, Options{})
		if err != nil {
			return
		}
		if _, err := res.YAML(); err != nil {
			t.Fatal(err)
		}
		if _, err := res.JSON(); err != nil {
			t.Fatal(err)
		}
	})
}
