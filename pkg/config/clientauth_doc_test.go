package config

import (
	"strings"
	"testing"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/internal/jwttest"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/internal/testutil"
)

// TestClientAuthDocExamples: the YAML examples of README's "Client authentication" section and
// of docs/client-auth.md load (with the JWKS placeholder replaced by a real set).
func TestClientAuthDocExamples(t *testing.T) {
	for _, doc := range []struct{ file, heading string }{
		{"README.md", "## Client authentication"},
		{"docs/client-auth.md", "## Configuration"},
	} {
		text := string(readRepoFile(t, doc.file))
		i := strings.Index(text, doc.heading)
		if i < 0 {
			t.Fatalf("%s: no %q section", doc.file, doc.heading)
		}
		start := strings.Index(text[i:], "```yaml\n")
		end := strings.Index(text[i+start+8:], "```")
		if start < 0 || end < 0 {
			t.Fatalf("%s: no yaml example in %q", doc.file, doc.heading)
		}
		example := text[i+start+8 : i+start+8+end]
		jwks := strings.ReplaceAll(string(jwttest.JWKS()), "\n", "")
		for _, placeholder := range []string{`'{"keys":[...]}'`, `'{"keys":[{"kty":"RSA","kid":"k1","use":"sig","n":"...","e":"AQAB"}]}'`} {
			example = strings.Replace(example, placeholder, "'"+jwks+"'", 1)
		}
		example = "server: {name: s}\n" + example
		if !strings.Contains(example, "requestTemplate") {
			example = strings.Replace(example, "  allow:", "  responseTemplate: {body: ok}\n  allow:", 1)
		}
		js, err := testutil.YAMLToJSON([]byte(example))
		if err != nil {
			t.Fatalf("%s: %v\n%s", doc.file, err, example)
		}
		c := mustParse(t, string(js))
		if c.ClientAuth == nil || c.ClientAuth.Metadata == nil || c.Tools[0].Allow == nil {
			t.Fatalf("%s: example did not configure clientAuth, metadata and allow", doc.file)
		}
	}
}
