// Package oauthtest runs a real OAuth 2.0 authorization server for the e2e tests: zitadel/oidc
// v3's OpenID Provider (op) with client credentials and RFC 8693 token exchange, JWT Bearer
// access tokens and RFC 7662 introspection, on a free loopback port. Tests register clients,
// count and inspect token-endpoint requests, shorten token lifetimes, rotate secrets, revoke
// tokens, and make the token endpoint fail (status, body, redirect, delay).
package oauthtest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// Paths of the OP's endpoints (zitadel's defaults).
const (
	TokenPath         = "/oauth/token"
	IntrospectionPath = "/oauth/introspect"
)

// Server is a running authorization server.
type Server struct {
	URL              string // issuer: http://127.0.0.1:port
	Addr             string // 127.0.0.1:port, for a gateway cluster
	TokenURL         string
	IntrospectionURL string

	srv      *httptest.Server
	provider *op.Provider
	store    *store

	mu      sync.Mutex
	hits    []Hit
	issued  []string
	failure *Failure
}

// Hit is one request to the token endpoint.
type Hit struct {
	Form      url.Values // the form as sent (client_secret included when sent so)
	BasicUser string     // client id from client_secret_basic, form-decoded; "" without Basic
	BasicPass string
	Status    int // what the endpoint answered
}

// ClientID is the client the request authenticated as (Basic or form).
func (h Hit) ClientID() string {
	if h.BasicUser != "" {
		return h.BasicUser
	}
	return h.Form.Get("client_id")
}

// Failure replaces the token endpoint's answer. Delay alone delays the real answer.
type Failure struct {
	Delay       time.Duration
	Status      int // 0: the real answer (after Delay)
	ContentType string
	Body        string
	Location    string // a redirect target
}

// Start runs the server until the test ends, with the given clients (id → secret) and access
// tokens valid for lifetime.
func Start(t testing.TB, clients map[string]string, lifetime time.Duration) *Server {
	t.Helper()
	s := &Server{}
	s.srv = httptest.NewUnstartedServer(http.HandlerFunc(s.serve))
	s.URL = "http://" + s.srv.Listener.Addr().String()
	s.Addr = s.srv.Listener.Addr().String()
	s.TokenURL, s.IntrospectionURL = s.URL+TokenPath, s.URL+IntrospectionPath
	s.store = newStore(s.URL, lifetime)
	for id, secret := range clients {
		s.store.clients[id] = &client{id: id, secret: secret}
	}
	var key [32]byte
	if _, err := rand.Read(key[:]); err != nil {
		t.Fatal(err)
	}
	p, err := op.NewProvider(&op.Config{CryptoKey: key, AuthMethodPost: true}, s.store,
		op.StaticIssuer(s.URL), op.WithAllowInsecure(), op.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		t.Fatalf("oauthtest: %v", err)
	}
	s.provider = p
	s.srv.Start()
	t.Cleanup(s.srv.Close)
	return s
}

// serve counts and records token-endpoint requests, applies a Failure, and keeps every access
// token the endpoint issues (for tests that scan logs and responses for them).
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != TokenPath {
		s.provider.ServeHTTP(w, r)
		return
	}
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	form, _ := url.ParseQuery(string(body))
	hit := Hit{Form: form}
	if u, p, ok := r.BasicAuth(); ok {
		hit.BasicUser, _ = url.QueryUnescape(u)
		hit.BasicPass, _ = url.QueryUnescape(p)
	}
	s.mu.Lock()
	f := s.failure
	s.mu.Unlock()
	rec := httptest.NewRecorder()
	if f != nil && f.Delay > 0 {
		time.Sleep(f.Delay)
	}
	if f == nil || f.Status == 0 {
		s.provider.ServeHTTP(rec, r)
	} else {
		if f.ContentType != "" {
			rec.Header().Set("Content-Type", f.ContentType)
		}
		if f.Location != "" {
			rec.Header().Set("Location", f.Location)
		}
		rec.WriteHeader(f.Status)
		rec.WriteString(f.Body)
	}
	hit.Status = rec.Code
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	_ = json.Unmarshal(rec.Body.Bytes(), &tok) // a failure body may be anything
	s.mu.Lock()
	s.hits = append(s.hits, hit)
	if tok.AccessToken != "" {
		s.issued = append(s.issued, tok.AccessToken)
	}
	s.mu.Unlock()
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())
}

// Hits returns the token-endpoint requests so far, oldest first.
func (s *Server) Hits() []Hit {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.hits)
}

// HitsBy counts the token-endpoint requests that authenticated as clientID.
func (s *Server) HitsBy(clientID string) int {
	n := 0
	for _, h := range s.Hits() {
		if h.ClientID() == clientID {
			n++
		}
	}
	return n
}

// Issued returns every access token the endpoint issued, oldest first.
func (s *Server) Issued() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.issued)
}

// SetFailure makes the token endpoint fail as f says; nil restores it.
func (s *Server) SetFailure(f *Failure) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failure = f
}

// SetLifetime changes the lifetime of tokens issued from now on.
func (s *Server) SetLifetime(d time.Duration) {
	s.store.mu.Lock()
	defer s.store.mu.Unlock()
	s.store.lifetime = d
}

// SetSecret adds a client or rotates its secret (the old one stops working).
func (s *Server) SetSecret(id, secret string) {
	s.store.mu.Lock()
	defer s.store.mu.Unlock()
	s.store.clients[id] = &client{id: id, secret: secret}
}

// RevokeAll revokes every token issued so far: introspection says inactive from now on.
func (s *Server) RevokeAll() {
	s.store.mu.Lock()
	defer s.store.mu.Unlock()
	for _, t := range s.store.tokens {
		t.revoked = true
	}
}

// Introspection is what the server knows about an access token.
type Introspection struct {
	Active   bool
	Subject  string
	ClientID string
	Scopes   []string
	Audience []string
}

// Validate checks a token it issued, as its introspection endpoint would.
func (s *Server) Validate(accessToken string) Introspection {
	ctx := op.ContextWithIssuer(context.Background(), s.URL)
	claims, err := op.VerifyAccessToken[*oidc.AccessTokenClaims](ctx, accessToken, s.provider.AccessTokenVerifier(ctx))
	if err != nil {
		return Introspection{}
	}
	t, err := s.store.lookup(claims.JWTID)
	subject := claims.Subject
	if err != nil || t.subject != subject {
		return Introspection{}
	}
	return Introspection{Active: true, Subject: t.subject, ClientID: t.clientID, Scopes: t.scopes, Audience: t.audience}
}

// ClientCredentials gets a token the way any client would, over HTTP (client_secret_basic).
// Tests use it to give an MCP client its own token, the subject token of an exchange.
func (s *Server) ClientCredentials(t testing.TB, id, secret string, scopes ...string) string {
	t.Helper()
	form := url.Values{"grant_type": {"client_credentials"}}
	if len(scopes) > 0 {
		form.Set("scope", strings.Join(scopes, " "))
	}
	req, err := http.NewRequest(http.MethodPost, s.TokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(url.QueryEscape(id), url.QueryEscape(secret))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != 200 || out.AccessToken == "" {
		t.Fatalf("oauthtest: client credentials for %s: %d %v", id, resp.StatusCode, err)
	}
	return out.AccessToken
}
