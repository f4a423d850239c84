package backend

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// OAuth makes the backend a resource server of an OAuth 2.0 authorization server: a Bearer
// token is accepted when the server's RFC 7662 introspection endpoint says it is active, its
// audience includes Audience (if set) and its scopes include Scope (if set).
type OAuth struct {
	IntrospectionURL       string
	ClientID, ClientSecret string // the resource server's own client (client_secret_basic)
	Audience, Scope        string
}

// tokenInfo is what introspection says about a token (the fields the backend uses).
type tokenInfo struct {
	Active   bool     `json:"active"`
	Subject  string   `json:"sub"`
	ClientID string   `json:"client_id"`
	Scope    string   `json:"scope"`
	Audience audience `json:"aud"`
}

// audience is a string or an array of strings (RFC 7662 §2.2, RFC 7519 §4.1.3).
type audience []string

func (a *audience) UnmarshalJSON(b []byte) error {
	var one string
	if json.Unmarshal(b, &one) == nil {
		*a = []string{one}
		return nil
	}
	return json.Unmarshal(b, (*[]string)(a))
}

type tokenHandler func(w http.ResponseWriter, r *http.Request, info tokenInfo)

func (b *Backend) introspected(next tokenHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		const challenge = `Bearer realm="orders", error="invalid_token"`
		scheme, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
		if b.creds.OAuth == nil || !strings.EqualFold(scheme, "Bearer") || token == "" || len(r.Header.Values("Authorization")) != 1 {
			unauthorized(w, challenge)
			return
		}
		info, err := b.creds.OAuth.introspect(r.Context(), token)
		switch {
		case err != nil:
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"error": "introspection failed"})
		case !info.Active || (b.creds.OAuth.Audience != "" && !slices.Contains(info.Audience, b.creds.OAuth.Audience)):
			unauthorized(w, challenge)
		case b.creds.OAuth.Scope != "" && !slices.Contains(strings.Fields(info.Scope), b.creds.OAuth.Scope):
			w.Header().Set("WWW-Authenticate", `Bearer realm="orders", error="insufficient_scope", scope="`+b.creds.OAuth.Scope+`"`)
			writeJSON(w, http.StatusForbidden, map[string]string{"error": "insufficient_scope"})
		default:
			next(w, r, info)
		}
	}
}

func (o *OAuth) introspect(ctx context.Context, token string) (tokenInfo, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	form := url.Values{"token": {token}, "token_type_hint": {"access_token"}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, o.IntrospectionURL, strings.NewReader(form.Encode()))
	if err != nil {
		return tokenInfo{}, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(url.QueryEscape(o.ClientID), url.QueryEscape(o.ClientSecret)) // RFC 6749 §2.3.1
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return tokenInfo{}, err
	}
	defer resp.Body.Close()
	var info tokenInfo
	if resp.StatusCode != http.StatusOK {
		return tokenInfo{}, errIntrospection
	}
	if err := json.NewDecoder(resp.Body).Decode(&info); err != nil {
		return tokenInfo{}, err
	}
	return info, nil
}

func (b *Backend) oauthOrders(w http.ResponseWriter, _ *http.Request, info tokenInfo) {
	writeJSON(w, http.StatusOK, map[string]any{
		"subject": info.Subject, "client": info.ClientID,
		"orders": []map[string]any{{"id": "ord-1001", "status": "shipped", "total": 42.5}},
	})
}

var errIntrospection = introspectionError("backend: introspection endpoint refused the request")

type introspectionError string

func (e introspectionError) Error() string { return string(e) }
