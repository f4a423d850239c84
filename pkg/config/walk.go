package config

import (
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/tidwall/gjson"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/configerr"
)

// notREST explains why the keys of Higress's other server kinds are refused.
const notREST = "this plugin serves REST tools only; Higress's mcp-proxy and toolSet servers are not supported"

// nonRESTKeys are the keys, by JSON path, that Higress reads only for its mcp-proxy servers
// (server.*) and composed toolSet servers (toolSet): a config using them is not a REST server.
var nonRESTKeys = map[string]bool{
	"toolSet":                 true,
	"server.transport":        true,
	"server.mcpServerURL":     true,
	"server.timeout":          true,
	"server.protocolStrategy": true,
}

// walkPath is where walk is in the document: the chain of the members and elements above it.
// Its string is built only for an error; building one per key visited was a fifth of the
// allocations of plugin start with a 1,000-tool configuration.
type walkPath struct {
	parent *walkPath // nil: the document
	key    string    // a member's key as errors show it (shownKey)
	elem   bool      // an array element: index, not key
	index  int
}

func (p *walkPath) String() string {
	switch {
	case p == nil:
		return ""
	case p.elem:
		return index(p.parent.String(), p.index)
	}
	return join(p.parent.String(), p.key)
}

// walk checks r against f: JSON types, unknown and duplicate keys, required keys and enums.
// It never quotes a value in its errors, only paths and key names.
func walk(p *walkPath, r gjson.Result, f *field) error {
	if r.Type == gjson.Null {
		if f.required {
			return configerr.Atf(p.String(), "is required")
		}
		return nil
	}
	switch f.kind {
	case kString:
		return walkString(p, r, f)
	case kBool:
		if r.Type != gjson.True && r.Type != gjson.False {
			return configerr.Atf(p.String(), "must be a boolean, not %s", typeName(r))
		}
	case kInt:
		if !isInteger(r) {
			return configerr.Atf(p.String(), "must be an integer, not %s", typeName(r))
		}
	case kNumber:
		if r.Type != gjson.Number {
			return configerr.Atf(p.String(), "must be a number, not %s", typeName(r))
		}
	case kObject:
		return walkObject(p, r, f.fields)
	case kArray:
		return walkArray(p, r, f.elem)
	case kMap:
		if !r.IsObject() {
			return configerr.Atf(p.String(), "must be an object, not %s", typeName(r))
		}
		return checkDuplicateKeys(p, r)
	case kSchema:
		if !r.IsObject() && r.Type != gjson.True && r.Type != gjson.False {
			return configerr.Atf(p.String(), "must be a JSON Schema (an object or a boolean), not %s", typeName(r))
		}
	}
	return nil
}

func walkString(p *walkPath, r gjson.Result, f *field) error {
	if r.Type != gjson.String {
		return configerr.Atf(p.String(), "must be a string, not %s", typeName(r))
	}
	if f.required && r.Str == "" {
		return configerr.Atf(p.String(), "must not be empty")
	}
	if len(f.enum) == 0 {
		return nil
	}
	for _, v := range f.enum {
		if strings.EqualFold(v, r.Str) {
			return nil
		}
	}
	if f.why != "" {
		return configerr.Atf(p.String(), "must be one of: %s (%s)", strings.Join(f.enum, ", "), f.why)
	}
	return configerr.Atf(p.String(), "must be one of: %s", strings.Join(f.enum, ", "))
}

func walkArray(p *walkPath, r gjson.Result, elem *field) error {
	if !r.IsArray() {
		return configerr.Atf(p.String(), "must be an array, not %s", typeName(r))
	}
	var err error
	ep := walkPath{parent: p, elem: true}
	r.ForEach(func(_, v gjson.Result) bool {
		if v.Type == gjson.Null {
			err = configerr.Atf(ep.String(), "must not be null")
		} else {
			err = walk(&ep, v, elem)
		}
		ep.index++
		return err == nil
	})
	return err
}

func walkObject(p *walkPath, r gjson.Result, fs []field) error {
	if !r.IsObject() {
		return configerr.Atf(p.String(), "must be an object, not %s", typeName(r))
	}
	// seen[i]: fs[i]'s key was met. A key not in fs ends the walk, so only fs's keys can repeat.
	var small [64]bool
	seen := small[:]
	if len(fs) > len(small) {
		seen = make([]bool, len(fs))
	}
	var err error
	kp := walkPath{parent: p}
	r.ForEach(func(k, v gjson.Result) bool {
		kp.key = shownKey(k.Str)
		i := slices.IndexFunc(fs, func(f field) bool { return f.key == k.Str })
		if i < 0 {
			err = unknownKey(kp.String(), k.Str, fs)
			return false
		}
		if seen[i] {
			err = configerr.Atf(kp.String(), "duplicate key")
			return false
		}
		seen[i] = true
		err = walk(&kp, v, &fs[i])
		return err == nil
	})
	if err != nil {
		return err
	}
	for i := range fs {
		if fs[i].required && !seen[i] {
			return configerr.Atf(join(p.String(), fs[i].key), "is required")
		}
	}
	return nil
}

func unknownKey(path, key string, fs []field) error {
	if nonRESTKeys[path] {
		return configerr.Atf(path, "unknown key: %s", notREST)
	}
	for i := range fs {
		if strings.EqualFold(fs[i].key, key) {
			return configerr.Atf(path, "unknown key (keys are case-sensitive: did you mean %q?)", fs[i].key)
		}
	}
	return configerr.Atf(path, "unknown key")
}

func checkDuplicateKeys(p *walkPath, r gjson.Result) error {
	seen := map[string]bool{}
	var err error
	r.ForEach(func(k, _ gjson.Result) bool {
		if seen[k.Str] {
			err = configerr.Atf(join(p.String(), shownKey(k.Str)), "duplicate key")
		}
		seen[k.Str] = true
		return err == nil
	})
	return err
}

// isInteger reports whether r is a JSON number with an integral value that a float64 holds exactly
// (configs converted through protobuf Struct carry every number as a double).
func isInteger(r gjson.Result) bool {
	if r.Type != gjson.Number {
		return false
	}
	if _, err := strconv.ParseInt(r.Raw, 10, 64); err == nil {
		return true
	}
	return !math.IsInf(r.Num, 0) && math.Trunc(r.Num) == r.Num && math.Abs(r.Num) <= 1<<53
}

func typeName(r gjson.Result) string {
	switch {
	case r.Type == gjson.String:
		return "a string"
	case r.Type == gjson.Number:
		return "a number"
	case r.Type == gjson.True || r.Type == gjson.False:
		return "a boolean"
	case r.IsArray():
		return "an array"
	case r.IsObject():
		return "an object"
	}
	return "null"
}

// join appends key to a JSON path.
func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func index(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }

// shownKey is a configuration key as error paths show it: an unknown key with spaces, colons,
// quotes or more than 64 bytes may be a pasted credential ("Authorization: Bearer ..."), so it
// is not repeated.
func shownKey(k string) string {
	if len(k) > 64 {
		return "(key not shown)"
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == '$') {
			return "(key not shown)"
		}
	}
	return k
}
