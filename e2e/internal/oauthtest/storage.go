package oauthtest

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/zitadel/oidc/v3/example/server/storage"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// store is the OP's storage: zitadel's example storage (signing keys, and refusals for the
// flows a machine-to-machine server does not offer: authorization code, device, refresh) with
// the clients, the access tokens, client credentials, token exchange and introspection
// replaced by ours, so tests choose the clients, rotate secrets, set token lifetimes and revoke.
type store struct {
	*storage.Storage

	mu       sync.Mutex
	clients  map[string]*client // by id
	tokens   map[string]*token  // by token id
	lifetime time.Duration
	now      func() time.Time
}

type token struct {
	id, clientID, subject string
	audience, scopes      []string
	expiration            time.Time
	revoked               bool
}

// ccRequest is the op.TokenRequest of a client credentials grant.
type ccRequest struct {
	clientID string
	scopes   []string
}

func (r *ccRequest) GetSubject() string    { return r.clientID }
func (r *ccRequest) GetAudience() []string { return []string{r.clientID} }
func (r *ccRequest) GetScopes() []string   { return r.scopes }

var (
	errUnknownClient = errors.New("oauthtest: unknown client or wrong secret")
	errInvalidToken  = errors.New("oauthtest: token unknown, revoked or expired")

	_ op.Storage                  = (*store)(nil)
	_ op.ClientCredentialsStorage = (*store)(nil)
	_ op.TokenExchangeStorage     = (*store)(nil)
)

func newStore(issuer string, lifetime time.Duration) *store {
	return &store{
		Storage:  storage.NewStorage(storage.NewUserStore(issuer)),
		clients:  map[string]*client{},
		tokens:   map[string]*token{},
		lifetime: lifetime,
		now:      time.Now,
	}
}

func (s *store) authenticate(id, secret string) (*client, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.clients[id]
	if !ok || c.secret != secret {
		return nil, errUnknownClient
	}
	return c, nil
}

// GetClientByClientID implements op.Storage.
func (s *store) GetClientByClientID(_ context.Context, id string) (op.Client, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, ok := s.clients[id]; ok {
		return c, nil
	}
	return nil, errUnknownClient
}

// AuthorizeClientIDSecret implements op.Storage (client authentication of token exchange and
// introspection).
func (s *store) AuthorizeClientIDSecret(_ context.Context, id, secret string) error {
	_, err := s.authenticate(id, secret)
	return err
}

// ClientCredentials implements op.ClientCredentialsStorage.
func (s *store) ClientCredentials(_ context.Context, id, secret string) (op.Client, error) {
	return s.authenticate(id, secret)
}

// ClientCredentialsTokenRequest implements op.ClientCredentialsStorage.
func (s *store) ClientCredentialsTokenRequest(_ context.Context, id string, scopes []string) (op.TokenRequest, error) {
	return &ccRequest{clientID: id, scopes: scopes}, nil
}

// CreateAccessToken implements op.Storage: the token's id (the JWT's jti) and record, living
// for the current lifetime.
func (s *store) CreateAccessToken(_ context.Context, req op.TokenRequest) (string, time.Time, error) {
	t := &token{id: uuid.NewString(), subject: req.GetSubject(), audience: req.GetAudience(), scopes: req.GetScopes()}
	switch r := req.(type) {
	case *ccRequest:
		t.clientID = r.clientID
	case op.TokenExchangeRequest:
		t.clientID = r.GetClientID()
	default:
		return "", time.Time{}, errors.New("oauthtest: unsupported token request")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t.expiration = s.now().Add(s.lifetime)
	s.tokens[t.id] = t
	return t.id, t.expiration, nil
}

// CreateAccessAndRefreshTokens implements op.Storage; no refresh tokens are issued here.
func (s *store) CreateAccessAndRefreshTokens(context.Context, op.TokenRequest, string) (string, string, time.Time, error) {
	return "", "", time.Time{}, errors.New("oauthtest: refresh tokens are not issued")
}

// ValidateTokenExchangeRequest implements op.TokenExchangeStorage: an access token comes back
// for the subject of the (already verified) subject token, with the scopes asked for.
func (s *store) ValidateTokenExchangeRequest(_ context.Context, req op.TokenExchangeRequest) error {
	switch req.GetRequestedTokenType() {
	case "":
		req.SetRequestedTokenType(oidc.AccessTokenType)
	case oidc.AccessTokenType:
	default:
		return errors.New("oauthtest: only access tokens are issued")
	}
	if req.GetExchangeSubjectTokenType() != oidc.AccessTokenType {
		return errors.New("oauthtest: the subject token must be an access token")
	}
	if _, err := s.lookup(req.GetExchangeSubjectTokenIDOrToken()); err != nil {
		return err
	}
	req.SetSubject(req.GetExchangeSubject())
	return nil
}

// CreateTokenExchangeRequest implements op.TokenExchangeStorage.
func (s *store) CreateTokenExchangeRequest(context.Context, op.TokenExchangeRequest) error {
	return nil
}

// GetPrivateClaimsFromTokenExchangeRequest implements op.TokenExchangeStorage: no extra claims.
func (s *store) GetPrivateClaimsFromTokenExchangeRequest(context.Context, op.TokenExchangeRequest) (map[string]any, error) {
	return nil, nil
}

// SetUserinfoFromTokenExchangeRequest implements op.TokenExchangeStorage (ID tokens only).
func (s *store) SetUserinfoFromTokenExchangeRequest(_ context.Context, info *oidc.UserInfo, req op.TokenExchangeRequest) error {
	info.Subject = req.GetSubject()
	return nil
}

// SetIntrospectionFromToken implements op.Storage: active while known, not revoked and not
// expired; any authenticated client may introspect (the resource server checks aud/scope).
func (s *store) SetIntrospectionFromToken(_ context.Context, resp *oidc.IntrospectionResponse, tokenID, subject, _ string) error {
	t, err := s.lookup(tokenID)
	if err != nil || t.subject != subject {
		return errInvalidToken
	}
	resp.Subject, resp.ClientID, resp.Scope = t.subject, t.clientID, t.scopes
	resp.Audience, resp.Expiration, resp.TokenType = t.audience, oidc.FromTime(t.expiration), oidc.BearerToken
	return nil
}

func (s *store) lookup(tokenID string) (*token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.tokens[tokenID]
	if !ok || t.revoked || !s.now().Before(t.expiration) {
		return nil, errInvalidToken
	}
	return t, nil
}
