package mcp

import (
	"strconv"
	"unicode/utf8"

	"github.com/tidwall/gjson"
)

// maxEcho bounds any client-supplied text (method, tool name, version)
// quoted in an error message.
const maxEcho = 128

// ErrorResponse builds a JSON-RPC error response. id is the raw JSON id, nil
// for null; data is raw JSON or nil to omit it.
func ErrorResponse(id []byte, code int, msg string, data []byte) []byte {
	buf := make([]byte, 0, 64+len(id)+len(msg)+len(data))
	buf = appendHead(buf, id)
	buf = append(buf, `"error":{"code":`...)
	buf = strconv.AppendInt(buf, int64(code), 10)
	buf = append(buf, `,"message":`...)
	buf = gjson.AppendJSONString(buf, msg)
	if len(data) > 0 {
		buf = append(buf, `,"data":`...)
		buf = append(buf, data...)
	}
	return append(buf, '}', '}')
}

// appendHead appends `{"jsonrpc":"2.0","id":<id>,`.
func appendHead(buf, id []byte) []byte {
	buf = append(buf, `{"jsonrpc":"2.0","id":`...)
	if len(id) == 0 {
		buf = append(buf, "null"...)
	} else {
		buf = append(buf, id...)
	}
	return append(buf, ',')
}

// echo shortens client text for an error message, on a rune boundary.
func echo(s string) string {
	if len(s) <= maxEcho {
		return s
	}
	cut := maxEcho
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "..."
}

// appendServerInfo appends the Implementation object of info.
func appendServerInfo(buf []byte, info ServerInfo) []byte {
	buf = append(buf, `{"name":`...)
	buf = gjson.AppendJSONString(buf, info.Name)
	buf = append(buf, `,"version":`...)
	buf = gjson.AppendJSONString(buf, info.Version)
	if info.Title != "" {
		buf = append(buf, `,"title":`...)
		buf = gjson.AppendJSONString(buf, info.Title)
	}
	return append(buf, '}')
}

// appendVersionList appends a JSON array of the given versions.
func appendVersionList(buf []byte, versions []string) []byte {
	buf = append(buf, '[')
	for i, v := range versions {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = gjson.AppendJSONString(buf, v)
	}
	return append(buf, ']')
}

// unsupportedData is the data of CodeUnsupportedVersion. A requested value
// that does not look like a version is not echoed: it came from a header.
func unsupportedData(requested string) []byte {
	buf := make([]byte, 0, 128)
	buf = append(buf, `{"supported":`...)
	buf = appendVersionList(buf, supportedVersions[:])
	buf = append(buf, `,"requested":`...)
	if !versionLike(requested) {
		requested = "(not a version)"
	}
	buf = gjson.AppendJSONString(buf, requested)
	return append(buf, '}')
}

func versionLike(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-' || c == '.' || c == '_') {
			return false
		}
	}
	return true
}
