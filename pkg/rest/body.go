package rest

import (
	"bytes"
	"strings"

	"github.com/tidwall/gjson"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/internal/httpsyntax"
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

// bodySink renders a body template. In a JSON template (one starting with '{' or '['), values
// inside a JSON string literal are JSON-escaped; in a form template values are form-escaped;
// otherwise values are written as they are.
type bodySink struct {
	buf       []byte
	json      bool
	form      bool
	inStr     bool
	afterBack bool
}

func (b *bodySink) reset(buf []byte, json, form bool) {
	*b = bodySink{buf: buf[:0], json: json, form: form}
}

func (b *bodySink) failed() error { return nil }

func (b *bodySink) lit(s string) {
	b.buf = append(b.buf, s...)
	if b.json {
		b.scan(s)
	}
}

func (b *bodySink) hole(s string, arg int) { b.dyn(s, arg) }

func (b *bodySink) dyn(s string, _ int) {
	switch {
	case b.json && b.inStr:
		b.buf = appendJSONStringContent(b.buf, s)
	case b.form:
		b.buf = appendQueryEscape(b.buf, s)
	default:
		b.lit(s)
	}
}

// scan tracks whether the JSON written so far ends inside a string literal.
func (b *bodySink) scan(s string) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case !b.inStr:
			b.inStr = c == '"'
		case b.afterBack:
			b.afterBack = false
		case c == '\\':
			b.afterBack = true
		case c == '"':
			b.inStr = false
		}
	}
}

// buildBody fills r.Body per the tool's body mode and adds the matching content-type.
func (t *Tool) buildBody(r *Request, cc *callCtx) error {
	rp := t.req
	switch rp.mode {
	case bodyTemplate:
		ct, _ := r.Header("content-type")
		r.body.reset(r.Body, rp.bodyJSON, containsFold(ct, "application/x-www-form-urlencoded"))
		err := rp.body.render(&r.body, cc)
		r.Body = r.body.buf
		if err != nil {
			return templateFailure("requestTemplate.body", err)
		}
		if ct == "" && looksLikeJSON(r.Body) {
			r.Headers = append(r.Headers, [2]string{"content-type", ctJSON})
		}
	case bodyArgsJSON:
		r.Body = t.appendArgsObject(r.Body[:0], cc.vals, bodyOrUnplaced)
		r.addDefaultHeader("content-type", ctJSON)
	case bodyArgsForm:
		r.Body = t.appendForm(r.Body[:0], cc.vals, bodyOrUnplaced)
		r.addDefaultHeader("content-type", ctForm)
	default:
		if !t.hasBodyArg(cc.vals) {
			return nil
		}
		if ct, _ := r.Header("content-type"); containsFold(ct, "application/x-www-form-urlencoded") {
			r.Body = t.appendForm(r.Body[:0], cc.vals, bodyOnly)
		} else {
			r.Body = t.appendArgsObject(r.Body[:0], cc.vals, bodyOnly)
			r.addDefaultHeader("content-type", ctJSON)
		}
	}
	return nil
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
		dst = appendQueryEscape(dst, t.args[i].name)
		dst = append(dst, '=')
		dst = appendQueryEscape(dst, argText(vals[i]))
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

// startsJSON reports whether a body template's text starts like a JSON document.
func startsJSON(s string) bool {
	s = strings.TrimLeft(s, " \t\r\n")
	return s != "" && (s[0] == '{' || s[0] == '[')
}

func containsFold(s, sub string) bool {
	return strings.Contains(httpsyntax.Lower(s), sub)
}
