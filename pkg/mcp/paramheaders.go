package mcp

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/tidwall/gjson"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/internal/httpsyntax"
)

// paramHeader is one tool argument mirrored into an Mcp-Param-* header
// through an `x-mcp-header` annotation (2026-07-28 server/tools
// "x-mcp-header"; streamable-http "Custom Headers from Tool Parameters").
type paramHeader struct {
	header string   // "Mcp-Param-" + annotation value
	field  string   // "params.arguments.a.b", for messages
	path   []string // chain of property names
}

// maxSchemaDepth bounds the inputSchema walk.
const maxSchemaDepth = 64

// Keywords whose value is a map of name -> schema.
var schemaMapKeywords = map[string]bool{
	"properties": true, "patternProperties": true, "$defs": true, "definitions": true, "dependentSchemas": true,
}

// Keywords whose value is a schema or an array of schemas.
var schemaKeywords = map[string]bool{
	"items": true, "prefixItems": true, "additionalItems": true, "additionalProperties": true,
	"unevaluatedProperties": true, "unevaluatedItems": true, "contains": true, "propertyNames": true,
	"not": true, "if": true, "then": true, "else": true, "anyOf": true, "oneOf": true, "allOf": true,
}

// scanParamHeaders finds the x-mcp-header annotations of a tools/list entry
// and enforces their constraints, so a tool that compliant clients would
// have to drop fails at start instead.
func scanParamHeaders(entry []byte) ([]paramHeader, error) {
	w := &schemaWalker{}
	if err := w.walk(gjson.GetBytes(entry, "inputSchema"), "inputSchema", nil, true, 0); err != nil {
		return nil, err
	}
	return w.found, nil
}

type schemaWalker struct{ found []paramHeader }

// walk visits one schema. props is the property chain leading to it, valid
// while static (reached through `properties` only).
func (w *schemaWalker) walk(node gjson.Result, at string, props []string, static bool, depth int) error {
	if !node.IsObject() {
		return nil
	}
	if depth > maxSchemaDepth {
		return fmt.Errorf("%s: schema nested deeper than %d levels", at, maxSchemaDepth)
	}
	var err error
	node.ForEach(func(k, v gjson.Result) bool {
		key := k.Str
		switch {
		case key == "x-mcp-header":
			err = w.annotate(node, v, at, props, static)
		case schemaMapKeywords[key]:
			v.ForEach(func(pk, pv gjson.Result) bool {
				inProps := static && key == "properties"
				err = w.walk(pv, at+"."+key+"."+pk.Str, appendPath(props, pk.Str, inProps), inProps, depth+1)
				return err == nil
			})
		case schemaKeywords[key] && v.IsArray():
			i := 0
			v.ForEach(func(_, item gjson.Result) bool {
				err = w.walk(item, at+"."+key+"["+strconv.Itoa(i)+"]", nil, false, depth+1)
				i++
				return err == nil
			})
		case schemaKeywords[key]:
			err = w.walk(v, at+"."+key, nil, false, depth+1)
		}
		return err == nil
	})
	return err
}

func appendPath(props []string, name string, keep bool) []string {
	if !keep {
		return nil
	}
	out := make([]string, len(props), len(props)+1)
	copy(out, props)
	return append(out, name)
}

// annotate validates one x-mcp-header annotation on schema node.
func (w *schemaWalker) annotate(node, v gjson.Result, at string, props []string, static bool) error {
	at += ".x-mcp-header"
	if !static || len(props) == 0 {
		return fmt.Errorf("%s: allowed only on a property reached through \"properties\" alone", at)
	}
	if v.Type != gjson.String || !httpsyntax.IsToken(v.Str) {
		return fmt.Errorf("%s: must be a non-empty HTTP field-name token", at)
	}
	switch t := node.Get("type"); {
	case t.Type == gjson.String && (t.Str == "string" || t.Str == "integer" || t.Str == "boolean"):
	default:
		return fmt.Errorf("%s: the property must have type string, integer or boolean", at)
	}
	header := HeaderParamPrefix + v.Str
	for _, f := range w.found {
		if strings.EqualFold(f.header, header) {
			return fmt.Errorf("%s: %q is not unique (case-insensitively)", at, v.Str)
		}
	}
	w.found = append(w.found, paramHeader{
		header: header,
		field:  "params.arguments." + strings.Join(props, "."),
		path:   props,
	})
	return nil
}

// checkParamHeaders validates the Mcp-Param-* headers of a tool against the
// arguments (streamable-http "Server Behavior for Custom Headers"): a value
// present in the body needs its header (when required), an absent or null
// one must not have it, and the decoded header must equal the value. It
// returns "" or the problem, naming headers and fields, never values.
func checkParamHeaders(params []paramHeader, h *Headers, args gjson.Result, required bool) string {
	for i := range params {
		p := &params[i]
		raw, found, dup := h.param(p.header)
		val := lookup(args, p.path)
		present := val.Exists() && val.Type != gjson.Null
		switch {
		case dup:
			return "duplicate " + p.header + " header"
		case !found && (!present || !required):
			continue
		case !found:
			return "missing " + p.header + " header for " + p.field
		}
		got, ok := decodeHeaderValue(raw)
		switch {
		case !ok:
			return p.header + " header is not a valid header value"
		case !present:
			return p.header + " header is present but " + p.field + " is absent"
		case !sameValue(val, got):
			return p.header + " header does not match " + p.field
		}
	}
	return ""
}

// lookup follows a chain of property names through nested objects.
func lookup(obj gjson.Result, path []string) gjson.Result {
	for _, name := range path {
		if !obj.IsObject() {
			return gjson.Result{}
		}
		var next gjson.Result
		obj.ForEach(func(k, v gjson.Result) bool {
			if k.Str == name {
				next = v
				return false
			}
			return true
		})
		obj = next
	}
	return obj
}

// sameValue compares a header value with a body value: strings exactly,
// booleans as true/false, numbers numerically (42 equals 42.0).
func sameValue(val gjson.Result, header string) bool {
	switch val.Type {
	case gjson.String:
		return val.Str == header
	case gjson.True:
		return header == "true"
	case gjson.False:
		return header == "false"
	case gjson.Number:
		if header == "" || strings.Trim(header, "0123456789+-.eE") != "" {
			return false
		}
		f, err := strconv.ParseFloat(header, 64)
		return err == nil && f == val.Num
	}
	return false
}
