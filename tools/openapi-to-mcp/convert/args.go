package convert

import (
	"sort"
	"strings"
)

// argSchemaKeys are the JSON Schema keywords an arg may carry besides name, description, type,
// required and position (the plugin's config accepts exactly these).
var argSchemaKeys = map[string]bool{
	"default": true, "enum": true, "items": true, "properties": true, "title": true, "format": true,
	"pattern": true, "contentEncoding": true, "contentMediaType": true, "minimum": true, "maximum": true,
	"exclusiveMinimum": true, "exclusiveMaximum": true, "multipleOf": true, "minLength": true,
	"maxLength": true, "minItems": true, "maxItems": true, "minProperties": true, "maxProperties": true,
	"uniqueItems": true, "deprecated": true, "readOnly": true, "writeOnly": true, "const": true,
	"oneOf": true, "anyOf": true, "allOf": true, "prefixItems": true, "not": true,
	"additionalProperties": true, "patternProperties": true,
}

// argBuilder adds args to a tool, refusing a second arg of the same name (the name is the
// parameter's wire name and cannot be changed).
type argBuilder struct {
	t       *Tool
	warn    func(string, ...any)
	seen    map[string]bool
	headers map[string]bool // x-mcp-header values, lower case
}

func newArgBuilder(t *Tool, warn func(string, ...any)) *argBuilder {
	return &argBuilder{t: t, warn: warn, seen: map[string]bool{}, headers: map[string]bool{}}
}

func (b *argBuilder) add(name, in, desc string, required bool, schema map[string]any) bool {
	if b.seen[name] {
		b.warn("%s parameter %s dropped: another argument has this name", in, name)
		return false
	}
	b.seen[name] = true
	a := &Arg{Name: name, Description: desc, Required: required, Position: in, Schema: map[string]any{}}
	if a.Description == "" {
		a.Description, _ = schema["description"].(string)
	}
	a.Type = argType(schema["type"])
	for k, v := range schema {
		if argSchemaKeys[k] && !(k == "properties" && a.Type != "object" && a.Type != "") {
			a.Schema[k] = v
		}
	}
	// Header parameters are also announced as MCP headers (Mcp-Param-<name>), which the
	// 2026-07-28 revision lets clients send outside the JSON-RPC body.
	if in == "header" && (a.Type == "string" || a.Type == "integer" || a.Type == "boolean") &&
		isToken(name) && !b.headers[strings.ToLower(name)] {
		b.headers[strings.ToLower(name)] = true
		a.Schema["x-mcp-header"] = name
	}
	b.t.Args = append(b.t.Args, a)
	return true
}

// argType is an arg's type: a 3.1 type list loses "null" (an absent or null argument is the
// same to the plugin) and keeps its first other member.
func argType(t any) string {
	switch v := t.(type) {
	case string:
		return v
	case []string:
		for _, s := range v {
			if s != "null" {
				return s
			}
		}
	case []any:
		for _, s := range v {
			if str, ok := s.(string); ok && str != "null" {
				return str
			}
		}
	}
	return ""
}

// pathParams adds a required string arg for each {name} of the path the document forgot to
// declare: the URL cannot be built without it.
func (b *argBuilder) pathParams(p string) {
	for {
		i := strings.IndexByte(p, '{')
		j := strings.IndexByte(p, '}')
		if i < 0 || j < i {
			return
		}
		name := p[i+1 : j]
		p = p[j+1:]
		if !b.seen[name] {
			b.warn("path parameter %s is not declared: added as a required string", name)
			b.add(name, "path", "", true, map[string]any{"type": "string"})
		}
	}
}

// body adds the request body: each property of a JSON or form object becomes a body arg,
// sent with argsToJsonBody or argsToFormBody.
func (b *argBuilder) body(bd *body) {
	if bd == nil {
		return
	}
	props, _ := bd.schema["properties"].(map[string]any)
	if bd.kind == "other" {
		b.warn("request body %s is not supported (JSON and form bodies are): the tool sends no body", bd.media)
		return
	}
	if t := argType(bd.schema["type"]); t != "object" && (t != "" || props == nil) {
		if bd.kind != "json" || t == "" || t == "string" {
			b.warn("request body %s is not an object with properties: the tool sends no body", bd.media)
			return
		}
		b.valueBody(bd)
		return
	}
	required := map[string]bool{}
	if rs, ok := bd.schema["required"].([]string); ok && bd.required {
		for _, r := range rs {
			required[r] = true
		}
	}
	keys := make([]string, 0, len(props))
	for k := range props {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		s, _ := props[k].(map[string]any)
		if ro, _ := s["readOnly"].(bool); ro {
			continue // readOnly: sent by the server only
		}
		b.add(k, "body", "", required[k], s)
	}
	if bd.kind == "json" {
		b.t.Request.ArgsToJSONBody = true
	} else {
		b.t.Request.ArgsToFormBody = true
	}
}

// valueBody sends a JSON body that is an array, a number or a boolean as one "body" arg,
// rendered as its JSON text by a template that is only {{.args.body}}. Such a template does not
// start like a JSON document, so the plugin writes the value as rendered: this is exact because
// the plugin checks an arg against its declared type before rendering. A string body is not
// sent this way (it would go out unquoted and unescaped) and stays a warning. The arg is
// required even if the body is optional, because an absent arg would not send "no body".
func (b *argBuilder) valueBody(bd *body) {
	if b.seen["body"] {
		b.warn("request body %s dropped: another argument is named body", bd.media)
		return
	}
	desc, _ := bd.schema["description"].(string)
	if desc == "" {
		desc = "the request body (" + bd.media + ")"
	}
	b.add("body", "", desc, true, bd.schema)
	b.t.Request.Body = "{{.args.body}}"
	b.t.Request.Headers = append(b.t.Request.Headers, [2]string{"Content-Type", bd.media})
}

// isToken reports whether s is an HTTP token (RFC 9110 §5.6.2).
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0) {
			return false
		}
	}
	return true
}
