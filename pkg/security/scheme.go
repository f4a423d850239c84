package security

import (
	"encoding/base64"
	"strconv"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/internal/httpsyntax"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/configerr"
)

// SchemeSpec is one server.securitySchemes[] entry as written in the config.
type SchemeSpec struct {
	ID, Type, Scheme, In, Name, DefaultCredential string
	HasDefault                                    bool // defaultCredential key present
	// OAuth2Flow is the flow of a type oauth2 scheme: "client_credentials" or
	// "token_exchange" (pkg/config validates the flows block and sets it).
	OAuth2Flow string
	// ConsumerCredentials are the consumerCredentials entries; HasConsumers: the key is present.
	ConsumerCredentials []ConsumerCredential
	HasConsumers        bool
}

type kind uint8

const (
	kindBasic kind = iota + 1
	kindBearer
	kindAPIKey
)

type place uint8

const (
	inHeader place = iota + 1
	inQuery
	inCookie
)

// Scheme is a compiled, immutable security scheme.
type Scheme struct {
	id    string
	kind  kind
	in    place
	name  string // as configured ("Authorization" for http schemes): for messages, query and cookie
	key   string // header carriers: lowercase name; query and cookie: the exact name
	desc  string // "http:bearer", "apiKey:header:x-api-key", ...
	where string // "the Authorization header", `the "api_key" query parameter`, ...
	want  string // "an HTTP Bearer credential", "an API key"
	def   Secret // default credential in wire form ("Basic b64", "Bearer tok", raw key)
	// oauth2 is the flow of an oauth2 scheme ("client_credentials", "token_exchange"), else "".
	// As a client scheme it is read as a bearer token; as an upstream scheme its token is
	// obtained per call (Policy.ApplyOAuth2).
	oauth2 string
	// consumers holds consumerCredentials in wire form (nil: none); consumerNames its keys, sorted.
	consumers     map[string]Secret
	consumerNames []string
}

// ID returns the scheme id.
func (s *Scheme) ID() string { return s.id }

// Describe returns the scheme's form and carrier, e.g. "http:basic" or "apiKey:query:api_key".
func (s *Scheme) Describe() string { return s.desc }

// HasDefault reports whether the scheme has a default credential.
func (s *Scheme) HasDefault() bool { return !s.def.IsZero() }

// Carrier returns where the scheme's credential lives.
func (s *Scheme) Carrier() Carrier { return Carrier{In: placeNames[s.in], Name: s.key} }

var placeNames = [...]string{inHeader: "header", inQuery: "query", inCookie: "cookie"}

// CompileSchemes compiles server.securitySchemes. paths[i] is the JSON path of specs[i]
// (e.g. "server.securitySchemes[2]"); nil paths means exactly those default paths.
// Environment references in defaultCredential are resolved here, once.
func CompileSchemes(specs []SchemeSpec, paths []string, env Env) (map[string]*Scheme, error) {
	if paths != nil && len(paths) != len(specs) {
		return nil, configerr.At("server.securitySchemes", "internal: "+strconv.Itoa(len(paths))+
			" paths for "+strconv.Itoa(len(specs))+" schemes")
	}
	out := make(map[string]*Scheme, len(specs))
	first := make(map[string]string, len(specs))
	for i, spec := range specs {
		path := "server.securitySchemes[" + strconv.Itoa(i) + "]"
		if paths != nil {
			path = paths[i]
		}
		s, err := compileScheme(spec, path, env)
		if err != nil {
			return nil, err
		}
		if prev, dup := first[s.id]; dup {
			return nil, configerr.At(path+".id", "duplicate id "+strconv.Quote(s.id)+" (first defined at "+prev+")")
		}
		first[s.id] = path
		out[s.id] = s
	}
	return out, nil
}

func compileScheme(spec SchemeSpec, path string, env Env) (*Scheme, error) {
	if spec.ID == "" {
		return nil, configerr.At(path+".id", "must not be empty")
	}
	s := &Scheme{id: spec.ID}
	var err error
	switch httpsyntax.Lower(spec.Type) {
	case "http":
		err = compileHTTP(s, spec, path)
	case "apikey":
		err = compileAPIKey(s, spec, path)
	case "oauth2":
		err = compileOAuth2(s, spec, path)
	case "":
		err = configerr.At(path+".type", "is required (http, apiKey or oauth2)")
	default:
		err = configerr.At(path+".type", refusedValue(spec.Type, knownTypes, "http, apiKey, oauth2"))
	}
	if err != nil {
		return nil, err
	}
	if spec.HasDefault || spec.DefaultCredential != "" {
		s.def, err = compileCredential(s, spec.DefaultCredential, path+".defaultCredential", env)
		if err != nil {
			return nil, err
		}
	}
	if err = compileConsumers(s, spec, path, env); err != nil {
		return nil, err
	}
	return s, nil
}

func compileHTTP(s *Scheme, spec SchemeSpec, path string) error {
	if spec.In != "" {
		return configerr.At(path+".in", "only allowed for type apiKey")
	}
	if spec.Name != "" {
		return configerr.At(path+".name", "only allowed for type apiKey")
	}
	s.in, s.name, s.key, s.where = inHeader, "Authorization", "authorization", "the Authorization header"
	switch httpsyntax.Lower(spec.Scheme) {
	case "basic":
		s.kind, s.desc, s.want = kindBasic, "http:basic", "an HTTP Basic credential"
	case "bearer":
		s.kind, s.desc, s.want = kindBearer, "http:bearer", "an HTTP Bearer credential"
	case "":
		return configerr.At(path+".scheme", "is required for type http (basic or bearer)")
	default:
		return configerr.At(path+".scheme", refusedValue(spec.Scheme, knownHTTPSchemes, "basic, bearer"))
	}
	return nil
}

// knownTypes are OpenAPI security scheme types this plugin does not implement, and
// knownHTTPSchemes the IANA HTTP authentication schemes it does not implement (lowercase).
// They are "not supported"; any other value is "unknown", most likely a typo.
var (
	knownTypes       = []string{"openidconnect", "mutualtls"}
	knownHTTPSchemes = []string{"concealed", "digest", "dpop", "gnap", "hoba", "mutual", "negotiate", "oauth",
		"privatetoken", "scram-sha-1", "scram-sha-256", "vapid"}
)

// refusedValue says why v is refused and lists the accepted values.
func refusedValue(v string, known []string, accepted string) string {
	for _, k := range known {
		if httpsyntax.Lower(v) == k {
			return configerr.Word(v) + " is not supported (accepted values: " + accepted + ")"
		}
	}
	return "unknown value " + configerr.Word(v) + " (accepted values: " + accepted + ")"
}

// reservedHeaders cannot carry an API key: hop-by-hop, framing, routing or cookie headers.
var reservedHeaders = []string{"host", "content-length", "transfer-encoding", "connection",
	"keep-alive", "proxy-connection", "te", "trailer", "upgrade", "cookie", "set-cookie",
	"proxy-authorization"}

func compileAPIKey(s *Scheme, spec SchemeSpec, path string) error {
	if spec.Scheme != "" {
		return configerr.At(path+".scheme", "only allowed for type http")
	}
	s.kind, s.want, s.name = kindAPIKey, "an API key", spec.Name
	switch httpsyntax.Lower(spec.In) {
	case "header":
		s.in, s.key = inHeader, httpsyntax.Lower(spec.Name)
		s.where = "the " + strconv.Quote(spec.Name) + " header"
	case "query":
		s.in, s.key = inQuery, spec.Name
		s.where = "the " + strconv.Quote(spec.Name) + " query parameter"
	case "cookie":
		s.in, s.key = inCookie, spec.Name
		s.where = "the " + strconv.Quote(spec.Name) + " cookie"
	default:
		return configerr.At(path+".in", "must be one of header, query, cookie")
	}
	if msg := checkKeyName(s.in, spec.Name, s.key); msg != "" {
		return configerr.At(path+".name", msg)
	}
	s.desc = "apiKey:" + placeNames[s.in] + ":" + s.key
	return nil
}

func checkKeyName(in place, name, key string) string {
	if name == "" {
		return "is required for type apiKey"
	}
	switch in {
	case inHeader:
		if !httpsyntax.IsToken(name) {
			return "must be a valid header name (RFC 9110 token)"
		}
		for _, r := range reservedHeaders {
			if key == r {
				return strconv.Quote(name) + " cannot carry an API key"
			}
		}
	case inCookie:
		if !httpsyntax.IsToken(name) {
			return "must be a valid cookie name (RFC 6265 token)"
		}
	default:
		if !allIn(name, &visibleChars) {
			return "must be visible ASCII without spaces"
		}
	}
	return ""
}

// compileCredential resolves a configured credential (literal or "${ENV}"), checks it fits
// the scheme and returns it in wire form.
func compileCredential(s *Scheme, raw, path string, env Env) (Secret, error) {
	v, err := resolveValue(raw, path, env)
	if err != nil {
		return Secret{}, err
	}
	if msg := checkConfigured(s, v); msg != "" {
		return Secret{}, configerr.At(path, msg)
	}
	switch s.kind {
	case kindBasic:
		return NewSecret("Basic " + base64.StdEncoding.EncodeToString([]byte(v))), nil
	case kindBearer:
		return NewSecret("Bearer " + v), nil
	}
	return NewSecret(v), nil
}

// checkConfigured validates a configured credential value; the message never quotes it.
func checkConfigured(s *Scheme, v string) string {
	switch {
	case s.kind == kindBasic && !containsByte(v, ':'):
		return `must be "user:pass" (no ':' found)`
	case s.kind == kindBasic && hasCTL(v):
		return "must not contain control characters"
	case s.kind == kindBearer && !isToken68(v):
		return "must be a token68 value (letters, digits, -._~+/ and trailing =)"
	case s.kind == kindAPIKey && s.in == inHeader && !allIn(v, &visibleChars):
		return "must be visible ASCII without spaces (header value)"
	case s.kind == kindAPIKey && s.in == inCookie && !allIn(v, &cookieOctets):
		return "must contain only RFC 6265 cookie-octets"
	case s.kind == kindAPIKey && s.in == inQuery && hasCTL(v):
		return "must not contain control characters"
	}
	return ""
}
