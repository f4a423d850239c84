package convert

import (
	"strings"

	"github.com/pb33f/go-yaml"
	"github.com/pb33f/libopenapi/datamodel/high/base"
	"github.com/pb33f/libopenapi/orderedmap"
)

// Inlining is bounded: references inlined within references multiply (Stripe's objects refer to
// each other thousands of ways without a cycle), so past maxRefDepth nested references, or once
// one schema has produced maxSchemaNodes nodes, a reference becomes an open schema naming it.
const (
	// maxSchemaDescription bounds descriptions inside schemas, where real documents repeat
	// paragraphs per property.
	maxSchemaDescription = 300
	maxRefDepth          = 2
	maxSchemaNodes       = 200
)

// schemaWalker inlines $refs into self-contained JSON Schema 2020-12 maps. A reference to a
// schema already being inlined (a cycle) becomes an open object schema that says which schema
// recursed, since inputSchema must not hold a $ref to a document the client does not have.
type schemaWalker struct {
	openAPI30 bool // 3.0 and 2.0: nullable and boolean exclusiveMinimum/Maximum are translated
	nodes     int  // nodes produced by the current convert call
}

func (w *schemaWalker) convert(p *base.SchemaProxy) map[string]any {
	w.nodes = 0
	return w.walk(p, nil)
}

func (w *schemaWalker) walk(p *base.SchemaProxy, stack []string) map[string]any {
	if p == nil {
		return map[string]any{}
	}
	if p.IsReference() {
		ref := p.GetReference()
		for _, r := range stack {
			if r == ref {
				return map[string]any{"description": "recursive: " + refName(ref) + " (not expanded)"}
			}
		}
		if len(stack) >= maxRefDepth || w.nodes >= maxSchemaNodes {
			return map[string]any{"description": refName(ref) + " (not expanded: nested too deep)"}
		}
		stack = append(stack, ref)
	}
	w.nodes++
	s := p.Schema()
	if s == nil {
		return map[string]any{}
	}
	if s.BooleanSchema != nil {
		if *s.BooleanSchema {
			return map[string]any{}
		}
		return map[string]any{"not": map[string]any{}}
	}
	m := map[string]any{}
	w.scalars(s, m)
	w.children(s, m, stack)
	return m
}

// refName is the last segment of a JSON pointer reference.
func refName(ref string) string {
	return ref[strings.LastIndex(ref, "/")+1:]
}

func (w *schemaWalker) scalars(s *base.Schema, m map[string]any) {
	types := append([]string(nil), s.Type...)
	if w.openAPI30 && s.Nullable != nil && *s.Nullable && len(types) == 1 {
		types = append(types, "null")
	}
	switch len(types) {
	case 0:
	case 1:
		m["type"] = types[0]
	default:
		m["type"] = types
	}
	setStr(m, "format", s.Format)
	setStr(m, "title", s.Title)
	setStr(m, "description", truncate(strings.TrimSpace(s.Description), maxSchemaDescription))
	setStr(m, "pattern", s.Pattern)
	setStr(m, "contentEncoding", s.ContentEncoding)
	setStr(m, "contentMediaType", s.ContentMediaType)
	for k, v := range map[string]*int64{"minLength": s.MinLength, "maxLength": s.MaxLength, "minItems": s.MinItems,
		"maxItems": s.MaxItems, "minProperties": s.MinProperties, "maxProperties": s.MaxProperties} {
		if v != nil {
			m[k] = *v
		}
	}
	for k, v := range map[string]*float64{"minimum": s.Minimum, "maximum": s.Maximum, "multipleOf": s.MultipleOf} {
		if v != nil {
			m[k] = num(*v)
		}
	}
	w.exclusive(m, "exclusiveMinimum", "minimum", s.ExclusiveMinimum)
	w.exclusive(m, "exclusiveMaximum", "maximum", s.ExclusiveMaximum)
	for k, v := range map[string]*bool{"uniqueItems": s.UniqueItems, "readOnly": s.ReadOnly, "writeOnly": s.WriteOnly, "deprecated": s.Deprecated} {
		if v != nil && *v {
			m[k] = true
		}
	}
	if len(s.Required) > 0 {
		m["required"] = append([]string(nil), s.Required...)
	}
	if len(s.Enum) > 0 {
		var e []any
		for _, n := range s.Enum {
			e = append(e, decodeNode(n))
		}
		m["enum"] = e
	}
	if s.Default != nil {
		m["default"] = decodeNode(s.Default)
	}
	if s.Const != nil {
		m["const"] = decodeNode(s.Const)
	}
}

// exclusive maps 3.0's boolean exclusiveMinimum (a flag on minimum) to 2020-12's numeric form.
func (w *schemaWalker) exclusive(m map[string]any, key, bound string, v *base.DynamicValue[bool, float64]) {
	if v == nil {
		return
	}
	if v.IsB() {
		m[key] = num(v.B)
		return
	}
	if v.A {
		if b, ok := m[bound]; ok {
			delete(m, bound)
			m[key] = b
		}
	}
}

func (w *schemaWalker) children(s *base.Schema, m map[string]any, stack []string) {
	if props := w.schemaMap(s.Properties, stack); props != nil {
		m["properties"] = props
	}
	if s.Items != nil {
		if s.Items.IsA() {
			m["items"] = w.walk(s.Items.A, stack)
		} else if !s.Items.B {
			m["items"] = false
		}
	}
	if s.AdditionalProperties != nil {
		if s.AdditionalProperties.IsA() {
			m["additionalProperties"] = w.walk(s.AdditionalProperties.A, stack)
		} else {
			m["additionalProperties"] = s.AdditionalProperties.B
		}
	}
	for key, list := range map[string][]*base.SchemaProxy{"allOf": s.AllOf, "oneOf": s.OneOf, "anyOf": s.AnyOf, "prefixItems": s.PrefixItems} {
		if len(list) == 0 {
			continue
		}
		var out []any
		for _, p := range list {
			out = append(out, w.walk(p, stack))
		}
		m[key] = out
	}
	if s.Not != nil {
		m["not"] = w.walk(s.Not, stack)
	}
	if pp := w.schemaMap(s.PatternProperties, stack); pp != nil {
		m["patternProperties"] = pp
	}
	// $defs are not copied: every $ref into them has been inlined above.
}

func (w *schemaWalker) schemaMap(om *orderedmap.Map[string, *base.SchemaProxy], stack []string) map[string]any {
	if om == nil || om.Len() == 0 {
		return nil
	}
	out := map[string]any{}
	for k, v := range om.FromOldest() {
		out[k] = w.walk(v, stack)
	}
	return out
}

func setStr(m map[string]any, k, v string) {
	if v != "" {
		m[k] = v
	}
}

// num keeps integral bounds integral in the output (10, not 10.0).
func num(f float64) any {
	if f == float64(int64(f)) {
		return int64(f)
	}
	return f
}

// decodeNode turns a YAML value of the document into plain Go values.
func decodeNode(n *yaml.Node) any {
	if n == nil {
		return nil
	}
	var v any
	if err := n.Decode(&v); err != nil {
		return n.Value
	}
	return normalize(v)
}

// normalize turns map[any]any (YAML) into map[string]any so the value encodes as JSON.
func normalize(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			t[k] = normalize(x)
		}
		return t
	case map[any]any:
		out := map[string]any{}
		for k, x := range t {
			out[strings.TrimSpace(toString(k))] = normalize(x)
		}
		return out
	case []any:
		for i, x := range t {
			t[i] = normalize(x)
		}
		return t
	}
	return v
}
