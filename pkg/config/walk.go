package config

import (
	"math"
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

// walk checks r against f: JSON types, unknown and duplicate keys, required keys and enums.
// It never quotes a value in its errors, only paths and key names.
func walk(path string, r gjson.Result, f *field) error {
	if r.Type == gjson.Null {
		if f.required {
			return configerr.Atf(path, "is required")
		}
		return nil
	}
	switch f.kind {
	case kString:
		return walkString(path, r, f)
	case kBool:
		if r.Type != gjson.True && r.Type != gjson.False {
			return configerr.Atf(path, "must be a boolean, not %s", typeName(r))
		}
	case kInt:
		if !isInteger(r) {
			return configerr.Atf(path, "must be an integer, not %s", typeName(r))
		}
	case kNumber:
		if r.Type != gjson.Number {
			return configerr.Atf(path, "must be a number, not %s", typeName(r))
		}
	case kObject:
		return walkObject(path, r, f.fields)
	case kArray:
		return walkArray(path, r, f.elem)
	case kMap:
		if !r.IsObject() {
			return configerr.Atf(path, "must be an object, not %s", typeName(r))
		}
		return checkDuplicateKeys(path, r)
	case kSchema:
		if !r.IsObject() && r.Type != gjson.True && r.Type != gjson.False {
			return configerr.Atf(path, "must be a JSON Schema (an object or a boolean), not %s", typeName(r))
		}
	}
	return nil
}

func walkString(path string, r gjson.Result, f *field) error {
	if r.Type != gjson.String {
		return configerr.Atf(path, "must be a string, not %s", typeName(r))
	}
	if f.required && r.Str == "" {
		return configerr.Atf(path, "must not be empty")
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
		return configerr.Atf(path, "must be one of: %s (%s)", strings.Join(f.enum, ", "), f.why)
	}
	return configerr.Atf(path, "must be one of: %s", strings.Join(f.enum, ", "))
}

func walkArray(path string, r gjson.Result, elem *field) error {
	if !r.IsArray() {
		return configerr.Atf(path, "must be an array, not %s", typeName(r))
	}
	var err error
	i := 0
	r.ForEach(func(_, v gjson.Result) bool {
		ep := path + "[" + strconv.Itoa(i) + "]"
		i++
		if v.Type == gjson.Null {
			err = configerr.Atf(ep, "must not be null")
		} else {
			err = walk(ep, v, elem)
		}
		return err == nil
	})
	return err
}

func walkObject(path string, r gjson.Result, fs []field) error {
	if !r.IsObject() {
		return configerr.Atf(path, "must be an object, not %s", typeName(r))
	}
	seen := make(map[string]bool, len(fs))
	var err error
	r.ForEach(func(k, v gjson.Result) bool {
		kp := join(path, shownKey(k.Str))
		if seen[k.Str] {
			err = configerr.Atf(kp, "duplicate key")
			return false
		}
		seen[k.Str] = true
		f := lookup(fs, k.Str)
		if f == nil {
			err = unknownKey(kp, k.Str, fs)
			return false
		}
		err = walk(kp, v, f)
		return err == nil
	})
	if err != nil {
		return err
	}
	for i := range fs {
		if fs[i].required && !seen[fs[i].key] {
			return configerr.Atf(join(path, fs[i].key), "is required")
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

func checkDuplicateKeys(path string, r gjson.Result) error {
	seen := map[string]bool{}
	var err error
	r.ForEach(func(k, _ gjson.Result) bool {
		if seen[k.Str] {
			err = configerr.Atf(join(path, shownKey(k.Str)), "duplicate key")
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
