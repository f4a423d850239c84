package convert

// The plugin configuration the converter writes, in the order its keys are emitted.

// Config is a plugin configuration (server + tools).
type Config struct {
	Server Server
	Tools  []*Tool
}

// Server is the server block.
type Server struct {
	Name            string
	Description     string
	Config          map[string]any
	SecuritySchemes []*Scheme
}

// Scheme is one entry of server.securitySchemes. Raw, when set (a --template's schemes), is
// written instead of the fields.
type Scheme struct {
	ID, Type, Scheme, In, Name string
	DefaultCredential          string
	TokenURL, RefreshURL       string // oauth2 client credentials
	Scopes                     []string
	ClientID, ClientSecret     string
	Comment                    string
	Raw                        map[string]any
}

// Tool is one tool.
type Tool struct {
	Name         string
	Description  string
	Args         []*Arg
	Request      Request
	Response     *Response
	Security     map[string]any // tools[].security (only from a --template)
	OutputSchema map[string]any
	Comments     []string // written above the tool: what the conversion dropped
}

// Arg is one tool argument: Higress's keys plus further JSON Schema keywords.
type Arg struct {
	Name, Description, Type string
	Required                bool
	Position                string
	Schema                  map[string]any // other keywords (format, enum, default, items, ...)
}

// Request is requestTemplate.
type Request struct {
	URL, Method    string
	Headers        [][2]string
	Body           string
	ArgsToJSONBody bool
	ArgsToURLParam bool
	ArgsToFormBody bool
	Security       map[string]any // {id: ...}
}

// Response is responseTemplate.
type Response struct {
	Body        string `yaml:"body"`
	PrependBody string `yaml:"prependBody"`
	AppendBody  string `yaml:"appendBody"`
}
