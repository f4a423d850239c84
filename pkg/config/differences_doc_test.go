package config

import (
	"os"
	"strings"
	"testing"
)

// refusalRows are the rows of the differences table the corpus differential cannot show (the
// corpus has no security schemes; logs, responses, and refusals of arguments the samples do not
// send): each says where it is shown. Every other row must belong to an entry of
// deliberateDifferences.
var refusalRows = map[string]string{
	"client `Authorization` forwarded to apiKey backends": "plugin: ToolCallForwarding",
	"unknown scheme id":                                              "pkg/security, pkg/config: config errors",
	"passthrough finds no client credential":                         "plugin: CredentialRefusals",
	"query-string API key left in the URL":                           "plugin: ToolCallForwarding",
	"full headers, URLs and bodies logged":                           "plugin: requireNoSecretInLogs in every group",
	"a request header could override server config":                  "nothing reads x-higress-mcpserver-config: config comes from the plugin configuration only",
	"header args override the security header":                       "pkg/config: errors_test",
	"backend `set-cookie` / `www-authenticate`":                      "plugin: ResponseConversion",
	"`required` / `enum` ignored":                                    "plugin: ArgumentValidation",
	"header args and template header values with control characters": "pkg/rest: build tests; plugin: ArgumentValidation",
	"an empty `{name}` path value sends `/items//detail`":            "pkg/rest: build tests",
	"`x-envoy-original-path` is the client's path as sent":           "plugin: AccessLogPath",
}

// differencesDoc returns the section of docs/higress-differences.md that lists the differences:
// "## Where Higress forwards, we refuse", its table and the paragraph after it.
func differencesDoc(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../../docs/higress-differences.md")
	if err != nil {
		t.Fatal(err)
	}
	const heading = "## Where Higress forwards, we refuse"
	s := string(b)
	i := strings.Index(s, heading)
	if i < 0 {
		t.Fatalf("docs/higress-differences.md has no section %q", heading)
	}
	s = s[i+len(heading):]
	if j := strings.Index(s, "\n## "); j >= 0 {
		s = s[:j]
	}
	return s
}

// TestHigressDifferencesDocumented ties the differences table to the differential's allow-list:
// every deliberate difference has its row (a request-level one in the table itself), and every
// row of the table is a deliberate difference or a refusal listed above.
func TestHigressDifferencesDocumented(t *testing.T) {
	doc := differencesDoc(t)
	var rows []string
	for _, line := range strings.Split(doc, "\n") {
		if strings.HasPrefix(line, "|") && !strings.HasPrefix(line, "|---") && !strings.HasPrefix(line, "| Higress |") {
			rows = append(rows, line)
		}
	}
	for _, d := range deliberateDifferences {
		n := strings.Count(doc, d.doc)
		if d.kind == "request" {
			n = 0
			for _, r := range rows {
				n += strings.Count(r, d.doc)
			}
		}
		if n != 1 {
			t.Errorf("deliberate difference %q (%s): the differences doc should name it once (%q), found %d", d.id, d.kind, d.doc, n)
		}
	}
	for _, r := range rows {
		owners := 0
		for _, d := range deliberateDifferences {
			if strings.Contains(r, d.doc) {
				owners++
			}
		}
		for phrase := range refusalRows {
			if strings.Contains(r, phrase) {
				owners++
			}
		}
		if owners != 1 {
			t.Errorf("row belongs to %d entries, want 1 (add it to deliberateDifferences in compat_test.go, or to refusalRows if it is no difference of upstream requests): %s", owners, r)
		}
	}
}
