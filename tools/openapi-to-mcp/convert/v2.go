package convert

import (
	"strings"

	v2 "github.com/pb33f/libopenapi/datamodel/high/v2"
)

// fromV2 reads a Swagger 2.0 document: the base URL is scheme://host+basePath, non-body
// parameters carry their schema inline, and the body is one "in: body" parameter.
func fromV2(m v2.Swagger) *doc {
	w := &schemaWalker{openAPI30: true}
	d := &doc{schemes: map[string]*schemeDef{}}
	if m.Info != nil {
		d.title, d.description = m.Info.Title, m.Info.Description
	}
	d.serverURL = baseURLV2(m)
	if m.SecurityDefinitions != nil && m.SecurityDefinitions.Definitions != nil {
		for name, s := range m.SecurityDefinitions.Definitions.FromOldest() {
			d.schemes[name] = schemeV2(name, s)
		}
	}
	if m.Paths == nil || m.Paths.PathItems == nil {
		return d
	}
	for path, item := range m.Paths.PathItems.FromOldest() {
		for _, mo := range []struct {
			method string
			op     *v2.Operation
		}{{"GET", item.Get}, {"PUT", item.Put}, {"POST", item.Post}, {"DELETE", item.Delete},
			{"OPTIONS", item.Options}, {"HEAD", item.Head}, {"PATCH", item.Patch}} {
			op := mo.op
			if op == nil {
				continue
			}
			o := &operation{method: mo.method, path: path, operationID: op.OperationId,
				summary: op.Summary, description: op.Description}
			consumes := op.Consumes
			if len(consumes) == 0 {
				consumes = m.Consumes
			}
			o.params, o.body = paramsV2(w, item.Parameters, op.Parameters, consumes)
			o.output = outputV2(w, op.Responses)
			o.security = requirements(op.Security, m.Security)
			d.ops = append(d.ops, o)
		}
	}
	return d
}

func baseURLV2(m v2.Swagger) string {
	if m.Host == "" {
		return m.BasePath
	}
	scheme := "https"
	if len(m.Schemes) > 0 && !contains(m.Schemes, "https") {
		scheme = m.Schemes[0]
	}
	return scheme + "://" + m.Host + strings.TrimSuffix(m.BasePath, "/")
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// schemeV2 maps Swagger's basic/apiKey/oauth2 onto the 3.x vocabulary (flow "application" is
// client credentials).
func schemeV2(name string, s *v2.SecurityScheme) *schemeDef {
	def := &schemeDef{name: name, typ: s.Type, in: s.In, keyName: s.Name}
	switch s.Type {
	case "basic":
		def.typ, def.scheme = "http", "basic"
	case "oauth2":
		flow := map[string]string{"application": "clientCredentials", "accessCode": "authorizationCode",
			"implicit": "implicit", "password": "password"}[s.Flow]
		def.flows = []string{flow}
		if flow == "clientCredentials" {
			def.tokenURL = s.TokenUrl
		}
	}
	return def
}

func paramsV2(w *schemaWalker, shared, own []*v2.Parameter, consumes []string) ([]param, *body) {
	var out []param
	var b *body
	var form []param
	idx := map[string]int{}
	for _, list := range [][]*v2.Parameter{shared, own} {
		for _, p := range list {
			if p == nil {
				continue
			}
			in := strings.ToLower(p.In)
			required := p.Required != nil && *p.Required
			if in == "body" {
				b = &body{media: "application/json", kind: "json", required: required,
					description: strings.TrimSpace(p.Description), schema: w.convert(p.Schema)}
				continue
			}
			pr := param{name: p.Name, in: in, description: strings.TrimSpace(p.Description),
				required: required || in == "path", schema: paramSchemaV2(p)}
			if in == "formdata" {
				form = append(form, pr)
				continue
			}
			key := in + "\x00" + pr.name
			if i, ok := idx[key]; ok {
				out[i] = pr
				continue
			}
			idx[key] = len(out)
			out = append(out, pr)
		}
	}
	if len(form) > 0 && b == nil {
		b = formBodyV2(form, consumes)
	}
	return out, b
}

// formBodyV2 gathers formData parameters into one object body.
func formBodyV2(form []param, consumes []string) *body {
	media := "application/x-www-form-urlencoded"
	if contains(consumes, "multipart/form-data") && !contains(consumes, media) {
		media = "multipart/form-data"
	}
	props := map[string]any{}
	var req []string
	for _, p := range form {
		s := p.schema
		if p.description != "" {
			s["description"] = p.description
		}
		props[p.name] = s
		if p.required {
			req = append(req, p.name)
		}
	}
	s := map[string]any{"type": "object", "properties": props}
	if len(req) > 0 {
		s["required"] = req
	}
	return &body{media: media, kind: mediaKind(media), schema: s, required: len(req) > 0}
}

func paramSchemaV2(p *v2.Parameter) map[string]any {
	m := map[string]any{}
	t := p.Type
	if t == "file" {
		t = "string"
		m["format"] = "binary"
	}
	setStr(m, "type", t)
	setStr(m, "format", p.Format)
	setStr(m, "pattern", p.Pattern)
	if len(p.Enum) > 0 {
		var e []any
		for _, n := range p.Enum {
			e = append(e, decodeNode(n))
		}
		m["enum"] = e
	}
	if p.Default != nil {
		m["default"] = decodeNode(p.Default)
	}
	for k, v := range map[string]*int{"minimum": p.Minimum, "maximum": p.Maximum, "minLength": p.MinLength,
		"maxLength": p.MaxLength, "minItems": p.MinItems, "maxItems": p.MaxItems} {
		if v != nil {
			m[k] = *v
		}
	}
	if p.Items != nil {
		m["items"] = itemsV2(p.Items)
	}
	return m
}

func itemsV2(it *v2.Items) map[string]any {
	m := map[string]any{}
	setStr(m, "type", it.Type)
	setStr(m, "format", it.Format)
	if len(it.Enum) > 0 {
		var e []any
		for _, n := range it.Enum {
			e = append(e, decodeNode(n))
		}
		m["enum"] = e
	}
	if it.Default != nil {
		m["default"] = decodeNode(it.Default)
	}
	if it.Items != nil {
		m["items"] = itemsV2(it.Items)
	}
	return m
}

func outputV2(w *schemaWalker, r *v2.Responses) map[string]any {
	if r == nil || r.Codes == nil {
		return nil
	}
	for _, c := range sortedOrderedKeys(r.Codes) {
		if resp := r.Codes.GetOrZero(c); strings.HasPrefix(c, "2") && resp != nil {
			if resp.Schema == nil {
				return nil
			}
			return objectSchema(w.convert(resp.Schema))
		}
	}
	return nil
}
