package main

import (
	"errors"
	neturl "net/url"
	"strconv"
	"time"

	"github.com/higress-group/proxy-wasm-go-sdk/proxywasm"
	"github.com/higress-group/proxy-wasm-go-sdk/proxywasm/types"
	"github.com/higress-group/wasm-go/pkg/log"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/clientauth"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/config"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/jwks"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/metrics"
)

// jwksTimeout bounds one JWKS request; the host always calls back by then.
const jwksTimeout = 5 * time.Second

// jwksNow is the JWKS cache's clock (Go-mode tests move it past the refetch interval).
var jwksNow = time.Now

// newJWKSCache returns the cache of jwt.jwksUri, nil when the JWKS is inline or JWTs are not
// accepted. Each worker VM fetches for itself (no shared data): a JWKS is small, public and
// fetched every ten minutes, so sharing it would save little.
func newJWKSCache(cfg *config.Config) *jwks.Cache {
	if cfg.ClientAuth == nil {
		return nil
	}
	uri, cluster := cfg.ClientAuth.Auth.JWKSURI()
	if uri == "" {
		return nil
	}
	return jwks.New(jwks.Options{URL: uri, Cluster: cluster, Transport: jwksCallout{}, Now: func() time.Time { return jwksNow() }})
}

// authenticate finds the caller of a POST; it returns false after answering a refusal. With
// jwksUri, a JWT that needs keys not held yet, or names a kid the held set lacks, waits for a
// fetch: st.authWait is set and the body waits (onRequestBody) until finishAuth decides.
func authenticate(ctx *httpContext, pc pluginConfig, st *requestState, headers [][2]string) (types.Action, bool) {
	ca := pc.cfg.ClientAuth
	if ca == nil {
		return 0, true
	}
	var held *clientauth.KeySet
	if pc.jwks != nil {
		held = pc.jwks.Held()
	}
	id, err := ca.Auth.AuthenticateWith(headers, time.Now(), held)
	if err == nil {
		st.identity = id
		log.Debugf("mcp-rest-bridge: client authenticated by %s", id.Kind)
		return 0, true
	}
	if pc.jwks != nil {
		if waitForKeys(pc, st, err, jwksWait{ctx: ctx, id: ctx.id, pc: pc, st: st, headers: headers}.done) {
			st.authWait = true
			st.pinned = true // the JWKS cache holds done until the fetch completes
			return 0, true
		}
	}
	return challenge(ca, st, err), false
}

// waitForKeys starts (or joins) the fetch err calls for; false when err is to be answered now.
func waitForKeys(pc pluginConfig, st *requestState, err error, done jwks.Done) bool {
	var need *clientauth.KeysNeededError
	if errors.As(err, &need) {
		_, ready, ferr := pc.jwks.Keys(done)
		if ferr != nil {
			log.Warnf("mcp-rest-bridge: client authentication: %v", ferr)
		}
		return !ready && ferr == nil
	}
	if reason, _, _ := clientauth.AsAuthError(err); reason == clientauth.ReasonUnknownKID {
		return pc.jwks.RefetchUnknownKID(done)
	}
	return false
}

// jwksWait is one request waiting for a JWKS fetch.
type jwksWait struct {
	ctx     *httpContext
	id      uint32
	pc      pluginConfig
	st      *requestState
	headers [][2]string
}

// done finishes authentication once the fetch completed, in this request's context: a
// refusal is answered; an accepted caller's body, if it already arrived, is handled now.
func (w jwksWait) done(ks *clientauth.KeySet, err error) {
	if proxywasm.SetEffectiveContext(w.id) != nil {
		return // the client went away
	}
	st, ca := w.st, w.pc.cfg.ClientAuth
	st.authWait = false
	if st.answered {
		return
	}
	var id clientauth.Identity
	if err != nil {
		log.Warnf("mcp-rest-bridge: client authentication: %v", err)
		err = &clientauth.KeysNeededError{}
	} else {
		id, err = ca.Auth.AuthenticateWith(w.headers, time.Now(), ks)
	}
	if err != nil {
		st.metrics.Request("", metrics.RequestRefused)
		challenge(ca, st, err)
		return
	}
	st.identity = id
	log.Debugf("mcp-rest-bridge: client authenticated by %s", id.Kind)
	if body := st.waitingBody; body != nil {
		st.waitingBody = nil
		if onRequestBody(w.ctx, w.pc, body) == types.ActionContinue {
			if err := proxywasm.ResumeHttpRequest(); err != nil {
				log.Errorf("mcp-rest-bridge: cannot resume the request: %v", err)
			}
		}
	}
}

// jwksCallout fetches a JWKS with proxywasm.DispatchHttpCall (GET, no body, no redirects:
// the host does not follow them and pkg/jwks refuses a 3xx).
type jwksCallout struct{}

func (jwksCallout) Get(cluster, uri string, done func(jwks.Response)) error {
	u, err := neturl.Parse(uri)
	if err != nil {
		return err
	}
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	if u.RawQuery != "" {
		path += "?" + u.RawQuery
	}
	headers := [][2]string{{":method", "GET"}, {":path", path}, {":authority", u.Host}, {"accept", "application/json"}}
	_, err = proxywasm.DispatchHttpCall(cluster, headers, nil, nil, uint32(jwksTimeout/time.Millisecond),
		func(numHeaders, bodySize, _ int) {
			var r jwks.Response
			if numHeaders > 0 {
				rh, _ := proxywasm.GetHttpCallResponseHeaders()
				for _, h := range rh {
					switch h[0] {
					case ":status":
						r.Status, _ = strconv.Atoi(h[1])
					case "cache-control":
						r.CacheControl = h[1]
					}
				}
			}
			if bodySize > 0 {
				// One byte over the limit is enough for ParseJWKS to refuse the document.
				r.Body, _ = proxywasm.GetHttpCallResponseBody(0, min(bodySize, clientauth.MaxJWKSBytes+1))
			}
			done(r)
		})
	return err
}
