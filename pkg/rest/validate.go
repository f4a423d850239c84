package rest

import (
	"github.com/tidwall/gjson"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/internal/jsonenc"
)

// Prepare checks args (required arguments, JSON types, enums) and resolves them into c for
// Build, LocalResult and ConvertResponse. It returns nil or a *CallError whose message names
// the offending arguments, never their values, e.g.
// `invalid arguments: missing required "city"; "units" must be one of [metric imperial]`;
// after an error c is unprepared. As in Higress, a string is accepted for an integer, number
// or boolean arg when it reads as one ("5", "2.5", "true"); JSON null counts as absent;
// undeclared arguments are ignored.
func (t *Tool) Prepare(args gjson.Result, c *Call) error {
	c.tool, c.client, c.dataState = nil, nil, 0
	if args.Exists() && args.Type != gjson.Null && !args.IsObject() {
		clear(c.vals)
		return callErr("invalid arguments: arguments must be a JSON object")
	}
	c.vals = t.givenArgs(args, c.vals)
	if err := t.checkGiven(c.vals); err != nil {
		clear(c.vals)
		return err
	}
	t.applyDefaults(c.vals)
	c.tool = t
	return nil
}

// checkGiven checks the given (not defaulted) args, vals from givenArgs.
func (t *Tool) checkGiven(vals []gjson.Result) error {
	var out []byte
	for i := range t.args {
		msg := ""
		if vals[i].Exists() {
			msg = checkValue(&t.args[i], vals[i])
		} else if t.args[i].required {
			msg = "missing required " + quote(t.args[i].name)
		}
		if msg == "" {
			continue
		}
		if out == nil {
			out = append(out, "invalid arguments: "...)
		} else {
			out = append(out, "; "...)
		}
		out = append(out, msg...)
	}
	if out == nil {
		return nil
	}
	return callErr(string(out))
}

// checkValue returns "" when v (already coerced) fits a's type and enum, else the problem.
func checkValue(a *arg, v gjson.Result) string {
	if !typeMatches(a.typ, v) {
		return quote(a.name) + " must be " + typeArticle[a.typ]
	}
	if a.enum == nil {
		return ""
	}
	for _, e := range a.enum {
		if jsonEqual(e, v) {
			return ""
		}
	}
	return quote(a.name) + " must be one of " + a.enumText
}

var typeArticle = [...]string{"a value", "a string", "a number", "an integer", "a boolean", "an array", "an object"}

func typeMatches(typ jsonType, v gjson.Result) bool {
	switch typ {
	case typeString:
		return v.Type == gjson.String
	case typeNumber:
		return v.Type == gjson.Number
	case typeInteger:
		return v.Type == gjson.Number && (jsonenc.IsPlainInteger(v.Raw) || isWhole(v.Num))
	case typeBoolean:
		return v.Type == gjson.True || v.Type == gjson.False
	case typeArray:
		return v.IsArray()
	case typeObject:
		return v.IsObject()
	}
	return true
}

// jsonEqual compares two JSON values: numbers by value, strings by content, others by compact text.
func jsonEqual(a, b gjson.Result) bool {
	if a.Type != b.Type {
		return false
	}
	switch a.Type {
	case gjson.Number:
		return a.Num == b.Num
	case gjson.String:
		return a.Str == b.Str
	case gjson.JSON:
		return jsonenc.Compact(a.Raw) == jsonenc.Compact(b.Raw)
	}
	return true
}
