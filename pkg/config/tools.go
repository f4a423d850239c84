package config

import (
	"fmt"
	"strings"

	"github.com/tidwall/gjson"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/rest"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/internal/httpsyntax"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/configerr"
)

// toolSpec turns a tool's JSON (already checked by walk) into the raw spec rest compiles.
// Each arg spec carries its JSON path in the configuration (after merging a duplicate arg name,
// the path of the definition that won).
func toolSpec(path string, tj gjson.Result) (rest.ToolSpec, []configerr.Warning, error) {
	var spec rest.ToolSpec
	var argsJSON, rt, resp gjson.Result
	// One pass over the tool, as argSpec does: a Get per key rescans the tool's JSON from its start
	// for every key (a tenth of plugin start with 1,000 tools). walk has checked keys and types
	// and refused duplicate keys, so which of two equal keys a Get would pick cannot matter.
	tj.ForEach(func(k, v gjson.Result) bool {
		switch k.Str {
		case "name":
			spec.Name = v.Str
		case "description":
			spec.Description = v.Str
		case "errorResponseTemplate":
			spec.ErrorResponseTemplate = v.Str
		case "outputSchema":
			spec.OutputSchema = rawOrNil(v)
		case "args":
			argsJSON = v
		case "requestTemplate":
			rt = v
		case "responseTemplate":
			resp = v
		}
		return true
	})
	args, warns, err := argSpecs(join(path, "args"), argsJSON)
	if err != nil {
		return spec, nil, err
	}
	spec.Args = args
	if rt.IsObject() {
		spec.Request = requestSpec(rt)
	}
	resp.ForEach(func(k, v gjson.Result) bool {
		switch k.Str {
		case "body":
			spec.Response.Body = v.Str
		case "prependBody":
			spec.Response.PrependBody = v.Str
		case "appendBody":
			spec.Response.AppendBody = v.Str
		}
		return true
	})
	return spec, warns, nil
}

func requestSpec(rt gjson.Result) *rest.RequestTemplateSpec {
	req := &rest.RequestTemplateSpec{}
	rt.ForEach(func(k, v gjson.Result) bool { // one pass, as toolSpec
		switch k.Str {
		case "url":
			req.URL = v.Str
		case "method":
			req.Method = v.Str
		case "body":
			req.Body = v.Str
		case "argsToJsonBody":
			req.ArgsToJSONBody = v.Bool()
		case "argsToUrlParam":
			req.ArgsToURLParam = v.Bool()
		case "argsToFormBody":
			req.ArgsToFormBody = v.Bool()
		case "headers":
			for _, h := range v.Array() {
				req.Headers = append(req.Headers, rest.HeaderSpec{Key: h.Get("key").Str, Value: h.Get("value").Str})
			}
		}
		return true
	})
	return req
}

// argSpecs reads a tool's args. A repeated arg name (real Higress configs have them) is merged
// as Higress does: the last definition wins, and the arg is required if any definition is.
func argSpecs(path string, r gjson.Result) ([]rest.ArgSpec, []configerr.Warning, error) {
	var (
		args   []rest.ArgSpec
		warns  []configerr.Warning
		byName = map[string]int{} // name -> index in args
		hdrs   = map[string]int{} // lowercase x-mcp-header -> config index
	)
	for j, a := range r.Array() {
		ap := index(path, j)
		spec, w := argSpec(ap, a)
		warns = append(warns, w...)
		if err := checkMCPHeader(ap, spec, hdrs, j); err != nil {
			return nil, nil, err
		}
		k, dup := byName[spec.Name]
		if !dup {
			byName[spec.Name] = len(args)
			args = append(args, spec)
			continue
		}
		warns = append(warns, configerr.Warning{Path: join(ap, "name"), Msg: fmt.Sprintf(
			"duplicate arg name %q (also %s); the last definition wins, as in Higress",
			spec.Name, args[k].Path)})
		spec.Required = spec.Required || args[k].Required
		args[k] = spec
	}
	return args, warns, nil
}

func argSpec(path string, a gjson.Result) (rest.ArgSpec, []configerr.Warning) {
	spec := rest.ArgSpec{Path: path}
	var warns []configerr.Warning
	a.ForEach(func(k, v gjson.Result) bool { // one pass: walk has checked keys and types
		switch k.Str {
		case "name":
			spec.Name = v.Str
		case "description":
			spec.Description = v.Str
		case "type":
			spec.Type = v.Str
		case "required":
			spec.Required = v.Type == gjson.True
		case "default":
			spec.Default = rawOrNil(v)
		case "items":
			spec.Items = rawOrNil(v)
		case "properties":
			spec.Properties = rawOrNil(v)
		case "enum":
			if len(v.Array()) > 0 {
				spec.Enum = []byte(v.Raw)
			}
		case "position":
			spec.Position = strings.ToLower(v.Str)
			if spec.Position != v.Str {
				warns = append(warns, configerr.Warning{Path: join(path, "position"),
					Msg: fmt.Sprintf("position %q read as %q", v.Str, spec.Position)})
			}
		default:
			if v.Type != gjson.Null {
				spec.Extra = append(spec.Extra, [2]string{k.Str, v.Raw})
			}
		}
		return true
	})
	return spec, warns
}

// rawOrNil returns the raw JSON of r, or nil when r is absent or null.
func rawOrNil(r gjson.Result) []byte {
	if !r.Exists() || r.Type == gjson.Null {
		return nil
	}
	return []byte(r.Raw)
}

// checkToolName applies the MCP tool-name rules (server-tools, "Tool Names"): 1 to 128
// characters from A-Z a-z 0-9 _ - . (every real Higress config complies).
func checkToolName(path, name string) error {
	if name == "" || len(name) > 128 {
		return configerr.Atf(path, "tool name must be 1 to 128 characters")
	}
	for i := 0; i < len(name); i++ {
		if !isToolNameChar(name[i]) {
			return configerr.Atf(path, "tool name may contain only A-Z, a-z, 0-9, '_', '-' and '.' (MCP tool-name rules)")
		}
	}
	return nil
}

func isToolNameChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.'
}

// checkMCPHeader validates an arg's "x-mcp-header" annotation (MCP server-tools, x-mcp-header):
// a non-empty HTTP token, unique case-insensitively within the tool, on a string, integer or
// boolean arg only.
func checkMCPHeader(path string, spec rest.ArgSpec, seen map[string]int, j int) error {
	raw := ""
	for _, kv := range spec.Extra {
		if kv[0] == "x-mcp-header" {
			raw = kv[1]
		}
	}
	if raw == "" {
		return nil
	}
	p := join(path, "x-mcp-header")
	name := gjson.Parse(raw).Str
	if !httpsyntax.IsToken(name) {
		return configerr.Atf(p, "must be a non-empty HTTP header token")
	}
	switch spec.Type {
	case "", "string", "integer", "int", "boolean", "bool":
	default:
		return configerr.Atf(p, "allowed only on string, integer and boolean args")
	}
	key := strings.ToLower(name)
	if first, dup := seen[key]; dup {
		return configerr.Atf(p, "duplicate x-mcp-header %q (also args[%d])", name, first)
	}
	seen[key] = j
	return nil
}
