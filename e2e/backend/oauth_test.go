package backend

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/e2e/internal/oauthtest"
)

func TestOAuthOrdersChecksTheTokenAtTheAuthorizationServer(t *testing.T) {
	as := oauthtest.Start(t, map[string]string{"gw": "gw-secret", "orders-api": "rs-secret", "other": "o"}, time.Hour)
	creds := testCreds
	creds.OAuth = &OAuth{IntrospectionURL: as.IntrospectionURL, ClientID: "orders-api", ClientSecret: "rs-secret", Scope: "orders.read"}
	srv := httptest.NewServer(New(creds))
	defer srv.Close()
	good := as.ClientCredentials(t, "gw", "gw-secret", "orders.read")
	noScope := as.ClientCredentials(t, "gw", "gw-secret", "profile")
	revoked := as.ClientCredentials(t, "other", "o", "orders.read")
	as.RevokeAll()
	good = as.ClientCredentials(t, "gw", "gw-secret", "orders.read") // issued after the revocation
	for _, tc := range []struct {
		name, auth string
		status     int
		challenge  string
		subject    string
	}{
		{"active token", "Bearer " + good, 200, "", "gw"},
		{"no token", "", 401, `Bearer realm="orders", error="invalid_token"`, ""},
		{"not a token", "Bearer nope", 401, `Bearer realm="orders", error="invalid_token"`, ""},
		{"revoked", "Bearer " + revoked, 401, `Bearer realm="orders", error="invalid_token"`, ""},
		{"scope missing", "Bearer " + noScope, 401, `Bearer realm="orders", error="invalid_token"`, ""}, // issued before RevokeAll
		{"basic scheme", "Basic " + good, 401, `Bearer realm="orders", error="invalid_token"`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest("GET", srv.URL+"/v1/oauth/orders", nil)
			if tc.auth != "" {
				req.Header.Set("Authorization", tc.auth)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tc.status || resp.Header.Get("WWW-Authenticate") != tc.challenge {
				t.Fatalf("%d %q %s", resp.StatusCode, resp.Header.Get("WWW-Authenticate"), body)
			}
			if tc.subject != "" {
				var out struct{ Subject, Client string }
				if err := json.Unmarshal(body, &out); err != nil || out.Subject != tc.subject || out.Client != "gw" {
					t.Errorf("body = %s", body)
				}
			}
		})
	}
	fresh := as.ClientCredentials(t, "gw", "gw-secret", "profile")
	req, _ := http.NewRequest("GET", srv.URL+"/v1/oauth/orders", nil)
	req.Header.Set("Authorization", "Bearer "+fresh)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 403 || resp.Header.Get("WWW-Authenticate") != `Bearer realm="orders", error="insufficient_scope", scope="orders.read"` {
		t.Errorf("active token without the scope: %d %q", resp.StatusCode, resp.Header.Get("WWW-Authenticate"))
	}
}

func TestOAuthOrdersChecksTheAudience(t *testing.T) {
	as := oauthtest.Start(t, map[string]string{"gw": "gw-secret", "orders-api": "rs-secret"}, time.Hour)
	creds := testCreds
	creds.OAuth = &OAuth{IntrospectionURL: as.IntrospectionURL, ClientID: "orders-api", ClientSecret: "rs-secret", Audience: "https://orders.example.com"}
	srv := httptest.NewServer(New(creds))
	defer srv.Close()
	tok := as.ClientCredentials(t, "gw", "gw-secret") // audience: the client itself
	req, _ := http.NewRequest("GET", srv.URL+"/v1/oauth/orders", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Errorf("token for another audience: %d", resp.StatusCode)
	}
}
