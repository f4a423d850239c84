package oauthtest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

const (
	gwID, gwSecret   = "gw-client", "s3cr:t/+%&=é" // every character RFC 6749 §2.3.1 form-encodes
	appID, appSecret = "mcp-app", "app-secret"
	rsID, rsSecret   = "orders-api", "rs-secret"
)

func start(t *testing.T) *Server {
	return Start(t, map[string]string{gwID: gwSecret, appID: appSecret, rsID: rsSecret}, time.Hour)
}

type tokenReply struct {
	status int
	body   map[string]any
	raw    string
	header http.Header
}

func post(t *testing.T, u string, form url.Values, basic [2]string) tokenReply {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, u, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if basic[0] != "" {
		req.SetBasicAuth(url.QueryEscape(basic[0]), url.QueryEscape(basic[1]))
	}
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	out := tokenReply{status: resp.StatusCode, raw: string(b), header: resp.Header}
	_ = json.Unmarshal(b, &out.body)
	return out
}

func TestClientCredentials(t *testing.T) {
	s := start(t)
	for _, tc := range []struct {
		name  string
		form  url.Values
		basic [2]string
	}{
		{"client_secret_basic", url.Values{"grant_type": {"client_credentials"}, "scope": {"orders.read orders.write"}}, [2]string{gwID, gwSecret}},
		{"client_secret_post", url.Values{"grant_type": {"client_credentials"}, "scope": {"orders.read orders.write"}, "client_id": {gwID}, "client_secret": {gwSecret}}, [2]string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := post(t, s.TokenURL, tc.form, tc.basic)
			if got.status != 200 || got.body["token_type"] != "Bearer" || got.body["expires_in"] == nil {
				t.Fatalf("token reply = %d %s", got.status, got.raw)
			}
			tok := got.body["access_token"].(string)
			in := s.Validate(tok)
			if !in.Active || in.Subject != gwID || in.ClientID != gwID || !slices.Equal(in.Scopes, []string{"orders.read", "orders.write"}) {
				t.Errorf("Validate = %+v", in)
			}
			if issued := s.Issued(); issued[len(issued)-1] != tok {
				t.Errorf("Issued does not end with the token just issued")
			}
		})
	}
	hits := s.Hits()
	if len(hits) != 2 || hits[0].BasicUser != gwID || hits[0].BasicPass != gwSecret || hits[1].BasicUser != "" || hits[1].ClientID() != gwID {
		t.Errorf("hits = %+v", hits)
	}
	if s.HitsBy(gwID) != 2 || s.HitsBy(appID) != 0 {
		t.Errorf("HitsBy = %d, %d", s.HitsBy(gwID), s.HitsBy(appID))
	}
	if got := post(t, s.TokenURL, url.Values{"grant_type": {"client_credentials"}}, [2]string{gwID, "wrong"}); got.status < 400 || got.body["error"] != "invalid_client" {
		t.Errorf("wrong secret: %d %s", got.status, got.raw)
	}
}

func TestTokenExchange(t *testing.T) {
	s := start(t)
	user := s.ClientCredentials(t, appID, appSecret, "profile")
	got := post(t, s.TokenURL, url.Values{
		"grant_type":         {"urn:ietf:params:oauth:grant-type:token-exchange"},
		"subject_token":      {user},
		"subject_token_type": {"urn:ietf:params:oauth:token-type:access_token"},
		"audience":           {"https://orders.example.com"},
		"scope":              {"orders.read"},
	}, [2]string{gwID, gwSecret})
	if got.status != 200 || got.body["token_type"] != "Bearer" || got.body["issued_token_type"] != "urn:ietf:params:oauth:token-type:access_token" {
		t.Fatalf("exchange reply = %d %s", got.status, got.raw)
	}
	issued := got.body["access_token"].(string)
	if issued == user {
		t.Fatal("the exchange returned the subject token")
	}
	in := s.Validate(issued)
	if !in.Active || in.Subject != appID || in.ClientID != gwID || !slices.Equal(in.Audience, []string{"https://orders.example.com"}) || !slices.Equal(in.Scopes, []string{"orders.read"}) {
		t.Errorf("Validate(issued) = %+v", in)
	}
	bad := post(t, s.TokenURL, url.Values{
		"grant_type": {"urn:ietf:params:oauth:grant-type:token-exchange"}, "subject_token": {"not-a-token"},
		"subject_token_type": {"urn:ietf:params:oauth:token-type:access_token"},
	}, [2]string{gwID, gwSecret})
	if bad.status != 400 {
		t.Errorf("exchange of an unknown subject token = %d %s", bad.status, bad.raw)
	}
}

func TestIntrospectionLifetimeRevocationRotation(t *testing.T) {
	s := start(t)
	introspect := func(tok string) map[string]any {
		return post(t, s.IntrospectionURL, url.Values{"token": {tok}}, [2]string{rsID, rsSecret}).body
	}
	tok := s.ClientCredentials(t, gwID, gwSecret, "orders.read")
	if r := introspect(tok); r["active"] != true || r["sub"] != gwID || r["scope"] != "orders.read" {
		t.Errorf("introspection = %v", r)
	}
	s.RevokeAll()
	if r := introspect(tok); r["active"] != false || s.Validate(tok).Active {
		t.Errorf("after RevokeAll: %v, Validate %v", r, s.Validate(tok))
	}
	s.SetLifetime(time.Second)
	short := s.ClientCredentials(t, gwID, gwSecret)
	if !s.Validate(short).Active {
		t.Fatal("fresh token inactive")
	}
	time.Sleep(1100 * time.Millisecond)
	if r := introspect(short); r["active"] != false || s.Validate(short).Active {
		t.Errorf("expired token still active: %v", r)
	}
	s.SetSecret(gwID, "rotated")
	if got := post(t, s.TokenURL, url.Values{"grant_type": {"client_credentials"}}, [2]string{gwID, gwSecret}); got.status < 400 {
		t.Errorf("old secret after rotation: %d", got.status)
	}
	if s.ClientCredentials(t, gwID, "rotated") == "" {
		t.Error("new secret refused")
	}
}

func TestFailures(t *testing.T) {
	s := start(t)
	form := url.Values{"grant_type": {"client_credentials"}}
	for _, tc := range []struct {
		name    string
		f       *Failure
		status  int
		body    string
		minTime time.Duration
	}{
		{"status", &Failure{Status: 503, ContentType: "application/json", Body: `{"error":"temporarily_unavailable"}`}, 503, `{"error":"temporarily_unavailable"}`, 0},
		{"not json", &Failure{Status: 200, ContentType: "text/html", Body: "<html>maintenance</html>"}, 200, "<html>maintenance</html>", 0},
		{"redirect", &Failure{Status: 302, Location: "http://127.0.0.1:1/elsewhere"}, 302, "", 0},
		{"slow", &Failure{Delay: 300 * time.Millisecond}, 200, "", 300 * time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s.SetFailure(tc.f)
			defer s.SetFailure(nil)
			start := time.Now()
			got := post(t, s.TokenURL, form, [2]string{gwID, gwSecret})
			if got.status != tc.status || (tc.body != "" && got.raw != tc.body) || time.Since(start) < tc.minTime {
				t.Errorf("reply = %d %q after %v", got.status, got.raw, time.Since(start))
			}
			if tc.f.Location != "" && got.header.Get("Location") != tc.f.Location {
				t.Errorf("Location = %q", got.header.Get("Location"))
			}
			if h := s.Hits(); h[len(h)-1].Status != tc.status {
				t.Errorf("hit status = %d", h[len(h)-1].Status)
			}
		})
	}
	if got := post(t, s.TokenURL, form, [2]string{gwID, gwSecret}); got.status != 200 {
		t.Errorf("after SetFailure(nil): %d %s", got.status, got.raw)
	}
}
