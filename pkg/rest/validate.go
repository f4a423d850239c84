package rest

import (
	"github.com/tidwall/gjson"
)

// ValidateArgs checks required arguments, JSON types and enums. It returns nil or a *CallError
// whose message names the offending arguments, never their values, e.g.
// `invalid arguments: missing required "city"; "units" must be one of [metric imperial]`.
// As in Higress, a string is accepted for an integer, number or boolean arg when it reads as
// one ("5", "2.5", "true"); JSON null counts as absent; undeclared arguments are ignored.
func (t *Tool) ValidateArgs(args gjson.Result) error {
	if args.Exists() && args.Type != gjson.Null && !args.IsObject() {
		return callErr("invalid arguments: arguments must be a JSON object")
	}
	var msgArr [16]string
	var seenArr [16]bool
	msgs, seen := msgArr[:0], seenArr[:0] // per arg: the problem ("" none), and whether given
	if len(t.args) > len(msgArr) {
		msgs, seen = make([]string, 0, len(t.args)), make([]bool, 0, len(t.args))
	}
	msgs, seen = msgs[:len(t.args)], seen[:len(t.args)]
	args.ForEach(func(k, v gjson.Result) bool {
		i := t.argIndex(k.Str)
		if i < 0 || seen[i] || v.Type == gjson.Null {
			return true
		}
		seen[i] = true
		msgs[i] = checkValue(&t.args[i], coerce(v, t.args[i].typ))
		return true
	})
	var out []byte
	for i := range t.args {
		msg := msgs[i]
		if !seen[i] && t.args[i].required {
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
		return v.Type == gjson.Number && (isPlainInteger(v.Raw) || isWhole(v.Num))
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
		return compactJSON(a.Raw) == compactJSON(b.Raw)
	}
	return true
}
