package rest

import "strconv"

// Tool is a compiled tool: its arguments, a request plan (nil for a tool answered locally) and
// a response plan. It is immutable and safe for concurrent use.
type Tool struct {
	name      string
	args      []arg
	config    string // server.config, compact JSON object
	req       *requestPlan
	resp      responsePlan
	outSchema bool
	listEntry []byte
}

// Name returns the tool name.
func (t *Tool) Name() string { return t.name }

// ListEntry returns the tool's tools/list entry: {"name","description","inputSchema"
// (,"outputSchema")}. The slice is shared: do not modify it.
func (t *Tool) ListEntry() []byte { return t.listEntry }

// HasUpstream reports whether calls go upstream; false: answer with LocalResult.
func (t *Tool) HasUpstream() bool { return t.req != nil }

// Carrier is where an argument is sent: In is "header", "query" or "cookie"; Name is lowercase
// for headers.
type Carrier struct{ In, Name string }

// ArgCarriers lists where header, query and cookie arguments land (argsToUrlParam included).
func (t *Tool) ArgCarriers() []Carrier {
	var out []Carrier
	for i := range t.args {
		a := &t.args[i]
		switch {
		case a.pos == posHeader:
			out = append(out, Carrier{In: "header", Name: a.lname})
		case a.pos == posCookie:
			out = append(out, Carrier{In: "cookie", Name: a.name})
		case a.pos == posQuery, a.pos == posNone && t.req != nil && t.req.argsToURLParam:
			out = append(out, Carrier{In: "query", Name: a.name})
		}
	}
	return out
}

// UsesClientAddress reports whether a request template calls getRealIP or getSocketIP, so the
// plugin should pass x-forwarded-for and SourceAddressHeader in Call.Build's clientHeaders.
func (t *Tool) UsesClientAddress() bool {
	if t.req == nil {
		return false
	}
	uses := t.req.url.UsesClient() || t.req.body != nil && t.req.body.UsesClient()
	for _, h := range t.req.headers {
		uses = uses || h.tmpl != nil && h.tmpl.UsesClient()
	}
	return uses
}

func quote(s string) string { return strconv.Quote(s) }

func index(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }
