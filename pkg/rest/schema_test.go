package rest

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tidwall/gjson"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/configerr"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestListEntryGolden checks every fixture tool's tools/list entry, one JSON object per line.
func TestListEntryGolden(t *testing.T) {
	cfg := loadYAML(t, filepath.Join("testdata", "tools.yaml"))
	f := loadFixture(t)
	var got bytes.Buffer
	for _, spec := range specsFromConfig(cfg) {
		entry := f.tool(t, spec.Name).ListEntry()
		require.True(t, gjson.ValidBytes(entry), "%s: invalid JSON", spec.Name)
		got.Write(entry)
		got.WriteByte('\n')
	}
	golden := filepath.Join("testdata", "list_entries.golden.jsonl")
	if *update {
		require.NoError(t, os.WriteFile(golden, got.Bytes(), 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err)
	assert.Equal(t, string(want), got.String())
}

// TestInputSchemaLikeHigress pins each rule of Higress's InputSchema we follow or change.
func TestInputSchemaLikeHigress(t *testing.T) {
	spec := ToolSpec{Name: "s", Description: "d \"q\"", Args: []ArgSpec{
		{Name: "z_first", Description: "kept in arg order, not sorted"},
		{Name: "n", Type: "int", Required: true, Default: []byte(`300`)},
		{Name: "list", Type: "array", Items: []byte(`{ "type": "string" }`), Properties: []byte(`{"x":{}}`)},
		{Name: "obj", Type: "object", Properties: []byte(`{"a":{"type":"string"}}`), Items: []byte(`{}`)},
		{Name: "e", Type: "string", Enum: []byte(`[]`), Default: []byte(`null`)},
		{Name: "f", Type: "number", Extra: [][2]string{{"minimum", "0"}, {"format", `"double"`}, {"x-mcp-header", `"X-F"`}}},
	}, Response: ResponseTemplateSpec{Body: "ok"}, OutputSchema: []byte(`{"type":"object"}`)}
	tool, warns, err := CompileTool("tools[4]", spec, nil, nil)
	require.NoError(t, err)
	assert.Equal(t, []configerr.Warning{{Path: "tools[4].args[1].type", Msg: `type "int" is not a JSON Schema type; listed as "integer"`}}, warns)
	assert.Equal(t, `{"name":"s","description":"d \"q\"","inputSchema":{"type":"object","properties":{`+
		`"z_first":{"type":"string","description":"kept in arg order, not sorted"},`+
		`"n":{"type":"integer","description":"","default":300},`+
		`"list":{"type":"array","description":"","items":{"type":"string"}},`+
		`"obj":{"type":"object","description":"","properties":{"a":{"type":"string"}}},`+
		`"e":{"type":"string","description":""},`+
		`"f":{"type":"number","description":"","minimum":0,"format":"double","x-mcp-header":"X-F"}},`+
		`"required":["n"]},"outputSchema":{"type":"object"}}`, string(tool.ListEntry()))
}

func TestListEntryNoArgs(t *testing.T) {
	tool, _, err := CompileTool("tools[0]", ToolSpec{Name: "x", Response: ResponseTemplateSpec{Body: "ok"},
		OutputSchema: []byte(`{}`)}, nil, nil)
	require.NoError(t, err)
	assert.Equal(t, `{"name":"x","description":"","inputSchema":{"type":"object","properties":{}}}`, string(tool.ListEntry()))
}
