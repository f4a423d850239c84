package rest

// ArgSpec is one tools[].args[] entry as decoded by pkg/config.
type ArgSpec struct {
	Path                    string // JSON path in the configuration ("tools[2].args[5]"); "" means tools[i].args[k] by position
	Name, Description, Type string // Type may be "", a JSON Schema type, or int/float/bool
	Required                bool
	Default                 []byte      // raw JSON or nil
	Enum                    []byte      // raw JSON array or nil
	Items                   []byte      // raw JSON or nil
	Properties              []byte      // raw JSON or nil
	Position                string      // "", query, path, header, cookie, body
	Extra                   [][2]string // other JSON Schema keywords: key, raw JSON
}

// HeaderSpec is one requestTemplate.headers[] entry.
type HeaderSpec struct{ Key, Value string }

// RequestTemplateSpec is a tool's requestTemplate.
type RequestTemplateSpec struct {
	URL, Method                                    string
	Headers                                        []HeaderSpec
	Body                                           string
	ArgsToJSONBody, ArgsToURLParam, ArgsToFormBody bool
}

// ResponseTemplateSpec is a tool's responseTemplate.
type ResponseTemplateSpec struct{ Body, PrependBody, AppendBody string }

// ToolSpec is one tools[] entry.
type ToolSpec struct {
	Name, Description     string
	Args                  []ArgSpec
	Request               *RequestTemplateSpec // nil: the tool answers locally from Response
	Response              ResponseTemplateSpec
	ErrorResponseTemplate string
	OutputSchema          []byte // raw JSON object or nil
}
