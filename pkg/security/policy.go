package security

import (
	"strconv"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/configerr"
)

// PolicySpec is one tool's security settings as found by pkg/config.
type PolicySpec struct {
	ToolName string
	// ClientID is tools[].security.id, else server.defaultDownstreamSecurity.id ("" none);
	// ClientPath is the JSON path of that id field. Set ClientPath even when ClientID is empty
	// but Passthrough is on, so the "passthrough needs a client scheme" error can name it.
	ClientID, ClientPath string
	Passthrough          bool // tools[].security.passthrough (or defaultDownstreamSecurity.passthrough)
	// UpstreamID is requestTemplate.security.id, else server.defaultUpstreamSecurity.id.
	UpstreamID, UpstreamPath string
	// Credential overrides the upstream scheme's default (may be "${ENV}").
	Credential, CredentialPath string
	HasCredential              bool
	PassthroughAuthHeader      bool // server.passthroughAuthHeader (Higress)
	NoUpstream                 bool // tool answers locally (no requestTemplate)
	// TemplateSetsAuthorization: the tool's requestTemplate.headers set Authorization (Higress
	// configs do: "Authorization: APPCODE {{.config.appCode}}"). Apply then keeps that header
	// instead of deleting it; C's carrier and U's credential still take precedence.
	TemplateSetsAuthorization bool
}

type mode uint8

const (
	modeNone        mode = iota // nothing is set upstream
	modeStatic                  // configured credential (override or scheme default)
	modePassthrough             // client credential per C, applied per U (or C)
	modeAuthHeader              // Higress passthroughAuthHeader: client's Authorization copied as is
	modeLocal                   // no upstream request; Apply does nothing
	modeOAuth2                  // U is oauth2: ApplyOAuth2 strips (and reads the subject token)
	modeConsumer                // U has consumerCredentials: chosen by Inbound.Consumer
)

// Policy is one tool's compiled, immutable credential policy.
type Policy struct {
	tool        string
	client      *Scheme // C, or nil
	upstream    *Scheme // U, or nil
	dest        *Scheme // where the upstream credential goes: U, or C for passthrough without U
	mode        mode
	static      Secret // modeStatic: wire value for dest
	source      string
	check       *[256]bool // passthrough: extra charset the client value must satisfy for dest
	keepAuth    bool
	ignoredCred string // path of a credential ignored because passthrough is on
	carriers    []Carrier
	headers     []string
	creds       []Credential // configured credentials of C and U and the override (Credentials)
	applied     Credential   // modeStatic: static in core form, returned by every Apply
}

// CompilePolicy resolves one tool's client scheme C and upstream scheme U per the resolution
// table in doc.go. Every misconfiguration is a *configerr.Error naming the field's path.
func CompilePolicy(spec PolicySpec, schemes map[string]*Scheme, env Env) (*Policy, error) {
	c, err := lookup(spec.ClientID, spec.ClientPath, spec.ToolName, schemes)
	if err != nil {
		return nil, err
	}
	u, err := lookup(spec.UpstreamID, spec.UpstreamPath, spec.ToolName, schemes)
	if err != nil {
		return nil, err
	}
	if spec.Passthrough && c == nil {
		return nil, configerr.At(at(spec.ClientPath, spec.ToolName), "passthrough requires a client security scheme id")
	}
	p := &Policy{tool: spec.ToolName, client: c, upstream: u, keepAuth: spec.TemplateSetsAuthorization, source: "none"}
	switch {
	case spec.NoUpstream:
		p.mode = modeLocal
	case u != nil && u.oauth2 != "":
		err = p.compileOAuth2(spec)
	case u != nil && u.consumers != nil:
		err = p.compileConsumer(spec)
	case spec.Passthrough:
		err = p.compilePassthrough(spec)
	case u != nil:
		err = p.compileStatic(spec, env)
	case spec.HasCredential:
		err = configerr.At(at(spec.CredentialPath, spec.ToolName), "credential is set but no upstream security scheme applies")
	case c == nil && spec.PassthroughAuthHeader && !spec.TemplateSetsAuthorization:
		p.mode = modeAuthHeader
	}
	if err != nil {
		return nil, err
	}
	p.carriers, p.headers, p.creds = p.computeCarriers(), p.computeHeaders(), p.computeCredentials()
	if p.mode == modeStatic {
		p.applied = p.dest.core(p.static)
	}
	return p, nil
}

func lookup(id, path, tool string, schemes map[string]*Scheme) (*Scheme, error) {
	if id == "" {
		return nil, nil
	}
	s, ok := schemes[id]
	if !ok {
		return nil, configerr.At(at(path, tool), "unknown security scheme "+strconv.Quote(id))
	}
	return s, nil
}

// at returns path, or a tool reference when the caller did not give one.
func at(path, tool string) string {
	if path != "" {
		return path
	}
	return "tool " + strconv.Quote(tool)
}

func (p *Policy) compileStatic(spec PolicySpec, env Env) error {
	u := p.upstream
	p.mode, p.dest = modeStatic, u
	if spec.HasCredential {
		v, err := compileCredential(u, spec.Credential, at(spec.CredentialPath, spec.ToolName), env)
		if err != nil {
			return err
		}
		p.static, p.source = v, "override:"+u.desc
		return nil
	}
	if u.def.IsZero() {
		return configerr.At(at(spec.UpstreamPath, spec.ToolName), "security scheme "+strconv.Quote(u.id)+
			" has no defaultCredential: set requestTemplate.security.credential or enable passthrough")
	}
	p.static, p.source = u.def, "default:"+u.desc
	return nil
}

// compilePassthrough checks that C's credential can be applied in U's form (see doc.go for
// the matrix). The template credential is ignored: it is neither resolved nor validated.
func (p *Policy) compilePassthrough(spec PolicySpec) error {
	c, dest := p.client, p.upstream
	if dest == nil {
		dest = c
	}
	if !compatible(c, dest) {
		return configerr.At(at(spec.UpstreamPath, spec.ToolName), "cannot pass the client's "+c.desc+" credential (scheme "+
			strconv.Quote(c.id)+") through as "+dest.desc+" (scheme "+strconv.Quote(dest.id)+
			"): an HTTP Basic credential only passes to another http:basic scheme")
	}
	p.mode, p.dest, p.source = modePassthrough, dest, "passthrough:"+placeNames[c.in]+":"+c.key
	p.check = valueCheck(c, dest)
	if spec.HasCredential {
		p.ignoredCred = at(spec.CredentialPath, spec.ToolName)
	}
	return nil
}

// compatible reports whether a client credential extracted per c may be passed through and
// applied per u. Bearer tokens and API keys are opaque tokens and pass between http:bearer and
// apiKey (any carrier); an HTTP Basic credential (base64 of user:pass) only passes to http:basic.
func compatible(c, u *Scheme) bool {
	return (c.kind == kindBasic) == (u.kind == kindBasic)
}

// valueCheck returns the charset a passed-through value must satisfy beyond what extraction
// per c already guarantees, or nil.
func valueCheck(c, dest *Scheme) *[256]bool {
	switch {
	case c.kind != kindAPIKey:
		return nil // bearer and basic tokens are token68, valid everywhere
	case dest.kind == kindBearer:
		return &token68Chars // checked with isToken68
	case dest.kind == kindAPIKey && dest.in == inCookie && c.in != inCookie:
		return &cookieOctets
	}
	return nil
}

// IgnoredCredentialPath returns the path of a requestTemplate.security.credential that is
// ignored because passthrough is on ("" if none), so that pkg/config can warn about it.
func (p *Policy) IgnoredCredentialPath() string { return p.ignoredCred }

// ToolName returns the tool the policy belongs to.
func (p *Policy) ToolName() string { return p.tool }
