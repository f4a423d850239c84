package rest

import (
	"strconv"

	"github.com/tidwall/gjson"
)

// Tool is a compiled tool. It is immutable and safe for concurrent use.
type Tool struct {
	name      string
	args      []arg
	config    string // server.config, compact JSON object
	req       *requestPlan
	resp      responsePlan
	outSchema bool
	listEntry []byte
}

type requestPlan struct {
	method         string
	url            *tmpl
	headers        []headerPlan
	mode           bodyMode
	body           *tmpl
	bodyJSON       bool // the body template is a JSON document
	argsToURLParam bool

	// Typical sizes of a call's Request, so BuildRequest allocates each slice once.
	headerCap, queryCap, urlCap int
}

type headerPlan struct {
	name  string // lowercase
	value string // when tmpl is nil
	tmpl  *tmpl
}

type responsePlan struct {
	body            *tmpl // responseTemplate.body, nil when unset
	prepend, append string
	errBody         *tmpl // errorResponseTemplate, nil when unset
}

// compiler carries CompileTool's state.
type compiler struct {
	path   string
	tool   *Tool
	config gjson.Result
	warns  []Warning
	cur    string // JSON path of the template being compiled
}

func (c *compiler) warn(path, msg string) {
	for _, w := range c.warns {
		if w.Path == path && w.Msg == msg {
			return
		}
	}
	c.warns = append(c.warns, Warning{Path: path, Msg: msg})
}

// pathError is a compile error; its text starts with the JSON path of the bad field.
type pathError struct{ path, msg string }

func (e *pathError) Error() string { return e.path + ": " + e.msg }

func errAt(path, msg string) error { return &pathError{path: path, msg: msg} }

// CompileTool validates spec and compiles its templates. path is the tool's JSON path
// ("tools[3]"); errors and warnings name the full path of the field at fault.
// serverConfig is the raw JSON of server.config ("{}" or nil when absent).
func CompileTool(path string, spec ToolSpec, serverConfig []byte) (*Tool, []Warning, error) {
	c := &compiler{path: path, tool: &Tool{name: spec.Name}}
	if err := c.setConfig(serverConfig); err != nil {
		return nil, nil, err
	}
	if spec.Name == "" {
		return nil, nil, errAt(path+".name", "is required")
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
		return errAt("server.config", "must be a JSON object")
	default:
		c.tool.config = compactJSON(cfg.Raw)
	}
	c.config = gjson.Parse(c.tool.config)
	return nil
}

// Name returns the tool name.
func (t *Tool) Name() string { return t.name }

// ListEntry returns the tool's tools/list entry: {"name","description","inputSchema"
// (,"outputSchema")}. The slice is shared: do not modify it.
func (t *Tool) ListEntry() []byte { return t.listEntry }

// HasUpstream reports whether calls go upstream; false: answer with LocalResult.
func (t *Tool) HasUpstream() bool { return t.req != nil }

// ArgCarriers lists where header, query and cookie arguments land (argsToUrlParam included).
func (t *Tool) ArgCarriers() []Carrier {
	var out []Carrier
	for i := range t.args {
		a := &t.args[i]
		switch {
		case a.pos == posHeader:
			out = append(out, Carrier{In: "header", Name: a.lname})
		case a.pos == posCookie:
			out = append(out, Carrier{In: "cookie", Name: a.name})
		case a.pos == posQuery, a.pos == posNone && t.req != nil && t.req.argsToURLParam:
			out = append(out, Carrier{In: "query", Name: a.name})
		}
	}
	return out
}

// TemplateHeaderNames lists the request template's header names, lowercase, in order.
func (t *Tool) TemplateHeaderNames() []string {
	if t.req == nil {
		return nil
	}
	out := make([]string, 0, len(t.req.headers))
	for _, h := range t.req.headers {
		out = append(out, h.name)
	}
	return out
}

// UsesClientAddress reports whether a request template calls getRealIP or getSocketIP, so the
// plugin should pass x-forwarded-for and SourceAddressHeader in BuildRequest's clientHeaders.
func (t *Tool) UsesClientAddress() bool {
	if t.req == nil {
		return false
	}
	uses := t.req.url.usesClient || t.req.body != nil && t.req.body.usesClient
	for _, h := range t.req.headers {
		uses = uses || h.tmpl != nil && h.tmpl.usesClient
	}
	return uses
}

func quote(s string) string { return strconv.Quote(s) }

func index(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }
