package rest

import (
	"github.com/tidwall/gjson"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/internal/jsonenc"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/template"
)

// CallError is a per-call refusal (bad arguments, a value that cannot be placed safely, a
// template that failed). Msg is meant for the tool result: it names arguments, never values.
type CallError struct{ Msg string }

func (e *CallError) Error() string { return e.Msg }

func callErr(msg string) *CallError { return &CallError{Msg: msg} }

// callCtx holds one call's resolved arguments and the lazily built template data.
type callCtx struct {
	tool      *Tool
	vals      []gjson.Result
	dataBuf   []byte
	dataState uint8 // 0 none, 1 built without _client, 2 built with _client
	client    [][2]string
	scratch   []byte

	// Set by ValidateArgsInto: vals already hold preTool's args resolved from preArgs.
	preTool *Tool
	preArgs string
	preType gjson.Type
}

func (cc *callCtx) reset(t *Tool, args gjson.Result, client [][2]string) {
	cc.tool, cc.client, cc.dataState = t, client, 0
	if cc.preTool == t && cc.preType == args.Type && cc.preArgs == args.Raw && len(cc.vals) == len(t.args) {
		cc.forget()
		return
	}
	cc.forget()
	cc.vals = t.resolveArgs(args, cc.vals)
}

// forget drops what ValidateArgsInto kept.
func (cc *callCtx) forget() {
	cc.preTool, cc.preArgs, cc.preType = nil, "", 0
}

// release drops the call's references to the caller's JSON and headers.
func (cc *callCtx) release() {
	clear(cc.vals)
	cc.client, cc.tool = nil, nil
	cc.forget()
}

// Arg returns the text of argument i as templates print it, and whether it has a value.
func (cc *callCtx) Arg(i int) (string, bool) {
	v := cc.vals[i]
	return argText(v), v.Exists()
}

// Data returns {"config":...,"args":{...}} (+ "_client" for getRealIP/getSocketIP), the data
// Higress gives request templates; args are the declared ones, with defaults applied.
func (cc *callCtx) Data(withClient bool) []byte {
	want := uint8(1)
	if withClient {
		want = 2
	}
	if cc.dataState >= want {
		return cc.dataBuf
	}
	b := append(cc.dataBuf[:0], `{"config":`...)
	b = append(b, cc.tool.config...)
	b = append(b, `,"args":`...)
	b = cc.tool.appendArgsObject(b, cc.vals, nil)
	if withClient {
		real, socket := clientAddresses(cc.client)
		b = append(b, `,"_client":{"realIP":`...)
		b = jsonenc.AppendString(b, real)
		b = append(b, `,"socketIP":`...)
		b = jsonenc.AppendString(b, socket)
		b = append(b, '}')
	}
	cc.dataBuf, cc.dataState = append(b, '}'), want
	return cc.dataBuf
}

var _ template.Values = (*callCtx)(nil)
