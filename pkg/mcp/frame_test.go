package mcp

import (
	"testing"
)

const (
	cParse   = "-32700"
	cInvReq  = "-32600"
	cNoMeth  = "-32601"
	cParams  = "-32602"
	cHeader  = "-32020"
	cVersion = "-32022"
)

func TestHandleFraming(t *testing.T) {
	invalid := func(name, body, id, msg string) handleCase {
		return handleCase{name: name, body: body, kind: Reply, status: 400, code: CodeInvalidRequest, want: errJSON(id, cInvReq, msg)}
	}
	runHandleCases(t, []handleCase{
		{name: "not json", body: `{"jsonrpc":"2.0",`, kind: Reply, status: 400, code: CodeParseError,
			want: errJSON("null", cParse, "Parse error: body is not valid JSON")},
		{name: "empty body", body: ``, kind: Reply, status: 400, code: CodeParseError,
			want: errJSON("null", cParse, "Parse error: body is not valid JSON")},
		{name: "trailing garbage", body: `{"jsonrpc":"2.0","id":1,"method":"ping"} x`, kind: Reply, status: 400, code: CodeParseError,
			want: errJSON("null", cParse, "Parse error: body is not valid JSON")},
		invalid("batch", `[{"jsonrpc":"2.0","id":1,"method":"ping"}]`, "null", "Invalid Request: batch requests are not supported"),
		invalid("empty batch", `[]`, "null", "Invalid Request: batch requests are not supported"),
		invalid("string", `"ping"`, "null", "Invalid Request: message must be a JSON object"),
		invalid("number", `42`, "null", "Invalid Request: message must be a JSON object"),
		invalid("null", `null`, "null", "Invalid Request: message must be a JSON object"),
		invalid("missing jsonrpc", `{"id":7,"method":"ping"}`, "7", `Invalid Request: jsonrpc must be "2.0"`),
		invalid("jsonrpc 1.0", `{"jsonrpc":"1.0","id":"a","method":"ping"}`, `"a"`, `Invalid Request: jsonrpc must be "2.0"`),
		invalid("jsonrpc number", `{"jsonrpc":2.0,"id":7,"method":"ping"}`, "7", `Invalid Request: jsonrpc must be "2.0"`),
		invalid("method missing", `{"jsonrpc":"2.0","id":7}`, "7", "Invalid Request: missing method"),
		invalid("method number", `{"jsonrpc":"2.0","id":7,"method":5}`, "7", "Invalid Request: method must be a string"),
		invalid("method null", `{"jsonrpc":"2.0","id":7,"method":null}`, "7", "Invalid Request: method must be a string"),
		invalid("params array", `{"jsonrpc":"2.0","id":7,"method":"ping","params":[1]}`, "7", "Invalid Request: params must be an object"),
		invalid("params null", `{"jsonrpc":"2.0","id":7,"method":"ping","params":null}`, "7", "Invalid Request: params must be an object"),
		invalid("params string", `{"jsonrpc":"2.0","id":7,"method":"ping","params":"x"}`, "7", "Invalid Request: params must be an object"),
		invalid("duplicate method", `{"jsonrpc":"2.0","id":7,"method":"ping","method":"tools/list"}`, "7", `Invalid Request: duplicate "method" member`),
		invalid("duplicate id", `{"jsonrpc":"2.0","id":7,"id":8,"method":"ping"}`, "null", `Invalid Request: duplicate "id" member`),
		invalid("escaped duplicate key", `{"jsonrpc":"2.0","id":7,"method":"ping","m\u0065thod":"x"}`, "7", `Invalid Request: duplicate "method" member`),
		invalid("notification bad params", `{"jsonrpc":"2.0","method":"notifications/initialized","params":[]}`, "null", "Invalid Request: params must be an object"),
		invalid("notification bad jsonrpc", `{"method":"notifications/initialized"}`, "null", `Invalid Request: jsonrpc must be "2.0"`),
	})
}

func TestHandleIDKinds(t *testing.T) {
	ping := func(id string) string { return `{"jsonrpc":"2.0","id":` + id + `,"method":"ping"}` }
	pong := func(id string) string { return `{"jsonrpc":"2.0","id":` + id + `,"result":{}}` }
	okCase := func(name, id string) handleCase {
		return handleCase{name: name, body: ping(id), kind: Reply, status: 200, method: MethodPing, want: pong(id)}
	}
	bad := func(name, id, msg string) handleCase {
		return handleCase{name: name, body: ping(id), kind: Reply, status: 400, code: CodeInvalidRequest, want: errJSON("null", cInvReq, msg)}
	}
	const wrongType = "Invalid Request: id must be a string or an integer"
	runHandleCases(t, []handleCase{
		okCase("string", `"req-1"`),
		okCase("empty string", `""`),
		okCase("escaped string", `"a\"b\u00e9"`),
		okCase("zero", `0`),
		okCase("negative", `-12`),
		okCase("beyond int64", `123456789012345678901234567890`),
		bad("null", `null`, "Invalid Request: id must not be null"),
		bad("float", `1.5`, wrongType),
		bad("integral float", `1.0`, wrongType),
		bad("exponent", `1e3`, wrongType),
		bad("object", `{"a":1}`, wrongType),
		bad("array", `[1]`, wrongType),
		bad("bool", `true`, wrongType),
	})
}

func TestHandleNotificationsAndResponses(t *testing.T) {
	accepted := func(name string, h Headers, body, method string) handleCase {
		return handleCase{name: name, h: h, body: body, kind: Accepted, method: method}
	}
	runHandleCases(t, []handleCase{
		accepted("initialized", Headers{}, `{"jsonrpc":"2.0","method":"notifications/initialized"}`, NotificationInitialized),
		accepted("initialized with legacy header", Headers{ProtocolVersion: Version20250618}, `{"jsonrpc":"2.0","method":"notifications/initialized"}`, NotificationInitialized),
		accepted("cancelled", Headers{}, `{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":3}}`, NotificationCancelled),
		accepted("unknown notification", Headers{}, `{"jsonrpc":"2.0","method":"notifications/whatever"}`, ""),
		accepted("modern notification", mh("notifications/x", ""), `{"jsonrpc":"2.0","method":"notifications/x","params":{`+modernMeta+`}}`, ""),
		accepted("notification named like a request", Headers{}, `{"jsonrpc":"2.0","method":"tools/call","params":{"name":"admin_reset"}}`, MethodToolsCall),
		accepted("result response", Headers{}, `{"jsonrpc":"2.0","id":5,"result":{}}`, ""),
		accepted("error response", Headers{}, `{"jsonrpc":"2.0","id":"x","error":{"code":-1,"message":"no"}}`, ""),
		accepted("error response null id", Headers{}, `{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error"}}`, ""),
		{name: "notification with unsupported version header", h: Headers{ProtocolVersion: "1999-01-01"},
			body: `{"jsonrpc":"2.0","method":"notifications/initialized"}`, kind: Reply, status: 400,
			code: CodeUnsupportedVersion, method: NotificationInitialized,
			want: `{"jsonrpc":"2.0","id":null,"error":{"code":-32022,"message":"Unsupported protocol version",` +
				`"data":{"supported":` + supportedJSON + `,"requested":"1999-01-01"}}}`},
		{name: "response with bad jsonrpc", body: `{"id":5,"result":{}}`, kind: Reply, status: 400, code: CodeInvalidRequest,
			want: errJSON("5", cInvReq, `Invalid Request: jsonrpc must be "2.0"`)},
	})
}
