package mcp

import (
	"slices"

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

// AppendResultOpen appends the JSON-RPC response to call up to its CallToolResult's own
// members: {"jsonrpc":"2.0","id":<id>,"result":{ and, for a modern call, the members
// WrapResult adds to a result that has neither resultType nor _meta, with their comma. The
// caller appends the result's members (at least one, none of them resultType or _meta), then
// CloseResult; room is how many bytes it expects to append, reserved with the envelope's in
// one allocation when dst is short. The bytes are those WrapResult makes of the same result, without building the
// result apart and copying it into the envelope: the plugin escapes the REST body straight
// into the message it sends.
func (s *Server) AppendResultOpen(dst []byte, call *Call, room int) []byte {
	dst = slices.Grow(dst, 40+len(call.ID)+len(s.callPrefix)+max(room, 0))
	dst = appendHead(dst, call.ID)
	dst = append(dst, `"result":{`...)
	if call.Era != Modern {
		return dst
	}
	dst = append(dst, s.callPrefix...)
	return append(dst, ',')
}

// CloseResult ends what AppendResultOpen began: the result object, then the message.
func CloseResult(dst []byte) []byte { return append(dst, '}', '}') }

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
