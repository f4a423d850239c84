package e2e_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/e2e/demo"
)

// TestReadmeCurlExamples runs the curl commands of README's "Calling it with curl" against the
// demo, as a user pastes them: every one must get a JSON-RPC result (a tool result that is not an
// error for tools/call). $MCP stands for the demo's MCP URL.
func TestReadmeCurlExamples(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	cmds := curlCommands(t, string(readme), "### Calling it with curl")
	if len(cmds) != 6 {
		t.Fatalf("found %d curl commands in README's curl section, want 6 (3 per era)", len(cmds))
	}
	d := startDemo(t, demo.Options{})
	for i, cmd := range cmds {
		t.Run(fmt.Sprintf("%d", i+1), func(t *testing.T) {
			req := curlRequest(t, cmd, d.MCPURL)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			var msg struct {
				Result *struct {
					IsError *bool `json:"isError"`
				} `json:"result"`
				Error json.RawMessage `json:"error"`
			}
			if resp.StatusCode != 200 || json.Unmarshal(body, &msg) != nil || msg.Result == nil || msg.Error != nil {
				t.Fatalf("%s\n-> HTTP %d %s", cmd, resp.StatusCode, body)
			}
			if msg.Result.IsError != nil && *msg.Result.IsError {
				t.Fatalf("%s\n-> tool error %s", cmd, body)
			}
		})
	}
}

// curlCommands returns the curl commands (continuation lines joined) of the sh blocks in the
// README section that starts with heading.
func curlCommands(t *testing.T, readme, heading string) []string {
	t.Helper()
	start := strings.Index(readme, "\n"+heading+"\n")
	if start < 0 {
		t.Fatalf("README has no %q section", heading)
	}
	section := readme[start+len(heading)+2:]
	if end := strings.Index(section, "\n#"); end >= 0 {
		section = section[:end]
	}
	var cmds []string
	inBlock := false
	for _, line := range strings.Split(strings.ReplaceAll(section, "\\\n", " "), "\n") {
		switch {
		case strings.HasPrefix(line, "```"):
			inBlock = !inBlock
		case inBlock && strings.HasPrefix(line, "curl "):
			cmds = append(cmds, line)
		}
	}
	return cmds
}

// curlRequest turns `curl -s $MCP -H 'k: v' ... -d '...'` into a POST to url.
func curlRequest(t *testing.T, cmd, url string) *http.Request {
	t.Helper()
	words := shellWords(t, cmd)
	var headers [][2]string
	var body string
	for i := 1; i < len(words); i++ {
		switch w := words[i]; {
		case w == "-s":
		case w == "$MCP":
		case (w == "-H" || w == "-d") && i+1 < len(words):
			i++
			if w == "-d" {
				body = words[i]
				continue
			}
			k, v, ok := strings.Cut(words[i], ":")
			if !ok {
				t.Fatalf("bad header %q in %s", words[i], cmd)
			}
			headers = append(headers, [2]string{k, strings.TrimSpace(v)})
		default:
			t.Fatalf("unexpected curl word %q in %s", w, cmd)
		}
	}
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewBufferString(body))
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range headers {
		req.Header.Add(h[0], h[1])
	}
	return req
}

// shellWords splits a command line on spaces outside single quotes (all the README uses).
func shellWords(t *testing.T, s string) []string {
	t.Helper()
	var words []string
	var cur strings.Builder
	quoted, inWord := false, false
	for _, r := range s {
		switch {
		case r == '\'':
			quoted, inWord = !quoted, true
		case r == ' ' && !quoted:
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
			}
			inWord = false
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if quoted {
		t.Fatalf("unbalanced quote in %s", s)
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words
}
