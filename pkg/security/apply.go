package security

import "strconv"

// Inbound is what Apply reads from the client's request.
type Inbound struct {
	Headers  [][2]string // as received; names are matched case-insensitively
	RawQuery string      // query of the client's :path, without '?'
	Consumer string      // the consumer bridge.clientAuth authenticated ("" anonymous)
}

// Target is the upstream request being built (rest.Request implements it). Every method has
// replace-all semantics: Set removes any existing entries of that name first.
type Target interface {
	SetHeader(name, value string)
	DelHeader(name string)
	SetQuery(name, value string)
	DelQuery(name string)
	SetCookie(name, value string)
	DelCookie(name string)
}

// Apply runs per tools/call after pkg/rest built the upstream request into t:
//  1. with passthrough on, it extracts and validates the client credential per C;
//  2. it strips C's carrier and Proxy-Authorization from t, and Authorization too unless
//     the template sets it (PolicySpec.TemplateSetsAuthorization);
//  3. it sets the upstream credential exactly once, replacing anything already in t.
//
// On error (*Error: missing or malformed client credential) step 2 has run, U's carrier was
// emptied too and no credential was set: the caller must refuse the call and send nothing
// upstream.
// Applied.Source names where the credential came from, never its value; Applied.Credential
// is the credential set upstream, for the caller to redact from the response.
func (p *Policy) Apply(in Inbound, t Target) (Applied, error) {
	switch p.mode {
	case modeLocal:
		return Applied{Source: "none"}, nil
	case modePassthrough:
		return p.applyPassthrough(&in, t)
	case modeAuthHeader:
		return p.applyAuthHeader(&in, t)
	case modeConsumer:
		return p.applyConsumer(in.Consumer, t)
	case modeOAuth2:
		// The token is obtained per call: ApplyOAuth2 and PutToken. Strip, and send nothing.
		p.strip(t)
		t.DelHeader("authorization")
		return Applied{}, errOAuth2NeedsToken
	}
	p.strip(t)
	if p.mode == modeStatic {
		p.dest.put(t, p.static.Reveal())
	}
	return Applied{Source: p.source, Credential: p.applied}, nil
}

func (p *Policy) applyPassthrough(in *Inbound, t Target) (Applied, error) {
	cred, raw, f := p.client.extract(in)
	if f == failNone && p.check != nil && !p.fits(cred) {
		f = failForm
	}
	p.strip(t)
	d := p.dest
	if f != failNone {
		d.del(t) // leave no credential of any origin in the refused request
		return Applied{}, p.refusal(f)
	}
	switch {
	case d.kind == kindAPIKey:
		d.put(t, cred)
	case d.kind == p.client.kind && isCanonical(raw, d.kind, cred):
		t.SetHeader("authorization", raw) // already "Bearer <tok>" / "Basic <b64>": no allocation
	case d.kind == kindBearer:
		t.SetHeader("authorization", "Bearer "+cred)
	default:
		t.SetHeader("authorization", "Basic "+cred)
	}
	form := FormToken
	if p.client.kind == kindBasic {
		form = FormBasic
	}
	return Applied{Source: p.source, Credential: Credential{Value: NewSecret(cred), Form: form}}, nil
}

func (p *Policy) fits(cred string) bool {
	if p.check == &token68Chars {
		return isToken68(cred)
	}
	return allIn(cred, p.check)
}

// isCanonical reports whether raw is exactly "Bearer "+cred or "Basic "+cred.
func isCanonical(raw string, k kind, cred string) bool {
	prefix := "Bearer "
	if k == kindBasic {
		prefix = "Basic "
	}
	return len(raw) == len(prefix)+len(cred) && raw[:len(prefix)] == prefix && raw[len(prefix):] == cred
}

// applyAuthHeader is Higress's passthroughAuthHeader, an operator opt-in for tools with no
// client and no upstream scheme: the client's Authorization header goes upstream unchanged.
func (p *Policy) applyAuthHeader(in *Inbound, t Target) (Applied, error) {
	raw, f := singleHeader(in.Headers, "authorization")
	t.DelHeader("proxy-authorization")
	switch f {
	case failNone:
		t.SetHeader("authorization", raw)
		return Applied{Source: sourceAuthHeader, Credential: Credential{Value: NewSecret(raw), Form: FormAuthorization}}, nil
	case failMissing:
		t.DelHeader("authorization")
		return Applied{Source: "none"}, nil
	}
	t.DelHeader("authorization")
	return Applied{}, p.refusal(failDuplicate)
}

// strip removes C's carrier, Proxy-Authorization and (unless the template owns it)
// Authorization from t.
func (p *Policy) strip(t Target) {
	if c := p.client; c != nil {
		c.del(t)
	}
	t.DelHeader("proxy-authorization")
	if !p.keepAuth {
		t.DelHeader("authorization")
	}
}

func (s *Scheme) put(t Target, v string) {
	switch s.in {
	case inHeader:
		t.SetHeader(s.key, v)
	case inQuery:
		t.SetQuery(s.key, v)
	default:
		t.SetCookie(s.key, v)
	}
}

func (s *Scheme) del(t Target) {
	switch s.in {
	case inHeader:
		t.DelHeader(s.key)
	case inQuery:
		t.DelQuery(s.key)
	default:
		t.DelCookie(s.key)
	}
}

// refusal builds the per-request error; its text depends only on the policy and f.
func (p *Policy) refusal(f failure) *Error {
	c := p.client
	if c == nil { // passthroughAuthHeader: only duplicates are refused
		return &Error{Reason: ReasonMalformedCredential,
			Msg: "tool " + strconv.Quote(p.tool) + ": malformed credential: the Authorization header is present more than once"}
	}
	if f == failMissing {
		return &Error{Reason: ReasonMissingCredential,
			Msg: "tool " + strconv.Quote(p.tool) + " requires " + c.want + " in " + c.where}
	}
	return &Error{Reason: ReasonMalformedCredential,
		Msg: "tool " + strconv.Quote(p.tool) + ": malformed credential: " + c.where + " " + p.detail(f)}
}

func (p *Policy) detail(f failure) string {
	c := p.client
	switch f {
	case failDuplicate:
		return "is present more than once"
	case failScheme:
		return "does not carry " + c.want
	case failSyntax:
		if c.kind == kindBasic {
			return `must be "Basic" followed by exactly one token68 value`
		} else if c.kind == kindBearer {
			return `must be "Bearer" followed by exactly one token68 value`
		} else if c.in == inCookie {
			return "must contain only RFC 6265 cookie-octets"
		}
		return "must contain only visible ASCII characters"
	case failBasic:
		return `must carry padded standard base64 of "user:pass"`
	case failEncoding:
		return "is not valid percent-encoding"
	case failForm:
		return "holds a value that cannot be sent upstream as " + p.dest.want + " (" + p.dest.desc + ")"
	}
	return "is invalid"
}
