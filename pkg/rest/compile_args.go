package rest

import (
	"strings"

	"github.com/tidwall/gjson"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/internal/jsonenc"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/internal/httpsyntax"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/configerr"
)

// schemaKeys are the property keywords rest writes itself; Extra may not repeat them.
var schemaKeys = map[string]bool{"type": true, "description": true, "enum": true, "items": true,
	"properties": true, "default": true}

// forbiddenHeaders may not be set by templates or args: they frame or route the request.
var forbiddenHeaders = map[string]bool{"host": true, "content-length": true, "transfer-encoding": true,
	"connection": true, "keep-alive": true, "proxy-connection": true, "te": true, "upgrade": true,
	"trailer": true}

func (c *compiler) compileArgs(specs []ArgSpec) error {
	seen := map[string]bool{}
	for k, s := range specs {
		p := s.Path
		if p == "" {
			p = index(c.path+".args", k)
		}
		c.argPaths = append(c.argPaths, p)
		if s.Name == "" {
			return configerr.At(p+".name", "is required")
		}
		if seen[s.Name] {
			return configerr.At(p+".name", "duplicate arg name "+quote(s.Name))
		}
		seen[s.Name] = true
		a, err := c.compileArg(p, s)
		if err != nil {
			return err
		}
		c.tool.args = append(c.tool.args, a)
	}
	return nil
}

func (c *compiler) compileArg(p string, s ArgSpec) (arg, error) {
	a := arg{name: s.Name, lname: strings.ToLower(s.Name), required: s.Required}
	typ, alias, ok := parseType(s.Type)
	if !ok {
		return a, configerr.At(p+".type", "unknown type "+configerr.Word(s.Type)+" (want string, number, integer, boolean, array or object)")
	}
	if alias {
		c.warn(p+".type", "type "+quote(s.Type)+" is not a JSON Schema type; listed as "+quote(typeNames[typ]))
	}
	a.typ = typ
	pos, ok := parsePosition(s.Position)
	if !ok {
		return a, configerr.At(p+".position", "unknown position "+configerr.Word(s.Position)+" (want query, path, header, cookie or body)")
	}
	a.pos = pos
	if err := checkArgName(p, a); err != nil {
		return a, err
	}
	for _, raw := range []struct {
		key string
		val []byte
	}{{"default", s.Default}, {"enum", s.Enum}, {"items", s.Items}, {"properties", s.Properties}} {
		if raw.val != nil && !gjson.ValidBytes(raw.val) {
			return a, configerr.At(p+"."+raw.key, "is not valid JSON")
		}
	}
	if err := c.compileEnum(p, &a, s.Enum); err != nil {
		return a, err
	}
	if s.Default != nil {
		a.def = gjson.Parse(jsonenc.Compact(string(s.Default)))
		if a.def.Type == gjson.Null {
			a.def = gjson.Result{}
		} else if msg := checkValue(&a, coerce(a.def, a.typ)); msg != "" {
			c.warn(p+".default", "default does not match the arg: "+msg)
		}
	}
	for _, kv := range s.Extra {
		if schemaKeys[kv[0]] {
			return a, configerr.At(p+"."+kv[0], "keyword is set twice")
		}
		if !gjson.Valid(kv[1]) {
			return a, configerr.At(p+"."+kv[0], "is not valid JSON")
		}
	}
	return a, nil
}

func checkArgName(p string, a arg) error {
	switch a.pos {
	case posHeader:
		if !httpsyntax.IsToken(a.name) {
			return configerr.At(p+".name", "a header arg name must be an HTTP token")
		}
		if forbiddenHeaders[a.lname] || a.lname == "cookie" {
			return configerr.At(p+".name", "header "+quote(a.name)+" cannot be set by an arg")
		}
	case posCookie:
		if !httpsyntax.IsToken(a.name) {
			return configerr.At(p+".name", "a cookie arg name must be an HTTP token")
		}
	}
	return nil
}

func (c *compiler) compileEnum(p string, a *arg, raw []byte) error {
	if raw == nil {
		return nil
	}
	e := gjson.ParseBytes(raw)
	if !e.IsArray() {
		return configerr.At(p+".enum", "must be an array")
	}
	var b strings.Builder
	b.WriteByte('[')
	for i, v := range e.Array() {
		if i > 0 {
			b.WriteByte(' ')
		}
		if v.Type == gjson.String {
			b.WriteString(v.Str)
		} else {
			b.WriteString(jsonenc.Compact(v.Raw))
		}
		a.enum = append(a.enum, v)
	}
	b.WriteByte(']')
	if len(a.enum) > 0 {
		a.enumText = b.String()
	}
	return nil
}
