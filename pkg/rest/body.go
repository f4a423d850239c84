package rest

import (
	"bytes"
	"strings"

	"github.com/tidwall/gjson"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/internal/httpsyntax"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/internal/urlenc"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/template"
)

type bodyMode uint8

const (
	bodyNone     bodyMode = iota // body-position args (if any) become JSON, or a form with a form content-type
	bodyTemplate                 // requestTemplate.body
	bodyArgsJSON                 // argsToJsonBody
	bodyArgsForm                 // argsToFormBody
)

const (
	ctJSON = "application/json; charset=utf-8" // what Higress adds
	ctForm = "application/x-www-form-urlencoded"
)

// buildBody fills r.Body per the tool's body mode and adds the matching content-type.
func (t *Tool) buildBody(r *Request, call *Call) error {
	rp := t.req
	switch rp.mode {
	case bodyTemplate:
		ct, _ := r.Header("content-type")
		r.body.Reset(r.Body, rp.bodyJSON, containsFold(ct, "application/x-www-form-urlencoded"))
		err := rp.body.Render(&r.body, call)
		r.Body = r.body.Bytes()
		if err != nil {
			return t.templateFailure("requestTemplate.body", err)
		}
		// Higress labels a rendered body JSON when its own (raw) rendering is JSON; otherwise
		// the client's content-type stays (copyContentType), so do the same.
		if ct == "" && looksLikeJSON(r.Body) && (!r.body.Escaped() || t.rawBodyIsJSON(call)) {
			r.Headers = append(r.Headers, [2]string{"content-type", ctJSON})
		}
	case bodyArgsJSON:
		r.Body = t.appendArgsObject(r.Body[:0], call.vals, bodyOrUnplaced)
		r.addDefaultHeader("content-type", ctJSON)
	case bodyArgsForm:
		r.Body = t.appendForm(r.Body[:0], call.vals, bodyOrUnplaced)
		r.addDefaultHeader("content-type", ctForm)
	default:
		if !t.hasBodyArg(call.vals) {
			return nil
		}
		if ct, _ := r.Header("content-type"); containsFold(ct, "application/x-www-form-urlencoded") {
			r.Body = t.appendForm(r.Body[:0], call.vals, bodyOnly)
		} else {
			r.Body = t.appendArgsObject(r.Body[:0], call.vals, bodyOnly)
			r.addDefaultHeader("content-type", ctJSON)
		}
	}
	return nil
}

// rawBodyIsJSON renders the body template as Higress does, values pasted unescaped, and
// reports whether that is JSON. Only called when escaping changed a value, so rarely.
func (t *Tool) rawBodyIsJSON(call *Call) bool {
	var raw template.TextSink
	return t.req.body.Render(&raw, call) == nil && looksLikeJSON(raw.Bytes())
}

func bodyOrUnplaced(p position) bool { return p == posBody || p == posNone }
func bodyOnly(p position) bool       { return p == posBody }

func (t *Tool) hasBodyArg(vals []gjson.Result) bool {
	for i := range t.args {
		if t.args[i].pos == posBody && vals[i].Exists() {
			return true
		}
	}
	return false
}

// appendForm appends name=value&... (url.Values encoding, in argument order).
func (t *Tool) appendForm(dst []byte, vals []gjson.Result, keep func(position) bool) []byte {
	first := true
	for i := range t.args {
		if !vals[i].Exists() || !keep(t.args[i].pos) {
			continue
		}
		if !first {
			dst = append(dst, '&')
		}
		first = false
		dst = urlenc.AppendQuery(dst, t.args[i].name)
		dst = append(dst, '=')
		dst = urlenc.AppendQuery(dst, argText(vals[i]))
	}
	return dst
}

// addDefaultHeader adds the header unless one of that name is already set.
func (r *Request) addDefaultHeader(name, value string) {
	if _, ok := r.Header(name); !ok {
		r.Headers = append(r.Headers, [2]string{name, value})
	}
}

// looksLikeJSON is Higress's test for adding a JSON content-type to a rendered body.
func looksLikeJSON(b []byte) bool {
	b = bytes.TrimSpace(b)
	if len(b) < 2 {
		return false
	}
	if !(b[0] == '{' && b[len(b)-1] == '}' || b[0] == '[' && b[len(b)-1] == ']') {
		return false
	}
	return gjson.ValidBytes(b)
}

// startsJSON reports whether a body template's literal text starts like a JSON document.
func startsJSON(s string) bool {
	s = strings.TrimLeft(s, " \t\r\n")
	return s != "" && (s[0] == '{' || s[0] == '[')
}

func containsFold(s, sub string) bool {
	return strings.Contains(httpsyntax.Lower(s), sub)
}
