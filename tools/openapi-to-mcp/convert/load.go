package convert

import (
	"errors"
	"fmt"
	"strings"

	"github.com/pb33f/libopenapi"
	"github.com/pb33f/libopenapi/datamodel"
	"github.com/pb33f/libopenapi/datamodel/high/base"
	v3 "github.com/pb33f/libopenapi/datamodel/high/v3"
)

// ParseError is a document libopenapi could not read or build a model of.
type ParseError struct{ Msg string }

func (e *ParseError) Error() string { return "openapi: " + e.Msg }

// load parses data (YAML or JSON, any supported version) into the converter's view.
func load(data []byte, serverVars map[string]string) (*doc, error) {
	cfg := datamodel.NewDocumentConfiguration()
	// Only local references: a converter run must not reach the network or the file system.
	cfg.AllowRemoteReferences = false
	cfg.AllowFileReferences = false
	d, err := libopenapi.NewDocumentWithConfiguration(data, cfg)
	if err != nil {
		return nil, &ParseError{Msg: err.Error()}
	}
	info := d.GetSpecInfo()
	if info == nil {
		return nil, &ParseError{Msg: "not an OpenAPI or Swagger document"}
	}
	if strings.HasPrefix(info.Version, "2") {
		m, err := d.BuildV2Model()
		if m == nil {
			return nil, &ParseError{Msg: "swagger 2.0 model: " + errText(err)}
		}
		return fromV2(m.Model), nil
	}
	m, err := d.BuildV3Model()
	if m == nil {
		return nil, &ParseError{Msg: "openapi 3 model: " + errText(err)}
	}
	return fromV3(&m.Model, strings.HasPrefix(info.Version, "3.0"), serverVars), nil
}

// errText keeps the first error of a joined set: circular references are reported as errors by
// libopenapi, yet the model is built and the walker handles them.
func errText(err error) string {
	if err == nil {
		return "no model"
	}
	var j interface{ Unwrap() []error }
	if errors.As(err, &j) && len(j.Unwrap()) > 0 {
		return j.Unwrap()[0].Error()
	}
	return err.Error()
}

func fromV3(m *v3.Document, is30 bool, serverVars map[string]string) *doc {
	w := &schemaWalker{openAPI30: is30}
	d := &doc{schemes: map[string]*schemeDef{}}
	if m.Info != nil {
		d.title, d.description = m.Info.Title, m.Info.Description
	}
	if len(m.Servers) > 0 {
		d.serverURL = serverURL(m.Servers[0], serverVars)
	}
	if m.Components != nil && m.Components.SecuritySchemes != nil {
		for name, s := range m.Components.SecuritySchemes.FromOldest() {
			d.schemes[name] = schemeV3(name, s)
		}
	}
	if m.Paths == nil || m.Paths.PathItems == nil {
		return d
	}
	for path, item := range m.Paths.PathItems.FromOldest() {
		for method, op := range item.GetOperations().FromOldest() {
			o := &operation{method: strings.ToUpper(method), path: path, operationID: op.OperationId,
				summary: op.Summary, description: op.Description}
			o.params = paramsV3(w, item.Parameters, op.Parameters)
			o.body = bodyV3(w, op.RequestBody)
			o.output = outputV3(w, op.Responses)
			o.security = requirements(op.Security, m.Security)
			d.ops = append(d.ops, o)
		}
	}
	return d
}

// serverURL substitutes server variables: a value given by the caller, else the default.
func serverURL(s *v3.Server, vars map[string]string) string {
	u := s.URL
	if s.Variables != nil {
		for name, v := range s.Variables.FromOldest() {
			val := v.Default
			if x, ok := vars[name]; ok {
				val = x
			}
			u = strings.ReplaceAll(u, "{"+name+"}", val)
		}
	}
	return u
}

func schemeV3(name string, s *v3.SecurityScheme) *schemeDef {
	def := &schemeDef{name: name, typ: s.Type, scheme: strings.ToLower(s.Scheme), in: s.In, keyName: s.Name}
	if s.Flows != nil {
		for _, f := range []struct {
			n string
			f *v3.OAuthFlow
		}{{"authorizationCode", s.Flows.AuthorizationCode}, {"clientCredentials", s.Flows.ClientCredentials},
			{"implicit", s.Flows.Implicit}, {"password", s.Flows.Password}} {
			if f.f != nil {
				def.flows = append(def.flows, f.n)
			}
		}
		if cc := s.Flows.ClientCredentials; cc != nil {
			def.tokenURL, def.refresh = cc.TokenUrl, cc.RefreshUrl
		}
	}
	return def
}

// paramsV3 merges path-item and operation parameters; the operation's win (same name and in).
func paramsV3(w *schemaWalker, shared, own []*v3.Parameter) []param {
	var out []param
	idx := map[string]int{}
	for _, list := range [][]*v3.Parameter{shared, own} {
		for _, p := range list {
			if p == nil {
				continue
			}
			pr := param{name: p.Name, in: strings.ToLower(p.In), description: strings.TrimSpace(p.Description),
				required: p.Required != nil && *p.Required || p.In == "path"}
			switch {
			case p.Schema != nil:
				pr.schema = w.convert(p.Schema)
			case p.Content != nil && p.Content.Len() > 0:
				pr.schema = w.convert(p.Content.Oldest().Value.Schema)
			default:
				pr.schema = map[string]any{"type": "string"}
			}
			key := pr.in + "\x00" + pr.name
			if i, ok := idx[key]; ok {
				out[i] = pr
				continue
			}
			idx[key] = len(out)
			out = append(out, pr)
		}
	}
	return out
}

// bodyV3 picks the request body's media type: JSON first, then a form, then anything else.
func bodyV3(w *schemaWalker, rb *v3.RequestBody) *body {
	if rb == nil || rb.Content == nil || rb.Content.Len() == 0 {
		return nil
	}
	mt := pickMedia(orderedKeys(rb.Content))
	b := &body{media: mt, kind: mediaKind(mt), required: rb.Required != nil && *rb.Required,
		description: strings.TrimSpace(rb.Description)}
	if c := rb.Content.GetOrZero(mt); c != nil && c.Schema != nil {
		b.schema = w.convert(c.Schema)
	}
	return b
}

func pickMedia(media []string) string {
	for _, kind := range []string{"json", "form"} {
		for _, m := range media {
			if mediaKind(m) == kind {
				return m
			}
		}
	}
	return media[0]
}

func mediaKind(m string) string {
	m = strings.ToLower(strings.TrimSpace(strings.SplitN(m, ";", 2)[0]))
	switch {
	case m == "application/json" || strings.HasSuffix(m, "+json"):
		return "json"
	case m == "application/x-www-form-urlencoded":
		return "form"
	}
	return "other"
}

// outputV3 is the schema of the first 2xx JSON response, if it describes an object.
func outputV3(w *schemaWalker, r *v3.Responses) map[string]any {
	if r == nil || r.Codes == nil {
		return nil
	}
	for _, c := range sortedOrderedKeys(r.Codes) {
		resp := r.Codes.GetOrZero(c)
		if !strings.HasPrefix(c, "2") || resp == nil || resp.Content == nil {
			continue
		}
		for mt, content := range resp.Content.FromOldest() {
			if mediaKind(mt) == "json" && content.Schema != nil {
				return objectSchema(w.convert(content.Schema))
			}
		}
		return nil
	}
	return nil
}

// objectSchema returns s if it is an object schema (MCP's outputSchema must be), else nil.
func objectSchema(s map[string]any) map[string]any {
	if t, ok := s["type"].(string); ok && t == "object" {
		return s
	}
	return nil
}

// requirements resolves an operation's security: its own list when it has one (an empty list
// means none), else the document's.
func requirements(own, root []*base.SecurityRequirement) []requirement {
	list := root
	if own != nil {
		list = own
	}
	out := []requirement{}
	for _, r := range list {
		req := requirement{}
		if r != nil && r.Requirements != nil {
			for name, scopes := range r.Requirements.FromOldest() {
				req = append(req, schemeUse{name: name, scopes: append([]string(nil), scopes...)})
			}
		}
		out = append(out, req)
	}
	return out
}

func describeOp(o *operation) string {
	if o.operationID != "" {
		return fmt.Sprintf("%s (%s %s)", o.operationID, o.method, o.path)
	}
	return o.method + " " + o.path
}
