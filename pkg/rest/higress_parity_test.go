package rest

// Parity with Higress on the 52 real configs of the corpus (internal/corpus): every tool compiles,
// its inputSchema equals Higress's (RestMCPTool.InputSchema, called for real), and for plausible
// argument values the upstream request we build is the one Higress sends. Higress's request
// building needs a live proxy-wasm host, so higressRequest re-expresses it step by step
// (RestMCPTool.Create + Call in wasm-go's rest_server.go) with Higress's own template engine.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	template "github.com/higress-group/gjson_template"
	hs "github.com/higress-group/wasm-go/pkg/mcp/server"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tidwall/gjson"
	"github.com/tidwall/sjson"
)

type parityReq struct {
	Method, URL string
	Query       url.Values
	Headers     map[string][]string
	Body        any
}

func TestHigressParity(t *testing.T) {
	for _, file := range higressConfigs(t) {
		cfg := loadYAML(t, file)
		t.Run(strings.TrimSuffix(filepath.Base(file), ".yaml"), func(t *testing.T) {
			serverCfg := []byte(cfg.Get("server.config").Raw)
			for i, spec := range specsFromConfig(cfg) {
				tj := cfg.Get(fmt.Sprintf("tools.%d", i))
				tool, _, err := CompileTool(fmt.Sprintf("tools[%d]", i), spec, serverCfg, nil)
				require.NoError(t, err, spec.Name)
				var ht hs.RestTool
				require.NoError(t, json.Unmarshal([]byte(tj.Raw), &ht))
				checkInputSchema(t, tool, ht, spec)
				if !tool.HasUpstream() {
					continue
				}
				args := sampleArgs(spec.Args)
				var r Request
				require.NoError(t, validate(tool, gjson.Parse(args)), spec.Name)
				err = build(tool, gjson.Parse(args), nil, &r)
				want, herr := higressRequest(t, ht, serverCfg, args)
				if herr != nil { // the template fails in Higress too (mcp-github list_issues: join ',')
					assert.Error(t, err, spec.Name)
					continue
				}
				require.NoError(t, err, spec.Name)
				if why, ok := knownDifferences[ht.Name]; ok {
					assert.NotEqual(t, want, ourRequest(t, &r), "%s: %s", spec.Name, why)
					continue
				}
				assert.Equal(t, want, ourRequest(t, &r), spec.Name)
			}
		})
	}
}

// knownDifferences are tools whose sample request differs from Higress's on purpose.
var knownDifferences = map[string]string{
	"push_files": `"tree": "{{.args.files | toJson}}" puts JSON inside a JSON string: Higress sends invalid JSON, ` +
		`we escape it (and so add a JSON content-type)`,
}

func checkInputSchema(t *testing.T, tool *Tool, ht hs.RestTool, spec ToolSpec) {
	srv := hs.NewRestMCPServer("parity")
	require.NoError(t, srv.AddRestTool(ht))
	want := jsonValue(t, mustMarshal(t, srv.GetMCPTools()[ht.Name].InputSchema()))
	if req, ok := want.(map[string]any)["required"].([]any); ok { // Higress repeats duplicated args
		seen, out := map[any]bool{}, []any{}
		for _, r := range req {
			if !seen[r] {
				seen[r], out = true, append(out, r)
			}
		}
		want.(map[string]any)["required"] = out
	}
	for _, p := range want.(map[string]any)["properties"].(map[string]any) {
		prop := p.(map[string]any)
		if typ, alias, _ := parseType(prop["type"].(string)); alias { // we list aliases as JSON Schema types
			prop["type"] = typeNames[typ]
		}
	}
	got := jsonValue(t, []byte(gjson.GetBytes(tool.ListEntry(), "inputSchema").Raw))
	for i, a := range spec.Args { // extra keywords pass through (Higress drops them)
		for _, kv := range a.Extra {
			delete(got.(map[string]any)["properties"].(map[string]any)[spec.Args[i].Name].(map[string]any), kv[0])
		}
	}
	assert.Equal(t, want, got, ht.Name)
}

// sampleArgs gives every arg a plausible value of its type (the first enum value when it has one).
func sampleArgs(args []ArgSpec) string {
	b := []byte("{}")
	for _, a := range args {
		var v string
		switch {
		case a.Enum != nil:
			v = gjson.GetBytes(a.Enum, "0").Raw
		case a.Type == "integer" || a.Type == "int":
			v = "3"
		case a.Type == "number":
			v = "2.5"
		case a.Type == "boolean":
			v = "true"
		case a.Type == "array":
			v = `["a","b"]`
		case a.Type == "object":
			v = `{"k":"v"}`
		default:
			v = q("v-" + a.Name)
		}
		b, _ = sjson.SetRawBytes(b, escapeKey(a.Name), []byte(v))
	}
	return string(b)
}

func escapeKey(k string) string {
	return regexp.MustCompile(`[.*?|#@\\]`).ReplaceAllStringFunc(k, func(s string) string { return `\` + s })
}

var uuidRe = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func ourRequest(t *testing.T, r *Request) parityReq {
	u, err := url.Parse(r.URI())
	require.NoError(t, err)
	base := r.Path
	if r.Scheme != "" {
		base = r.Scheme + "://" + r.Authority + r.Path
	}
	h := map[string][]string{}
	for _, kv := range r.Headers {
		h[kv[0]] = append(h[kv[0]], maskUUID(kv[1]))
	}
	return parityReq{r.Method, base, u.Query(), h, bodyValue(t, r.Body)}
}

func maskUUID(s string) string {
	if uuidRe.MatchString(s) {
		return "<uuid>"
	}
	return s
}

func bodyValue(t *testing.T, b []byte) any {
	if len(b) == 0 {
		return nil
	}
	if gjson.ValidBytes(b) {
		return jsonValue(t, b)
	}
	if v, err := url.ParseQuery(string(b)); err == nil && bytes.Contains(b, []byte("=")) {
		return v
	}
	return string(b)
}

func jsonValue(t *testing.T, b []byte) any {
	var v any
	require.NoError(t, json.Unmarshal(b, &v), string(b))
	return v
}

func mustMarshal(t *testing.T, v any) []byte {
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
}

// higressRequest is what Higress sends for ht called with args (see the file comment).
func higressRequest(t *testing.T, ht hs.RestTool, serverCfg []byte, argsJSON string) (parityReq, error) {
	args, pos, data := higressData(t, ht, serverCfg, argsJSON)
	rt := ht.RequestTemplate
	urlStr, err := render(t, rt.URL, data)
	if err != nil {
		return parityReq{}, err
	}
	for name, v := range args {
		if pos[name] == "path" {
			urlStr = strings.ReplaceAll(urlStr, "{"+name+"}", argString(v))
		}
	}
	u, err := url.Parse(urlStr)
	require.NoError(t, err)
	query := u.Query()
	if u.Path == "" { // RouteCall sends "/"
		u.Path = "/"
	}
	headers := map[string][]string{}
	for _, h := range rt.Headers {
		k := strings.ToLower(h.Key)
		v, err := render(t, h.Value, data)
		if err != nil {
			return parityReq{}, err
		}
		headers[k] = append(headers[k], maskUUID(v))
	}
	bodyArgs, rest := map[string]any{}, map[string]any{}
	for name, v := range args {
		switch pos[name] {
		case "query":
			query.Set(name, argString(v))
		case "header":
			headers[strings.ToLower(name)] = append(headers[strings.ToLower(name)], argString(v))
		case "body":
			bodyArgs[name] = v
		case "":
			rest[name] = v
			if rt.ArgsToUrlParam {
				query.Set(name, argString(v))
			}
		}
	}
	body, err := higressBody(t, rt, data, bodyArgs, rest, headers)
	if err != nil {
		return parityReq{}, err
	}
	if _, ok := headers["accept"]; !ok {
		headers["accept"] = []string{"*/*"}
	}
	base := u.EscapedPath()
	if u.Scheme != "" {
		base = u.Scheme + "://" + u.Host + base
	}
	return parityReq{strings.ToUpper(rt.Method), base, query, headers, bodyValue(t, body)}, nil
}

func higressBody(t *testing.T, rt hs.RestToolRequestTemplate, data []byte, bodyArgs, rest map[string]any,
	headers map[string][]string) ([]byte, error) {
	ct := strings.Join(headers["content-type"], ",")
	setCT := func(want, value string) {
		if !strings.Contains(strings.ToLower(ct), want) {
			headers["content-type"] = append(headers["content-type"], value)
		}
	}
	form := func(m ...map[string]any) []byte {
		v := url.Values{}
		for _, mm := range m {
			for k, x := range mm {
				v.Set(k, argString(x))
			}
		}
		return []byte(v.Encode())
	}
	switch {
	case rt.Body != "":
		s, err := render(t, rt.Body, data)
		b := []byte(s)
		if tb := bytes.TrimSpace(b); len(tb) > 1 && (tb[0] == '{' && tb[len(tb)-1] == '}' || tb[0] == '[' && tb[len(tb)-1] == ']') && json.Valid(tb) {
			setCT("application/json", ctJSON)
		}
		return b, err
	case rt.ArgsToJsonBody:
		for k, v := range rest {
			bodyArgs[k] = v
		}
		setCT("application/json", ctJSON)
		return mustMarshal(t, bodyArgs), nil
	case rt.ArgsToFormBody:
		setCT("application/x-www-form-urlencoded", ctForm)
		return form(bodyArgs, rest), nil
	case len(bodyArgs) > 0 && strings.Contains(strings.ToLower(ct), "application/x-www-form-urlencoded"):
		return form(bodyArgs), nil
	case len(bodyArgs) > 0:
		setCT("application/json", ctJSON)
		return mustMarshal(t, bodyArgs), nil
	}
	return nil, nil
}

func render(t *testing.T, src string, data []byte) (string, error) {
	tmpl, err := template.New("x").Funcs(template.FuncMap{"getRealIP": func() string { return "" },
		"getSocketIP": func() string { return "" }}).Parse(src)
	require.NoError(t, err)
	var b strings.Builder
	err = tmpl.Execute(&b, data)
	return b.String(), err
}

// higressData is RestMCPTool.Create's argument handling plus Call's template data.
func higressData(t *testing.T, ht hs.RestTool, serverCfg []byte, argsJSON string) (args map[string]any, pos map[string]string, data []byte) {
	var raw map[string]any
	require.NoError(t, json.Unmarshal([]byte(argsJSON), &raw))
	args, pos = map[string]any{}, map[string]string{}
	for _, a := range ht.Args {
		pos[a.Name] = strings.ToLower(a.Position)
		if v, ok := raw[a.Name]; ok {
			args[a.Name] = v // sample values already have their types, so Higress's conversions are no-ops
		} else if a.Default != nil {
			args[a.Name] = a.Default
		}
	}
	var cfg map[string]any
	_ = json.Unmarshal(serverCfg, &cfg)
	data, _ = sjson.SetBytes(nil, "config", cfg)
	data, _ = sjson.SetBytes(data, "args", args)
	return args, pos, data
}

// argString is Higress's convertArgToString.
func argString(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case bool, float64:
		return fmt.Sprintf("%v", v)
	}
	b, _ := json.Marshal(v)
	return string(b)
}
