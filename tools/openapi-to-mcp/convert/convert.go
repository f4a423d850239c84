package convert

import (
	"fmt"
	"path"
	"strings"
)

// Options are the converter's settings (the CLI's flags).
type Options struct {
	ServerName string            // server.name (default: "openapi-server", as Higress)
	ToolPrefix string            // prepended to every tool name
	ServerURL  string            // replaces the document's first server URL
	ServerVars map[string]string // values for the first server's variables (else their defaults)
	Include    []string          // globs on operationId or path: keep only matching operations
	Exclude    []string          // globs on operationId or path: drop matching operations
	Template   []byte            // a YAML patch merged into the result, as Higress's --template
}

// Result is a converted configuration with what the user must know about it.
type Result struct {
	Config    *Config
	Warnings  []string   // everything the conversion could not express, by operation
	Variables []Variable // the ${NAME} placeholders to set in the gateway's environment
	Title     string     // the document's title
}

// defaultServerURL stands in for a relative or missing server URL (a warning says so).
const defaultServerURL = "http://localhost"

// Convert converts an OpenAPI 3.0/3.1 or Swagger 2.0 document (YAML or JSON).
func Convert(data []byte, opt Options) (*Result, error) {
	d, err := load(data, opt.ServerVars)
	if err != nil {
		return nil, err
	}
	if opt.ServerName == "" {
		opt.ServerName = "openapi-server"
	}
	res := &Result{Title: d.title, Config: &Config{Server: Server{Name: opt.ServerName,
		Description: truncate(strings.TrimSpace(firstNonEmpty(d.title, d.description)), maxDescription)}}}
	base := strings.TrimSuffix(firstNonEmpty(opt.ServerURL, d.serverURL), "/")
	if !strings.Contains(base, "://") {
		res.Warnings = append(res.Warnings, fmt.Sprintf("server URL %q is not absolute: tools call %s%s (pass --server-url)",
			base, defaultServerURL, base))
		base = defaultServerURL + base
	}
	sm := &securityMapper{server: opt.ServerName, defs: d.schemes, emitted: map[string]*Scheme{}, variants: map[string]string{}}
	names := namer{}
	for _, o := range d.ops {
		if !selected(o, opt.Include, opt.Exclude) {
			continue
		}
		t, warns := buildTool(o, base, toolName(opt.ToolPrefix, o), names, sm)
		res.Config.Tools = append(res.Config.Tools, t)
		res.Warnings = append(res.Warnings, warns...)
	}
	res.Config.Server.SecuritySchemes = sm.schemes()
	res.Variables = sm.vars
	if len(opt.Template) > 0 {
		if err := applyTemplate(res.Config, opt.Template); err != nil {
			return nil, err
		}
	}
	return res, nil
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

// selected applies --include and --exclude: globs (path.Match) on operationId or path.
func selected(o *operation, include, exclude []string) bool {
	match := func(globs []string) bool {
		for _, g := range globs {
			for _, s := range []string{o.operationID, o.path} {
				if ok, _ := path.Match(g, s); ok && s != "" {
					return true
				}
			}
		}
		return false
	}
	return (len(include) == 0 || match(include)) && !match(exclude)
}

// buildTool converts one operation; the warnings name it.
func buildTool(o *operation, base, name string, names namer, sm *securityMapper) (*Tool, []string) {
	t := &Tool{Name: names.unique(name), Description: description(o),
		Request: Request{URL: base + o.path, Method: o.method}}
	var warns []string
	warn := func(format string, a ...any) {
		msg := fmt.Sprintf(format, a...)
		t.Comments = append(t.Comments, msg)
		warns = append(warns, "operation "+describeOp(o)+" (tool "+t.Name+"): "+msg)
	}
	id, dropped, ok := sm.choose(o.security)
	switch {
	case !ok:
		warn("no security alternative can be applied by the gateway (%s): the tool sends no credential", strings.Join(dropped, "; "))
	case len(dropped) > 0 && id == "":
		warn("sent without a credential (the document allows that), skipped before it: %s", strings.Join(dropped, "; "))
	case len(dropped) > 0:
		warn("sent with scheme %s, skipped before it: %s", id, strings.Join(dropped, "; "))
	}
	if id != "" {
		t.Request.Security = map[string]any{"id": id}
	}
	cin, cname := sm.carrier(id)
	b := newArgBuilder(t, warn)
	for _, p := range o.params {
		if p.in == "header" && isIgnoredHeader(p.name) {
			continue // OpenAPI: Accept, Content-Type and Authorization parameters are ignored
		}
		if id != "" && p.in == cin && (p.name == cname || p.in == "header" && strings.EqualFold(p.name, cname)) {
			warn("parameter %s (%s) dropped: it is where scheme %s puts the credential", p.name, p.in, id)
			continue
		}
		b.add(p.name, p.in, p.description, p.required, p.schema)
	}
	b.pathParams(o.path)
	b.body(o.body)
	t.OutputSchema = o.output
	return t, warns
}

func isIgnoredHeader(name string) bool {
	switch strings.ToLower(name) {
	case "accept", "content-type", "authorization":
		return true
	}
	return false
}
