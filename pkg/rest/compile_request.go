package rest

import (
	"net/url"
	"strings"

	"github.com/tidwall/gjson"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/internal/httpsyntax"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/internal/jsonenc"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/internal/urlenc"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/configerr"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/template"
)

var methods = map[string]bool{"GET": true, "POST": true, "PUT": true, "PATCH": true, "DELETE": true,
	"HEAD": true, "OPTIONS": true}

// requestPlan is how a tool's upstream request is built: the compiled requestTemplate.
type requestPlan struct {
	method         string
	url            *template.Template
	headers        []headerPlan
	mode           bodyMode
	body           *template.Template
	bodyJSON       bool // the body template is a JSON document
	argsToURLParam bool

	// Typical sizes of a call's Request, so Call.Build allocates each slice once.
	headerCap, queryCap, urlCap int
}

type headerPlan struct {
	name  string // lowercase
	value string // when tmpl is nil
	tmpl  *template.Template
}

func (c *compiler) compileRequest(spec *RequestTemplateSpec) error {
	p := c.path + ".requestTemplate"
	rp := &requestPlan{method: strings.ToUpper(spec.Method), argsToURLParam: spec.ArgsToURLParam}
	if !methods[rp.method] {
		return configerr.At(p+".method", "unsupported method "+configerr.Word(spec.Method)+" (want GET, POST, PUT, PATCH, DELETE, HEAD or OPTIONS)")
	}
	n := 0
	for _, b := range []bool{spec.ArgsToJSONBody, spec.ArgsToURLParam, spec.ArgsToFormBody} {
		if b {
			n++
		}
	}
	if n > 1 {
		return configerr.At(p, "only one of argsToJsonBody, argsToUrlParam and argsToFormBody can be true")
	}
	c.tool.req = rp
	if err := c.compileURL(p+".url", spec.URL); err != nil {
		return err
	}
	if err := c.compileHeaders(p+".headers", spec.Headers); err != nil {
		return err
	}
	if err := c.compileBody(p, spec); err != nil {
		return err
	}
	c.sizeRequest()
	return nil
}

// sizeRequest sets the request plan's typical sizes: the template headers and header/cookie
// args, plus accept, content-type, a few tracing headers and a credential; the template's query
// pairs and query args, plus a credential; the URL's literal text plus room for each value.
func (c *compiler) sizeRequest() {
	rp := c.tool.req
	rp.headerCap = len(rp.headers) + 6
	rp.queryCap = 1
	for i := range c.tool.args {
		switch a := &c.tool.args[i]; {
		case a.pos == posHeader, a.pos == posCookie:
			rp.headerCap++
		case a.pos == posQuery, a.pos == posNone && rp.argsToURLParam:
			rp.queryCap++
		}
	}
	n := 0
	for _, s := range rp.url.Texts() {
		n += len(s)
		if _, q, ok := strings.Cut(s, "?"); ok {
			rp.queryCap += 1 + strings.Count(q, "&")
		}
	}
	if _, values, fast := rp.url.Sample(""); fast {
		n += 32 * values
	} else {
		n += 64
	}
	rp.urlCap = n + 16
}

// template compiles the template at path (a JSON path, for errors and warnings).
func (c *compiler) template(path, name, src string, overBody bool) (*template.Template, error) {
	tp, err := template.Compile(name, src, template.Scope{
		Config:   c.config,
		Args:     c.tool.argNames(),
		OverBody: overBody,
		Warn:     func(msg string) { c.warn(path, msg) },
		Rand:     c.rand,
	})
	if err != nil {
		return nil, configerr.At(path, configerr.Masked(err.Error()))
	}
	return tp, nil
}

func (c *compiler) compileURL(p, src string) error {
	tp, err := c.template(p, "url", src, false)
	if err != nil {
		return err
	}
	c.tool.req.url = tp
	first := tp.FirstText()
	lf := strings.ToLower(first)
	if !strings.HasPrefix(first, "/") && !strings.HasPrefix(lf, "http://") && !strings.HasPrefix(lf, "https://") {
		return configerr.At(p, "must start with http://, https:// or / (after {{.config.x}} values are filled in)")
	}
	for _, s := range tp.Texts() {
		if strings.ContainsAny(s, "#\r\n") {
			return configerr.At(p, "must not contain a fragment (#) or a line break")
		}
	}
	sample, _, fast := tp.Sample("x")
	if !fast {
		return nil
	}
	if err := c.checkSampleURL(p, sample); err != nil {
		return err
	}
	tp.SplitPlaceholders(c.tool.pathArg)
	return nil
}

// checkSampleURL renders a fast-path URL with every value "x" and checks the result the way
// calls will be checked, plus net/url's parse (no userinfo, valid escapes).
func (c *compiler) checkSampleURL(p, sample string) error {
	if path, _, _ := strings.Cut(sample, "?"); strings.Contains(path, "{") {
		c.warnPlaceholders(p, path)
	}
	u, err := url.Parse(fillAllPlaceholders(sample))
	if err != nil {
		return configerr.At(p, "invalid URL: "+configerr.Masked(strings.TrimPrefix(err.Error(), "parse "+quote(fillAllPlaceholders(sample))+": ")))
	}
	if u.User != nil {
		return configerr.At(p, "must not contain userinfo (user@)")
	}
	if u.Host == "" && u.Scheme != "" {
		return configerr.At(p, "has no host")
	}
	if u.RawQuery != "" {
		if _, err := url.ParseQuery(strings.ReplaceAll(u.RawQuery, ";", "%3B")); err != nil {
			return configerr.At(p, "invalid query: "+configerr.Masked(err.Error()))
		}
	}
	if urlenc.HasDotSegment(u.EscapedPath()) {
		return configerr.At(p, "path must not contain \".\" or \"..\" segments")
	}
	return nil
}

// warnPlaceholders warns about {name} placeholders in the URL path that no path arg fills.
func (c *compiler) warnPlaceholders(p, path string) {
	for {
		i := strings.IndexByte(path, '{')
		if i < 0 {
			return
		}
		j := strings.IndexByte(path[i:], '}')
		if j < 0 {
			return
		}
		name := path[i+1 : i+j]
		if name != "" && isPlaceholderName(name) {
			if c.tool.pathArg(name) < 0 {
				c.warn(p, "placeholder {"+name+"} is not filled by an arg with position path; calls will be refused")
			}
		}
		path = path[i+j+1:]
	}
}

func fillAllPlaceholders(s string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '{')
		j := strings.IndexByte(s[max(i, 0):], '}')
		if i < 0 || j < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		b.WriteString("x")
		s = s[i+j+1:]
	}
}

func (c *compiler) compileHeaders(p string, specs []HeaderSpec) error {
	rp := c.tool.req
	seen := map[string]int{} // lowercase name -> index in specs
	for i, h := range specs {
		hp := index(p, i)
		if h.Key == "" {
			c.warn(hp+".key", "empty header key; the header is skipped (as in Higress)")
			continue
		}
		// The key is not quoted in errors: a malformed one may be a pasted credential.
		name := strings.ToLower(h.Key)
		if !httpsyntax.IsToken(h.Key) {
			return configerr.At(hp+".key", "is not a valid header name (an HTTP token: no spaces, colons or quotes)")
		}
		if forbiddenHeaders[name] {
			return configerr.At(hp+".key", "header "+quote(name)+" cannot be set by a template (it frames or routes the request)")
		}
		if j, dup := seen[name]; dup {
			return configerr.At(hp+".key", "duplicate header name (also "+index(p, j)+")")
		}
		seen[name] = i
		tp, err := c.template(hp+".value", "header", h.Value, false)
		if err != nil {
			return err
		}
		for _, s := range tp.Texts() {
			if httpsyntax.HasControl(s) {
				return configerr.At(hp+".value", "must not contain control characters (a tab aside)")
			}
		}
		hpl := headerPlan{name: name}
		if lit, ok := tp.Literal(); ok {
			hpl.value = lit
		} else {
			hpl.tmpl = tp
		}
		rp.headers = append(rp.headers, hpl)
	}
	for k := range c.tool.args {
		if a := &c.tool.args[k]; a.pos == posHeader && hasKey(seen, a.lname) {
			return configerr.At(c.argPaths[k]+".name", "header arg "+quote(a.name)+" is also a template header")
		}
	}
	return nil
}

func (c *compiler) compileBody(p string, spec *RequestTemplateSpec) error {
	rp := c.tool.req
	switch {
	case spec.Body != "":
		if spec.ArgsToJSONBody || spec.ArgsToFormBody {
			c.warn(p+".body", "body is set, so argsToJsonBody/argsToFormBody are ignored (as in Higress)")
		}
		tp, err := c.template(p+".body", "body", spec.Body, false)
		if err != nil {
			return err
		}
		rp.mode, rp.body, rp.bodyJSON = bodyTemplate, tp, startsJSON(tp.LiteralText())
	case spec.ArgsToJSONBody:
		rp.mode = bodyArgsJSON
	case spec.ArgsToFormBody:
		rp.mode = bodyArgsForm
	}
	return nil
}

func (c *compiler) compileResponse(spec ToolSpec, local bool) error {
	p := c.path + ".responseTemplate"
	r := spec.Response
	if r.Body != "" && (r.PrependBody != "" || r.AppendBody != "") {
		return configerr.At(p, "prependBody and appendBody cannot be used with body")
	}
	if local && r.Body == "" {
		return configerr.At(p+".body", "is required for a tool without requestTemplate.url")
	}
	c.tool.resp.prepend, c.tool.resp.append = r.PrependBody, r.AppendBody
	if r.Body != "" {
		tp, err := c.template(p+".body", "responseTemplate", r.Body, !local)
		if err != nil {
			return err
		}
		c.tool.resp.body = tp
	}
	if spec.ErrorResponseTemplate != "" {
		if local {
			c.warn(c.path+".errorResponseTemplate", "unused: the tool has no requestTemplate.url")
		}
		tp, err := c.template(c.path+".errorResponseTemplate", "errorResponseTemplate", spec.ErrorResponseTemplate, true)
		if err != nil {
			return err
		}
		c.tool.resp.errBody = tp
	}
	return c.checkOutputSchema(spec)
}

func (c *compiler) checkOutputSchema(spec ToolSpec) error {
	if spec.OutputSchema == nil {
		return nil
	}
	s := gjson.ParseBytes(spec.OutputSchema)
	if !gjson.ValidBytes(spec.OutputSchema) || !s.IsObject() {
		return configerr.At(c.path+".outputSchema", "must be a JSON object")
	}
	c.tool.outSchema = jsonenc.Compact(s.Raw) != "{}"
	r := spec.Response
	if c.tool.outSchema && spec.Request != nil && spec.Request.URL != "" && (r.Body != "" || r.PrependBody != "" || r.AppendBody != "") {
		c.warn(c.path+".responseTemplate", "with outputSchema, a JSON object response is returned as is "+
			"(text and structuredContent); the response template applies only to other responses")
	}
	return nil
}

func hasKey(m map[string]int, k string) bool {
	_, ok := m[k]
	return ok
}
