package rest

import (
	"github.com/tidwall/gjson"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/internal/jsonenc"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/configerr"
)

// compiler carries CompileTool's state.
type compiler struct {
	path   string
	tool   *Tool
	config gjson.Result
	rand   func([]byte) (int, error)
	warns  []configerr.Warning
	// argPaths[i] is the JSON path of argument i in the configuration.
	argPaths []string
}

func (c *compiler) warn(path, msg string) {
	for _, w := range c.warns {
		if w.Path == path && w.Msg == msg {
			return
		}
	}
	c.warns = append(c.warns, configerr.Warning{Path: path, Msg: msg})
}

// CompileTool validates spec and compiles its templates. path is the tool's JSON path
// ("tools[3]"); errors and warnings name the full path of the field at fault.
// serverConfig is the raw JSON of server.config ("{}" or nil when absent). rnd is the randomness
// of {{uuidv4}} on the template fast path (template.Scope.Rand); nil means crypto/rand. The
// engine's sprig uuidv4 (inside a larger action) draws its own.
func CompileTool(path string, spec ToolSpec, serverConfig []byte, rnd func([]byte) (int, error)) (*Tool, []configerr.Warning, error) {
	c := &compiler{path: path, tool: &Tool{name: spec.Name}, rand: rnd}
	if err := c.setConfig(serverConfig); err != nil {
		return nil, nil, err
	}
	if spec.Name == "" {
		return nil, nil, configerr.At(path+".name", "is required")
	}
	if err := c.compileArgs(spec.Args); err != nil {
		return nil, nil, err
	}
	local := spec.Request == nil || spec.Request.URL == ""
	if !local {
		if err := c.compileRequest(spec.Request); err != nil {
			return nil, nil, err
		}
	}
	if err := c.compileResponse(spec, local); err != nil {
		return nil, nil, err
	}
	entry, err := c.listEntry(spec)
	if err != nil {
		return nil, nil, err
	}
	c.tool.listEntry = entry
	return c.tool, c.warns, nil
}

func (c *compiler) setConfig(raw []byte) error {
	cfg := gjson.ParseBytes(raw)
	switch {
	case len(raw) == 0 || cfg.Type == gjson.Null:
		c.tool.config = "{}"
	case !cfg.IsObject() || !gjson.ValidBytes(raw):
		return configerr.At("server.config", "must be a JSON object")
	default:
		c.tool.config = jsonenc.Compact(cfg.Raw)
	}
	c.config = gjson.Parse(c.tool.config)
	return nil
}
