package convert

import (
	"fmt"
	"sort"
	"strings"
)

// Variable is an environment variable the converted config reads (a ${NAME} placeholder).
type Variable struct {
	Name   string
	Scheme string // the OpenAPI security scheme it belongs to
	What   string // what to put in it
}

// securityMapper turns the document's schemes and each operation's alternatives into
// server.securitySchemes entries and one upstream scheme id per tool.
type securityMapper struct {
	server  string
	defs    map[string]*schemeDef
	emitted map[string]*Scheme // by id
	order   []string
	// oauth2 variants: one scheme id per distinct scope set, so each tool asks for no more
	// scopes than its operation declares.
	variants map[string]string
	vars     []Variable
}

// unsupported says why a scheme cannot be applied by the gateway, or "" if it can.
func (m *securityMapper) unsupported(name string) string {
	d := m.defs[name]
	switch {
	case d == nil:
		return "undefined scheme"
	case d.typ == "apiKey" && (d.in == "header" || d.in == "query" || d.in == "cookie") && d.keyName != "":
		return ""
	case d.typ == "http" && (d.scheme == "basic" || d.scheme == "bearer"):
		return ""
	case d.typ == "oauth2" && d.tokenURL != "":
		return ""
	case d.typ == "oauth2":
		return "oauth2 " + strings.Join(d.flows, "/") + " (only clientCredentials can be run by a gateway)"
	case d.typ == "http":
		return "http " + d.scheme
	}
	return d.typ
}

// choose picks the first alternative the config can express: no scheme, or exactly one
// supported scheme. It returns the scheme id ("" for none) and what was dropped, if anything.
func (m *securityMapper) choose(reqs []requirement) (id string, dropped []string, ok bool) {
	for _, r := range reqs {
		if len(r) == 0 {
			return "", dropped, true
		}
		if len(r) == 1 {
			if why := m.unsupported(r[0].name); why == "" {
				return m.use(r[0]), dropped, true
			} else {
				dropped = append(dropped, r[0].name+": "+why)
				continue
			}
		}
		var names []string
		for _, u := range r {
			names = append(names, u.name)
		}
		dropped = append(dropped, strings.Join(names, " AND ")+": needs several credentials at once (one upstream scheme per tool)")
	}
	return "", dropped, len(reqs) == 0
}

// use emits the scheme (once) and returns its id.
func (m *securityMapper) use(u schemeUse) string {
	d := m.defs[u.name]
	if d.typ != "oauth2" {
		if _, ok := m.emitted[u.name]; !ok {
			m.add(m.plainScheme(d))
		}
		return u.name
	}
	scopes := append([]string(nil), u.scopes...)
	sort.Strings(scopes)
	key := u.name + "\x00" + strings.Join(scopes, " ")
	if id, ok := m.variants[key]; ok {
		return id
	}
	id := u.name
	for i := 2; m.emitted[id] != nil; i++ {
		id = fmt.Sprintf("%s-%d", u.name, i)
	}
	m.variants[key] = id
	client, secret := envName(m.server, u.name, "client_id"), envName(m.server, u.name, "client_secret")
	if !m.hasVar(secret) {
		m.vars = append(m.vars, Variable{Name: secret, Scheme: u.name, What: "the OAuth2 client secret"})
	}
	m.add(&Scheme{ID: id, Type: "oauth2", TokenURL: d.tokenURL, RefreshURL: d.refresh, Scopes: scopes,
		ClientID: "REPLACE-WITH-" + strings.ReplaceAll(client, "_", "-"), ClientSecret: "${" + secret + "}",
		Comment: "clientId is not a secret: replace the placeholder with the client id the token endpoint issued"})
	return id
}

func (m *securityMapper) hasVar(name string) bool {
	for _, v := range m.vars {
		if v.Name == name {
			return true
		}
	}
	return false
}

func (m *securityMapper) plainScheme(d *schemeDef) *Scheme {
	v := envName(m.server, d.name)
	s := &Scheme{ID: d.name, DefaultCredential: "${" + v + "}"}
	what := "the API key"
	switch {
	case d.typ == "apiKey":
		s.Type, s.In, s.Name = "apiKey", d.in, d.keyName
	case d.scheme == "basic":
		s.Type, s.Scheme, what = "http", "basic", whatBasic
	default:
		s.Type, s.Scheme, what = "http", "bearer", "the bearer token (without \"Bearer \")"
	}
	m.vars = append(m.vars, Variable{Name: v, Scheme: d.name, What: what})
	return s
}

func (m *securityMapper) add(s *Scheme) {
	m.emitted[s.ID] = s
	m.order = append(m.order, s.ID)
}

// schemes returns the emitted schemes in first-use order.
func (m *securityMapper) schemes() []*Scheme {
	out := make([]*Scheme, 0, len(m.order))
	for _, id := range m.order {
		out = append(out, m.emitted[id])
	}
	return out
}

// carrier is where scheme id puts its credential: (in, name), header names lower case.
func (m *securityMapper) carrier(id string) (in, name string) {
	s := m.emitted[id]
	if s == nil {
		return "", ""
	}
	switch s.Type {
	case "apiKey":
		if s.In == "header" {
			return "header", strings.ToLower(s.Name)
		}
		return s.In, s.Name
	}
	return "header", "authorization"
}

// whatBasic describes the value of a Basic scheme's variable.
const whatBasic = "user:password (the gateway sends it Base64-encoded)"
