package mcp

import (
	"github.com/tidwall/gjson"
)

// WrapResult builds the JSON-RPC response for the CallToolResult object of
// call, appending into one buffer. Modern results get resultType "complete"
// (2026-07-28 basic/index "ResultType") and _meta serverInfo (basic/index
// "_meta", per-response fields) unless result already has those members.
// A result that is not a JSON object is answered with -32603; its contents
// are not validated further (it comes from our own rest package).
func (s *Server) WrapResult(call *Call, result []byte) []byte {
	obj := trimSpace(result)
	if len(obj) < 2 || obj[0] != '{' || obj[len(obj)-1] != '}' {
		return ErrorResponse(call.ID, CodeInternalError, "Internal error: tool result is not a JSON object", nil)
	}
	buf := make([]byte, 0, 32+len(call.ID)+len(s.callPrefix)+len(obj))
	buf = appendHead(buf, call.ID)
	buf = append(buf, `"result":`...)
	if call.Era != Modern {
		buf = append(buf, obj...)
		return append(buf, '}')
	}
	hasType, hasMeta := resultMembers(obj)
	buf = append(buf, '{')
	start := len(buf)
	switch {
	case !hasType && !hasMeta:
		buf = append(buf, s.callPrefix...)
	case !hasType:
		buf = append(buf, `"resultType":"`+ResultTypeComplete+`"`...)
	case !hasMeta:
		buf = append(buf, s.meta...)
	}
	if inner := trimSpace(obj[1 : len(obj)-1]); len(inner) > 0 {
		if len(buf) > start {
			buf = append(buf, ',')
		}
		buf = append(buf, inner...)
	}
	return append(buf, '}', '}')
}

// resultMembers reports whether obj has top-level resultType and _meta.
func resultMembers(obj []byte) (hasType, hasMeta bool) {
	gjson.Parse(bodyString(obj)).ForEach(func(k, _ gjson.Result) bool {
		switch k.Str {
		case "resultType":
			hasType = true
		case "_meta":
			hasMeta = true
		}
		return true
	})
	return hasType, hasMeta
}

func trimSpace(b []byte) []byte {
	for len(b) > 0 && isSpace(b[0]) {
		b = b[1:]
	}
	for len(b) > 0 && isSpace(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return b
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }
