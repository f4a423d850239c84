package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRunStdinToJSON(t *testing.T) {
	doc, err := os.ReadFile("../../convert/testdata/security.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var out, errs bytes.Buffer
	code := run([]string{"--format", "json", "--server-name", "orders", "--validate", "--exclude", "deleteOrder"},
		bytes.NewReader(doc), &out, &errs)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs.String())
	}
	var cfg struct {
		Server struct{ Name string }
		Tools  []struct{ Name string }
	}
	if err := json.Unmarshal(out.Bytes(), &cfg); err != nil {
		t.Fatal(err)
	}
	if cfg.Server.Name != "orders" || len(cfg.Tools) != 7 {
		t.Fatalf("server %q, %d tools", cfg.Server.Name, len(cfg.Tools))
	}
	for _, s := range []string{"valid: the plugin's config parser accepts the result", "7 tools, 2 warnings",
		"ORDERS_OAUTH_CC_CLIENT_SECRET  (the OAuth2 client secret of scheme oauth_cc)", "warning: operation getOrder"} {
		if !strings.Contains(errs.String(), s) {
			t.Errorf("stderr lacks %q:\n%s", s, errs.String())
		}
	}
}

func TestRunFileToFile(t *testing.T) {
	dir := t.TempDir()
	tmpl := filepath.Join(dir, "t.yaml")
	if err := os.WriteFile(tmpl, []byte("tools:\n  requestTemplate:\n    headers: [{key: X-Source, value: mcp}]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	outFile := filepath.Join(dir, "out.yaml")
	var out, errs bytes.Buffer
	code := run([]string{"--input", "../../convert/testdata/openapi31.yaml", "--output", outFile, "--template", tmpl,
		"--tool-prefix", "notes_", "--server-url", "https://staging.notes.example.com"}, nil, &out, &errs)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs.String())
	}
	data, err := os.ReadFile(outFile)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"name: notes_create_note", "url: https://staging.notes.example.com/notes", "key: X-Source"} {
		if !bytes.Contains(data, []byte(s)) {
			t.Errorf("output lacks %q", s)
		}
	}
	if out.Len() != 0 {
		t.Errorf("stdout not empty: %q", out.String())
	}
}

func TestRunErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"--format", "xml"}, 2, "--format must be yaml or json"},
		{[]string{"--input", "/nonexistent.yaml"}, 1, "--input /nonexistent.yaml: no such file"},
		{[]string{"--server-var", "region"}, 2, "want name=value"},
		{[]string{"--input", "-"}, 1, "openapi:"},
	} {
		var out, errs bytes.Buffer
		if code := run(c.args, strings.NewReader("not: openapi"), &out, &errs); code != c.code || !strings.Contains(errs.String(), c.msg) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", c.args, code, errs.String(), c.code, c.msg)
		}
	}
}
