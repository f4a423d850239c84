package main

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"strconv"
	"time"

	"github.com/higress-group/proxy-wasm-go-sdk/proxywasm"
	"github.com/higress-group/proxy-wasm-go-sdk/proxywasm/types"
	"github.com/higress-group/wasm-go/pkg/log"
	"github.com/higress-group/wasm-go/pkg/wrapper"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/config"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/mcp"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/metrics"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/oauth2"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/security"
)

// tokenTimeout bounds a token request (newTokenCache sizes the fetch deadline and lease on it).
const tokenTimeout = 5 * time.Second

// reasonBackendCredential: the upstream (OAuth2) credential could not be obtained.
const reasonBackendCredential = "mcp-rest.backend-credential"

// msgBackendCredential is all the client learns: the token endpoint's answer stays inside.
const msgBackendCredential = "backend credential could not be obtained"

// tokens is this worker VM's token cache; worker VMs share tokens through shared data. A
// plugin (re)start replaces it (parseConfig): calls waiting on the old one still get their
// outcome from it.
var tokens, _ = newTokenCache(nil, nil)

// newTokenCache builds a worker's cache; with bridge.tokenCache.redis, Redis is its second
// tier. It fails only when Redis is configured and this build has no Redis support.
func newTokenCache(cfg *config.Config, m *metrics.Set) (*oauth2.Cache, error) {
	o := oauth2.Options{Store: sharedData{}, Transport: callout{}, Now: time.Now, Owner: vmOwner(),
		FetchTimeout: tokenTimeout + time.Second,
		Fetched:      func(scheme string, err error) { m.TokenFetch(scheme, fetchOutcome(err)) }}
	if cfg != nil && cfg.Bridge.TokenCache.Redis != nil {
		r := cfg.Bridge.TokenCache.Redis
		remote, err := redisRemote(r)
		if err != nil {
			return nil, err
		}
		o.Remote, o.Random = remote, rand.Reader
		o.FetchTimeout += time.Duration(r.TimeoutMs) * time.Millisecond
	}
	o.LeaseTTL = o.FetchTimeout + 3*time.Second
	return oauth2.NewCache(o), nil
}

func pollTokens() { tokens.Poll() }

// tickRegistered: wasm-go forgets its tick functions at every plugin start, after the
// pre-start hook (checkRawConfig clears this) and before the configuration is parsed, so
// parseConfig registers the token cache's Poll, once per start. The tick is what resumes
// calls waiting for another worker's token, and what runs background refreshes.
var tickRegistered bool

func usesOAuth2(cfg *config.Config) bool {
	for _, t := range cfg.Tools {
		if t.UsesOAuth2() {
			return true
		}
	}
	return false
}

func registerTokenTick() {
	if !tickRegistered {
		wrapper.RegisterTickFunc(100, pollTokens)
		tickRegistered = true
	}
}

// oauth2State is what a tools/call with an oauth2 upstream scheme keeps for the 401 path.
type oauth2State struct {
	grant   *oauth2.Grant
	subject security.Secret // token exchange: the client's token
	token   security.Secret // the token sent upstream
}

// startOAuth2Call strips the client's credential, then sends the call upstream with a
// cached token, or pauses it until the token request (this worker's, or another worker's
// seen through shared data) completes. Nothing goes upstream without a token.
func startOAuth2Call(ctx *httpContext, st *requestState, call *mcp.Call, tool *config.Tool) types.Action {
	source, subject, err := tool.Policy.ApplyOAuth2(security.Inbound{Headers: st.clientHeaders, RawQuery: st.rawQuery}, &st.upstream)
	if err != nil {
		return refuseCredential(st, call, err)
	}
	log.Debugf("mcp-rest-bridge: tools/call %s: credential source %s", tool.Rest.Name(), source)
	id := ctx.id
	// consumerCredentials: the consumer's own client; none for a consumer without an entry
	// or an anonymous caller, who are refused like for the other scheme types.
	grant := tool.GrantFor(st.identity.Consumer)
	if grant == nil {
		return refuseCredential(st, call, &security.Error{Reason: security.ReasonMissingCredential, Msg: "tool " +
			strconv.Quote(tool.Rest.Name()) + ": no backend credential is configured for this consumer (security scheme " +
			strconv.Quote(tool.Policy.OAuth2Scheme()) + ")"})
	}
	st.oauth2 = oauth2State{grant: grant, subject: subject}
	st.secrets = st.secrets.WithInto(&st.secretSet, security.Credential{Value: subject, Form: security.FormToken})
	tok, ready, err := tokens.Token(grant, subject.Reveal(), func(tok string, err error) {
		resumeWithToken(id, st, call, tool, tok, err)
	})
	switch {
	case err != nil:
		return replyBackendCredential(st, call, tool, err)
	case ready:
		return forwardWithToken(st, call, tool, tok)
	}
	st.pinned = true // the token cache holds the callback above until the fetch completes
	return types.ActionPause
}

// resumeWithToken runs when the token request this call waits for completes, in the context
// of whichever stream or tick delivered it: it switches to this call's stream first.
func resumeWithToken(id uint32, st *requestState, call *mcp.Call, tool *config.Tool, tok string, err error) {
	if proxywasm.SetEffectiveContext(id) != nil {
		return // the client went away while the token was fetched
	}
	if err != nil {
		replyBackendCredential(st, call, tool, err)
		return
	}
	if forwardWithToken(st, call, tool, tok) == types.ActionContinue {
		if err := proxywasm.ResumeHttpRequest(); err != nil {
			log.Errorf("mcp-rest-bridge: tools/call %s: cannot resume the request: %v", tool.Rest.Name(), err)
		}
	}
}

func forwardWithToken(st *requestState, call *mcp.Call, tool *config.Tool, tok string) types.Action {
	st.oauth2.token = security.NewSecret(tok)
	st.secrets = st.secrets.WithInto(&st.secretSet, security.Credential{Value: st.oauth2.token, Form: security.FormToken})
	tool.Policy.PutToken(&st.upstream, st.oauth2.token)
	return forward(st, call, tool)
}

// replyBackendCredential fails the call closed. The log names the scheme and the kind of
// failure (oauth2.Error never holds a body, secret or token); the client learns less.
func replyBackendCredential(st *requestState, call *mcp.Call, tool *config.Tool, err error) types.Action {
	log.Warnf("mcp-rest-bridge: tools/call %s: %s: %v", tool.Rest.Name(), msgBackendCredential, err)
	endToolCall(st, call, metrics.ToolBackendCredential, true)
	return replyJSON(st, 200, reasonBackendCredential, mcp.ErrorResponse(call.ID, mcp.CodeInternalError, msgBackendCredential, nil))
}

// dropRefusedToken forgets the token a backend answered 401 to, so that the next call gets a
// new one. The call itself is not retried (see docs/oauth2.md): its result is the 401.
func dropRefusedToken(st *requestState) {
	if o := &st.oauth2; o.grant != nil && !o.token.IsZero() {
		tokens.Drop(o.grant, o.subject.Reveal(), o.token.Reveal())
		log.Debugf("mcp-rest-bridge: backend answered 401: dropped the token of %s", o.grant.Source())
	}
}

// vmOwner identifies this worker VM in shared-data leases.
func vmOwner() string {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "vm-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	}
	return hex.EncodeToString(b[:])
}

// callout sends token requests with proxywasm.DispatchHttpCall. wasm-go's cluster client
// is not used: it logs request headers and bodies (the client secret, the subject token)
// and response bodies (the issued token) at info level.
type callout struct{}

func (callout) Post(req oauth2.Request, done func(status int, body []byte)) error {
	_, err := proxywasm.DispatchHttpCall(req.Cluster, req.Headers, req.Body, nil, uint32(tokenTimeout/time.Millisecond),
		func(numHeaders, bodySize, _ int) {
			status := 0
			if numHeaders > 0 {
				headers, _ := proxywasm.GetHttpCallResponseHeaders()
				for _, h := range headers {
					if h[0] == ":status" {
						status, _ = strconv.Atoi(h[1])
					}
				}
			}
			var body []byte
			if bodySize > 0 {
				body, _ = proxywasm.GetHttpCallResponseBody(0, min(bodySize, oauth2.MaxResponseBytes+1))
			}
			done(status, body)
		})
	return err
}

// sharedData is proxy-wasm shared data, common to the plugin's worker VMs.
type sharedData struct{}

func (sharedData) Get(key string) ([]byte, uint32, error) {
	v, cas, err := proxywasm.GetSharedData(key)
	if errors.Is(err, types.ErrorStatusNotFound) {
		return nil, 0, oauth2.ErrNotFound
	}
	return v, cas, err
}

func (sharedData) Set(key string, value []byte, cas uint32) error {
	err := proxywasm.SetSharedData(key, value, cas)
	if errors.Is(err, types.ErrorStatusCasMismatch) {
		return oauth2.ErrCASMismatch
	}
	return err
}
