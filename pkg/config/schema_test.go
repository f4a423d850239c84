package config

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/tidwall/gjson"
)

// validate checks value against a JSON Schema using the subset of keywords spec.yaml uses:
// type, properties, required, additionalProperties (false), items, enum, minimum, maximum,
// minItems. Other keywords (description, default, x-*) are annotations. A null property value
// counts as absent, as it does for Parse. It returns every violation, each prefixed with its
// JSON path.
func validate(path string, schema, value gjson.Result) []string {
	var errs []string
	add := func(format string, args ...any) {
		errs = append(errs, fmt.Sprintf("%s: ", displayPath(path))+fmt.Sprintf(format, args...))
	}
	if t := schema.Get("type"); t.Exists() && !hasType(value, t.Str) {
		add("want type %s, got %s", t.Str, typeName(value))
		return errs
	}
	if e := schema.Get("enum"); e.Exists() && !inEnum(value, e) {
		add("not one of the enum values %s", e.Raw)
	}
	if m := schema.Get("minimum"); m.Exists() && value.Type == gjson.Number && value.Num < m.Num {
		add("below minimum %s", m.Raw)
	}
	if m := schema.Get("maximum"); m.Exists() && value.Type == gjson.Number && value.Num > m.Num {
		add("above maximum %s", m.Raw)
	}
	if m := schema.Get("minItems"); m.Exists() && value.IsArray() && int64(len(value.Array())) < m.Int() {
		add("fewer than %s items", m.Raw)
	}
	if value.IsObject() {
		errs = append(errs, validateObject(path, schema, value)...)
	}
	if items := schema.Get("items"); items.Exists() && value.IsArray() {
		for i, v := range value.Array() {
			errs = append(errs, validate(path+"["+strconv.Itoa(i)+"]", items, v)...)
		}
	}
	return errs
}

func validateObject(path string, schema, value gjson.Result) []string {
	var errs []string
	props := schema.Get("properties")
	for _, r := range schema.Get("required").Array() {
		if v := value.Get(gjson.Escape(r.Str)); !v.Exists() || v.Type == gjson.Null {
			errs = append(errs, fmt.Sprintf("%s: missing required property %q", displayPath(path), r.Str))
		}
	}
	closed := schema.Get("additionalProperties").Type == gjson.False
	value.ForEach(func(k, v gjson.Result) bool {
		ps := props.Get(gjson.Escape(k.Str))
		switch {
		case v.Type == gjson.Null:
			// null is "absent", as for Parse (YAML "args:" with nothing after it)
		case ps.Exists():
			errs = append(errs, validate(join(path, k.Str), ps, v)...)
		case closed:
			errs = append(errs, fmt.Sprintf("%s: property not allowed", join(path, k.Str)))
		}
		return true
	})
	return errs
}

func hasType(v gjson.Result, t string) bool {
	switch t {
	case "object":
		return v.IsObject()
	case "array":
		return v.IsArray()
	case "string":
		return v.Type == gjson.String
	case "boolean":
		return v.Type == gjson.True || v.Type == gjson.False
	case "integer":
		return isInteger(v)
	case "number":
		return v.Type == gjson.Number
	}
	return false
}

func inEnum(v, enum gjson.Result) bool {
	for _, e := range enum.Array() {
		if e.Type == v.Type && e.Raw == v.Raw {
			return true
		}
	}
	return false
}

func displayPath(p string) string {
	if p == "" {
		return "(root)"
	}
	return p
}

// schemaMatchesTable compares a configSchema node with the key table: the same properties,
// JSON types, required keys and string enums at every level, a description on every property,
// and closed objects (additionalProperties: false) wherever Parse refuses unknown keys.
func schemaMatchesTable(path string, s gjson.Result, f *field) []string {
	var errs []string
	bad := func(format string, args ...any) {
		errs = append(errs, displayPath(path)+": "+fmt.Sprintf(format, args...))
	}
	want := map[kind]string{kString: "string", kBool: "boolean", kInt: "integer", kNumber: "number",
		kObject: "object", kArray: "array", kMap: "object"}[f.kind]
	if got := s.Get("type").Str; got != want {
		bad("type %q, the parser accepts %q", got, want)
	}
	if (f.kind == kMap || f.kind == kSchema || f.kind == kAny) != s.Get("x-kubernetes-preserve-unknown-fields").Bool() {
		bad("x-kubernetes-preserve-unknown-fields must be true exactly for free-form values")
	}
	if len(f.enum) > 0 && enumList(s.Get("enum")) != strings.Join(sorted(f.enum), ",") {
		bad("enum %s, the parser accepts %v", s.Get("enum").Raw, f.enum)
	}
	switch f.kind {
	case kObject:
		errs = append(errs, objectMatchesTable(path, s, f)...)
	case kArray:
		errs = append(errs, schemaMatchesTable(path+"[]", s.Get("items"), f.elem)...)
	}
	return errs
}

func objectMatchesTable(path string, s gjson.Result, f *field) []string {
	var errs []string
	if s.Get("additionalProperties").Type != gjson.False {
		errs = append(errs, displayPath(path)+": additionalProperties must be false (the parser refuses unknown keys)")
	}
	var keys, req []string
	for _, sub := range f.fields {
		if path == "" && strings.HasPrefix(sub.key, "_") {
			continue // wrapper keys: consumed by the wasm-go wrapper, not user configuration
		}
		keys = append(keys, sub.key)
		if sub.required {
			req = append(req, sub.key)
		}
		ps := s.Get("properties." + gjson.Escape(sub.key))
		if !ps.Exists() {
			continue
		}
		if ps.Get("description").Str == "" {
			errs = append(errs, join(path, sub.key)+": no description")
		}
		errs = append(errs, schemaMatchesTable(join(path, sub.key), ps, &f.fields[indexOf(f.fields, sub.key)])...)
	}
	var got []string
	s.Get("properties").ForEach(func(k, _ gjson.Result) bool { got = append(got, k.Str); return true })
	if a, b := strings.Join(sorted(got), ","), strings.Join(sorted(keys), ","); a != b {
		errs = append(errs, fmt.Sprintf("%s: properties [%s], the parser accepts [%s]", displayPath(path), a, b))
	}
	if a, b := enumList(s.Get("required")), strings.Join(sorted(req), ","); a != b {
		errs = append(errs, fmt.Sprintf("%s: required [%s], the parser requires [%s]", displayPath(path), a, b))
	}
	return errs
}

func indexOf(fs []field, key string) int {
	for i := range fs {
		if fs[i].key == key {
			return i
		}
	}
	return -1
}

func enumList(r gjson.Result) string {
	var out []string
	for _, v := range r.Array() {
		out = append(out, v.Str)
	}
	return strings.Join(sorted(out), ",")
}

func sorted(s []string) []string {
	out := append([]string(nil), s...)
	sort.Strings(out)
	return out
}
