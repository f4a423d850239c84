package security

import "strconv"

// Carrier is where a credential lives: In is "header", "query" or "cookie"; Name is lowercase
// for headers and exact (case-sensitive) for query parameters and cookies.
type Carrier struct {
	In   string
	Name string
}

var authorizationCarrier = Carrier{In: "header", Name: "authorization"}

// Carriers lists where this tool's client and upstream credentials live (C's carrier, then
// U's, without duplicates; the client's Authorization header in the passthroughAuthHeader
// case), so that pkg/config can refuse args and template headers that target them.
// Local tools (no upstream) have none. The slice is a copy.
func (p *Policy) Carriers() []Carrier { return append([]Carrier(nil), p.carriers...) }

func (p *Policy) computeCarriers() []Carrier {
	var out []Carrier
	switch p.mode {
	case modeLocal:
		return nil
	case modeAuthHeader:
		return []Carrier{authorizationCarrier}
	}
	for _, s := range [...]*Scheme{p.client, p.dest} {
		if s == nil {
			continue
		}
		if c := s.Carrier(); len(out) == 0 || out[0] != c {
			out = append(out, c)
		}
	}
	return out
}

// NeedsClientCredential reports whether Apply requires a credential from the client
// (passthrough on, for a tool with an upstream request).
func (p *Policy) NeedsClientCredential() bool {
	return p.mode == modePassthrough || p.mode == modeOAuth2 && p.upstream.oauth2 == flowTokenExchange
}

// ClientHeaderNames lists the lowercase client request headers Apply reads ("authorization",
// an API key header, "cookie"); a query API key is read from Inbound.RawQuery instead.
// The slice is a copy.
func (p *Policy) ClientHeaderNames() []string { return append([]string(nil), p.headers...) }

func (p *Policy) computeHeaders() []string {
	switch {
	case p.mode == modeAuthHeader:
		return []string{"authorization"}
	case !p.NeedsClientCredential():
		return nil
	case p.client.in == inHeader:
		return []string{p.client.key}
	case p.client.in == inCookie:
		return []string{"cookie"}
	}
	return nil
}

// Source returns the credential source Apply reports on success ("none",
// "default:http:bearer", "override:apiKey:query:key", "passthrough:header:authorization", ...).
// In the passthroughAuthHeader case Apply reports "passthroughAuthHeader:header:authorization"
// when the client sent one, "none" otherwise.
func (p *Policy) Source() string {
	if p.mode == modeAuthHeader {
		return sourceAuthHeader
	}
	return p.source
}

const sourceAuthHeader = "passthroughAuthHeader:header:authorization"

// Describe summarises the policy for start-up logs: scheme ids, forms and the credential
// source, never a value.
func (p *Policy) Describe() string {
	return "tool " + strconv.Quote(p.tool) + ": client=" + schemeLabel(p.client) +
		" passthrough=" + strconv.FormatBool(p.mode == modePassthrough) +
		" upstream=" + schemeLabel(p.upstream) + " source=" + p.Source()
}

func schemeLabel(s *Scheme) string {
	if s == nil {
		return "none"
	}
	return strconv.Quote(s.id) + "(" + s.desc + ")"
}

// PassedThroughHeader returns the lowercase client request header whose credential Apply
// copies upstream (passthrough with a header carrier, or passthroughAuthHeader), else "".
// basicOnly is true when only an HTTP Basic credential is copied from it (an http basic
// scheme), so a bearer token in that header never goes upstream. Token exchange is not
// passthrough: the client's token only goes to the token endpoint.
func (p *Policy) PassedThroughHeader() (name string, basicOnly bool) {
	switch {
	case p.mode == modeAuthHeader:
		return "authorization", false
	case p.mode == modePassthrough && p.client.in == inHeader:
		return p.client.key, p.client.kind == kindBasic
	}
	return "", false
}
