package mcp

import (
	"unsafe"

	"github.com/tidwall/gjson"
)

// msgKind classifies a well-formed JSON-RPC message.
type msgKind uint8

const (
	kindRequest      msgKind = iota + 1 // has id and method
	kindNotification                    // method, no id
	kindResponse                        // result or error, no method
)

// message is one parsed JSON-RPC message. Its gjson values alias the body.
type message struct {
	kind   msgKind
	id     []byte // raw id (request only), copied
	method string // aliases the body
	params gjson.Result
}

// Top-level members we read, in one pass.
const (
	mJSONRPC = iota
	mID
	mMethod
	mParams
	mResult
	mError
	mCount
)

var topKeys = [mCount]string{"jsonrpc", "id", "method", "params", "result", "error"}

// bodyString views body as a string without copying. gjson values derived
// from it alias body, which the caller must keep unmodified.
func bodyString(body []byte) string {
	if len(body) == 0 {
		return ""
	}
	return unsafe.String(unsafe.SliceData(body), len(body))
}

// parseMessage checks JSON-RPC 2.0 framing (MCP flavour: one message per
// POST, id string or integer, params an object). body must have passed
// jsonscan (valid JSON, bounded depth). ok false: out is the reply.
func parseMessage(body []byte) (msg message, out Outcome, ok bool) {
	root := gjson.Parse(bodyString(body))
	switch {
	case root.IsArray():
		return msg, framingError(nil, CodeInvalidRequest, "Invalid Request: batch requests are not supported"), false
	case !root.IsObject():
		return msg, framingError(nil, CodeInvalidRequest, "Invalid Request: message must be a JSON object"), false
	}
	var m [mCount]gjson.Result
	dup := fields(root, topKeys[:], m[:])
	id := usableID(m[mID])
	if dup >= 0 {
		if dup == mID {
			id = nil
		}
		return msg, framingError(id, CodeInvalidRequest, `Invalid Request: duplicate "`+topKeys[dup]+`" member`), false
	}
	if m[mJSONRPC].Type != gjson.String || m[mJSONRPC].Str != "2.0" {
		return msg, framingError(id, CodeInvalidRequest, `Invalid Request: jsonrpc must be "2.0"`), false
	}
	if !m[mMethod].Exists() {
		if m[mResult].Exists() || m[mError].Exists() {
			return message{kind: kindResponse}, out, true
		}
		return msg, framingError(id, CodeInvalidRequest, "Invalid Request: missing method"), false
	}
	return classify(m[:], id)
}

// classify finishes framing once jsonrpc and method presence are known.
func classify(m []gjson.Result, id []byte) (msg message, out Outcome, ok bool) {
	if m[mID].Exists() && id == nil {
		reason := "Invalid Request: id must be a string or an integer"
		if m[mID].Type == gjson.Null {
			reason = "Invalid Request: id must not be null"
		}
		return msg, framingError(nil, CodeInvalidRequest, reason), false
	}
	if m[mMethod].Type != gjson.String {
		return msg, framingError(id, CodeInvalidRequest, "Invalid Request: method must be a string"), false
	}
	if m[mParams].Exists() && !m[mParams].IsObject() {
		return msg, framingError(id, CodeInvalidRequest, "Invalid Request: params must be an object"), false
	}
	msg = message{kind: kindNotification, method: m[mMethod].Str, params: m[mParams]}
	if id != nil {
		msg.kind = kindRequest
		msg.id = id
	}
	return msg, out, true
}

// usableID returns a copy of the raw id if it is a string or an integer.
func usableID(id gjson.Result) []byte {
	switch id.Type {
	case gjson.String:
	case gjson.Number:
		if !isInteger(id.Raw) {
			return nil
		}
	default:
		return nil
	}
	return []byte(id.Raw)
}

// isInteger reports whether a JSON number literal has no fraction or exponent.
func isInteger(raw string) bool {
	for i := 0; i < len(raw); i++ {
		if c := raw[i]; c == '.' || c == 'e' || c == 'E' {
			return false
		}
	}
	return raw != ""
}

// fields reads the members named keys of obj into out in one pass. It
// returns the index of a key that occurs more than once, or -1.
func fields(obj gjson.Result, keys []string, out []gjson.Result) int {
	dup := -1
	obj.ForEach(func(k, v gjson.Result) bool {
		for i, name := range keys {
			if k.Str == name {
				if out[i].Exists() {
					dup = i
					return false
				}
				out[i] = v
				break
			}
		}
		return true
	})
	return dup
}

// framingError replies to a message we could not accept. The transport
// wants an HTTP error status for a rejected message (2025-11-25 transports
// "Sending Messages to the Server" item 4; 2026-07-28 streamable-http
// "Sending Messages" item 5); 400 it is, for requests too.
func framingError(id []byte, code int, msg string) Outcome {
	return replyError(400, id, code, msg, nil, "")
}

// replyError builds a Reply outcome carrying a JSON-RPC error.
func replyError(status int, id []byte, code int, msg string, data []byte, method string) Outcome {
	return Outcome{
		Kind:        Reply,
		Status:      status,
		ContentType: ContentTypeJSON,
		Body:        ErrorResponse(id, code, msg, data),
		Code:        code,
		Method:      method,
	}
}
