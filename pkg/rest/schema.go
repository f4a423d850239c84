package rest

import (
	"github.com/tidwall/gjson"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/internal/jsonenc"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/configerr"
)

// listEntry builds the tools/list entry once. The inputSchema follows Higress's InputSchema:
// every property has "type" (default "string") and "description" (possibly ""); "enum" when
// non-empty; "items" only for arrays and "properties" only for objects; "default" when set;
// "required" only when some arg is required. Unlike Higress, properties keep the args' order,
// type aliases are listed as their JSON Schema type, and extra keywords pass through.
func (c *compiler) listEntry(spec ToolSpec) ([]byte, error) {
	b := []byte(`{"name":`)
	b = jsonenc.AppendString(b, spec.Name)
	b = append(b, `,"description":`...)
	b = jsonenc.AppendString(b, spec.Description)
	b = append(b, `,"inputSchema":{"type":"object","properties":{`...)
	for i, s := range spec.Args {
		if i > 0 {
			b = append(b, ',')
		}
		b = jsonenc.AppendString(b, s.Name)
		b = append(b, ':')
		b = appendProperty(b, &c.tool.args[i], s)
	}
	b = append(b, '}')
	first := true
	for _, a := range c.tool.args {
		if !a.required {
			continue
		}
		if first {
			b = append(b, `,"required":[`...)
			first = false
		} else {
			b = append(b, ',')
		}
		b = jsonenc.AppendString(b, a.name)
	}
	if !first {
		b = append(b, ']')
	}
	b = append(b, '}')
	if c.tool.outSchema {
		b = append(b, `,"outputSchema":`...)
		b = jsonenc.AppendCompact(b, string(spec.OutputSchema))
	}
	b = append(b, '}')
	if !gjson.ValidBytes(b) {
		return nil, configerr.At(c.path, "cannot build the tools/list entry")
	}
	return b, nil
}

func appendProperty(b []byte, a *arg, s ArgSpec) []byte {
	b = append(b, `{"type":`...)
	b = jsonenc.AppendString(b, typeNames[a.typ])
	b = append(b, `,"description":`...)
	b = jsonenc.AppendString(b, s.Description)
	if len(a.enum) > 0 {
		b = append(b, `,"enum":`...)
		b = jsonenc.AppendCompact(b, string(s.Enum))
	}
	if a.typ == typeArray && s.Items != nil {
		b = append(b, `,"items":`...)
		b = jsonenc.AppendCompact(b, string(s.Items))
	}
	if a.typ == typeObject && s.Properties != nil {
		b = append(b, `,"properties":`...)
		b = jsonenc.AppendCompact(b, string(s.Properties))
	}
	if a.def.Exists() {
		b = append(b, `,"default":`...)
		b = append(b, a.def.Raw...)
	}
	for _, kv := range s.Extra {
		b = append(b, ',')
		b = jsonenc.AppendString(b, kv[0])
		b = append(b, ':')
		b = jsonenc.AppendCompact(b, kv[1])
	}
	return append(b, '}')
}
