package security

import (
	"sort"
	"strconv"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/configerr"
)

// ConsumerCredential is one securitySchemes[].consumerCredentials entry: the backend
// credential of an authenticated consumer, in the scheme's configured form ("user:pass" for
// basic, the token for bearer, the key for apiKey; may be "${ENV}"). Path is its JSON path.
type ConsumerCredential struct {
	Consumer, Value, Path string
}

// sourceConsumer prefixes the credential source of a per-consumer credential. The consumer's
// name is not part of it: it comes from a token or a header and is not bounded.
const sourceConsumer = "consumer:"

// compileConsumers resolves a scheme's consumerCredentials into wire form. An entry with an
// empty value is an error; a consumer name nothing authenticates is not (it may come later).
func compileConsumers(s *Scheme, spec SchemeSpec, path string, env Env) error {
	if !spec.HasConsumers {
		return nil
	}
	if s.oauth2 != "" {
		// pkg/config compiles an oauth2 scheme's per-consumer clients into oauth2 grants
		return configerr.At(path+".consumerCredentials", "holds oauth2 clients for type oauth2, which are compiled as grants, not as scheme credentials")
	}
	if len(spec.ConsumerCredentials) == 0 {
		return configerr.At(path+".consumerCredentials", "must name at least one consumer")
	}
	s.consumers = make(map[string]Secret, len(spec.ConsumerCredentials))
	for _, cc := range spec.ConsumerCredentials {
		at := cc.Path
		if at == "" {
			at = path + ".consumerCredentials." + strconv.Quote(cc.Consumer)
		}
		if cc.Consumer == "" {
			return configerr.At(at, "consumer name must not be empty")
		}
		if _, dup := s.consumers[cc.Consumer]; dup {
			return configerr.At(at, "duplicate consumer")
		}
		v, err := compileCredential(s, cc.Value, at, env)
		if err != nil {
			return err
		}
		s.consumers[cc.Consumer] = v
		s.consumerNames = append(s.consumerNames, cc.Consumer)
	}
	sort.Strings(s.consumerNames) // Credentials lists them in a stable order
	return nil
}

// HasConsumerCredentials reports whether the scheme picks its credential by consumer.
func (s *Scheme) HasConsumerCredentials() bool { return s.consumers != nil }

// compileConsumer compiles a tool whose upstream scheme U has consumerCredentials: the
// credential is chosen per call by the authenticated consumer, so a tool override or
// passthrough would contradict it and is refused rather than silently preferred.
func (p *Policy) compileConsumer(spec PolicySpec) error {
	u := p.upstream
	if spec.Passthrough {
		return configerr.At(at(spec.UpstreamPath, spec.ToolName), "security scheme "+strconv.Quote(u.id)+
			" has consumerCredentials: it cannot also receive the client's credential by passthrough")
	}
	if spec.HasCredential {
		return configerr.At(at(spec.CredentialPath, spec.ToolName), "cannot override security scheme "+
			strconv.Quote(u.id)+": its consumerCredentials choose the credential per consumer")
	}
	p.mode, p.dest, p.source = modeConsumer, u, sourceConsumer+u.id
	return nil
}

// applyConsumer sets the consumer's credential. A consumer without an entry, and an
// anonymous caller, are refused: the default credential would make the backend act under
// another identity.
func (p *Policy) applyConsumer(consumer string, t Target) (Applied, error) {
	p.strip(t)
	d := p.dest
	v, ok := d.consumers[consumer]
	if !ok || consumer == "" {
		d.del(t)
		return Applied{}, &Error{Reason: ReasonMissingCredential, Msg: "tool " + strconv.Quote(p.tool) +
			": no backend credential is configured for this consumer (security scheme " + strconv.Quote(d.id) + ")"}
	}
	d.put(t, v.Reveal())
	return Applied{Source: p.source, Credential: d.core(v)}, nil
}

// consumerSecrets returns the per-consumer credentials of s in name order.
func consumerSecrets(s *Scheme) []Secret {
	if s == nil {
		return nil
	}
	out := make([]Secret, len(s.consumerNames))
	for i, n := range s.consumerNames {
		out[i] = s.consumers[n]
	}
	return out
}
