// Package convert turns an OpenAPI document (3.0, 3.1 or Swagger 2.0, parsed by libopenapi) into
// an mcp-rest-bridge plugin configuration: one tool per operation, security schemes translated
// into server.securitySchemes with ${ENV} placeholders, and a warning for everything that could
// not be expressed. The package never invents a credential.
package convert

// doc is the version-independent view of an OpenAPI document that the converter works on; the
// v2 and v3 loaders fill it, so the conversion itself is written once.
type doc struct {
	title       string
	description string
	serverURL   string // the first server, variables substituted; may be relative
	schemes     map[string]*schemeDef
	ops         []*operation
}

// schemeDef is one security scheme of the document.
type schemeDef struct {
	name     string
	typ      string // apiKey, http, oauth2, openIdConnect, mutualTLS
	scheme   string // http: basic, bearer, ...
	in       string // apiKey: header, query, cookie
	keyName  string // apiKey: the header, query or cookie name
	tokenURL string // oauth2: the client credentials flow's token URL ("" if there is none)
	refresh  string
	flows    []string // oauth2: the flows the document declares
}

// requirement is one security alternative: every listed scheme at once (AND).
type requirement []schemeUse

type schemeUse struct {
	name   string
	scopes []string
}

// operation is one path + method.
type operation struct {
	method      string // upper case
	path        string
	operationID string
	summary     string
	description string
	params      []param
	body        *body
	security    []requirement // already defaulted from the root; empty: none
	output      map[string]any
}

type param struct {
	name        string
	in          string // path, query, header, cookie
	description string
	required    bool
	schema      map[string]any
}

type body struct {
	media       string // the media type chosen
	kind        string // json, form, other
	schema      map[string]any
	required    bool
	description string
}
