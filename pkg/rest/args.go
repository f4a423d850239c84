package rest

import (
	"strconv"
	"strings"

	"github.com/tidwall/gjson"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/internal/jsonenc"
)

type jsonType uint8

const (
	typeAny jsonType = iota // no type given: listed as "string", any value accepted (as Higress)
	typeString
	typeNumber
	typeInteger
	typeBoolean
	typeArray
	typeObject
)

var typeNames = [...]string{"string", "string", "number", "integer", "boolean", "array", "object"}

func parseType(s string) (t jsonType, alias, ok bool) {
	switch s {
	case "":
		return typeAny, false, true
	case "string":
		return typeString, false, true
	case "number":
		return typeNumber, false, true
	case "integer":
		return typeInteger, false, true
	case "boolean":
		return typeBoolean, false, true
	case "array":
		return typeArray, false, true
	case "object":
		return typeObject, false, true
	case "int":
		return typeInteger, true, true
	case "float":
		return typeNumber, true, true
	case "bool":
		return typeBoolean, true, true
	}
	return 0, false, false
}

type position uint8

const (
	posNone position = iota
	posQuery
	posPath
	posHeader
	posCookie
	posBody
)

func parsePosition(s string) (position, bool) {
	switch strings.ToLower(s) {
	case "":
		return posNone, true
	case "query":
		return posQuery, true
	case "path":
		return posPath, true
	case "header":
		return posHeader, true
	case "cookie":
		return posCookie, true
	case "body":
		return posBody, true
	}
	return 0, false
}

// arg is a compiled argument.
type arg struct {
	name     string
	lname    string // lowercase name, for header args
	typ      jsonType
	required bool
	pos      position
	def      gjson.Result   // default (Exists() false when none)
	enum     []gjson.Result // allowed values, nil when no enum
	enumText string         // "[a b c]" for messages
}

// givenArgs fills vals[i] with the first non-null occurrence of t.args[i]'s key in args,
// coerced (see coerce), else an empty Result. It walks args once; vals is reused when it has
// room for every arg.
func (t *Tool) givenArgs(args gjson.Result, vals []gjson.Result) []gjson.Result {
	n := len(t.args)
	if cap(vals) < n {
		vals = make([]gjson.Result, n)
	} else {
		vals = vals[:n]
		clear(vals)
	}
	if n > 0 && args.IsObject() {
		args.ForEach(func(k, v gjson.Result) bool {
			if i := t.argIndex(k.Str); i >= 0 && !vals[i].Exists() && v.Type != gjson.Null {
				vals[i] = coerce(v, t.args[i].typ)
			}
			return true
		})
	}
	return vals
}

// applyDefaults puts each absent arg's default (if any) into vals.
func (t *Tool) applyDefaults(vals []gjson.Result) {
	for i := range t.args {
		if !vals[i].Exists() {
			vals[i] = t.args[i].def
		}
	}
}

// argNames lists the declared argument names; a name's index is its argument's index.
func (t *Tool) argNames() []string {
	names := make([]string, len(t.args))
	for i := range t.args {
		names[i] = t.args[i].name
	}
	return names
}

// pathArg returns the index of the path argument named name, or -1.
func (t *Tool) pathArg(name string) int {
	if i := t.argIndex(name); i >= 0 && t.args[i].pos == posPath {
		return i
	}
	return -1
}

func (t *Tool) argIndex(name string) int {
	for i := range t.args {
		if t.args[i].name == name {
			return i
		}
	}
	return -1
}

// coerce converts a string given for an integer, number or boolean arg into that type when it
// reads as one (Higress does the same); other values are returned unchanged.
func coerce(v gjson.Result, typ jsonType) gjson.Result {
	switch {
	case v.Type == gjson.String && typ == typeBoolean:
		switch v.Str {
		case "true":
			return gjson.Result{Type: gjson.True, Raw: "true"}
		case "false":
			return gjson.Result{Type: gjson.False, Raw: "false"}
		}
	case v.Type == gjson.String && typ == typeInteger:
		if n, err := strconv.ParseInt(v.Str, 10, 64); err == nil {
			s := strconv.FormatInt(n, 10)
			return gjson.Result{Type: gjson.Number, Raw: s, Num: float64(n)}
		}
	case v.Type == gjson.String && typ == typeNumber:
		if jsonenc.IsNumber(v.Str) {
			f, err := strconv.ParseFloat(v.Str, 64)
			if err == nil {
				return gjson.Result{Type: gjson.Number, Raw: string(jsonenc.AppendFloat(nil, f)), Num: f}
			}
		}
	case v.Type == gjson.Number && typ == typeInteger && !jsonenc.IsPlainInteger(v.Raw) && isWhole(v.Num):
		return gjson.Result{Type: gjson.Number, Raw: strconv.FormatInt(int64(v.Num), 10), Num: v.Num}
	}
	return v
}

func isWhole(f float64) bool {
	return f == float64(int64(f)) && f >= -9.2e18 && f <= 9.2e18
}

// argText is the text of a value when placed in a URL, header, cookie, form or template:
// strings as they are (invalid UTF-8 bytes as U+FFFD, as the engine's JSON data has them),
// numbers as Higress prints them, objects and arrays as compact JSON.
func argText(v gjson.Result) string {
	if !v.Exists() {
		return ""
	}
	switch v.Type {
	case gjson.String:
		return jsonenc.ToValidUTF8(v.Str)
	case gjson.Number:
		if jsonenc.IsPlainInteger(v.Raw) {
			return v.Raw
		}
		return string(jsonenc.AppendFloat(nil, v.Num))
	case gjson.JSON:
		return jsonenc.Compact(v.Raw)
	case gjson.Null:
		return "null"
	}
	return v.Raw // true, false; "" when absent
}

// appendArgJSON appends v as JSON (strings re-escaped, numbers as in argText, JSON compacted).
func appendArgJSON(dst []byte, v gjson.Result) []byte {
	switch v.Type {
	case gjson.String:
		return jsonenc.AppendString(dst, v.Str)
	case gjson.Number:
		if jsonenc.IsPlainInteger(v.Raw) {
			return append(dst, v.Raw...)
		}
		return jsonenc.AppendFloat(dst, v.Num)
	case gjson.JSON:
		return jsonenc.AppendCompact(dst, v.Raw)
	case gjson.True:
		return append(dst, "true"...)
	case gjson.False:
		return append(dst, "false"...)
	}
	return append(dst, "null"...)
}

// appendArgsObject appends {"name":value,...} for the resolved args selected by keep.
func (t *Tool) appendArgsObject(dst []byte, vals []gjson.Result, keep func(position) bool) []byte {
	dst = append(dst, '{')
	first := true
	for i := range t.args {
		if !vals[i].Exists() || (keep != nil && !keep(t.args[i].pos)) {
			continue
		}
		if !first {
			dst = append(dst, ',')
		}
		first = false
		dst = jsonenc.AppendString(dst, t.args[i].name)
		dst = append(dst, ':')
		dst = appendArgJSON(dst, vals[i])
	}
	return append(dst, '}')
}
