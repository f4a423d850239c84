package oauth2

import (
	"strings"
	"testing"
	"time"
)

func TestParseResponse(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
		file   string
		token  string
		life   time.Duration
		kind   Kind
		errMsg string
	}{
		{name: "keycloak", status: 200, file: "keycloak_cc.json",
			token: "eyJhbGciOiJSUzI1NiIsInR5cCIgOiAiSldUIn0.eyJleHAiOjE3MzM2MDAwMDB9.c2lnbmF0dXJl", life: 300 * time.Second},
		{name: "zitadel exchange, lowercase bearer, capped", status: 200, file: "zitadel_exchange.json",
			token: "W7hC9yZ3kQ2u8Rr1pXvT6mLnB4eD0sFa", life: MaxLifetime},
		{name: "azure v1 string expires_in", status: 200, file: "azure_v1_string_expiry.json",
			token: "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.e30.sig-_", life: 3599 * time.Second},
		{name: "no expires_in: default", status: 200, file: "no_expiry.json", token: "opaque-token-7f3a", life: DefaultLifetime},
		{name: "201 accepted", status: 201, body: `{"access_token":"a","token_type":"BEARER","expires_in":60}`, token: "a", life: time.Minute},
		{name: "no answer", status: 0, kind: KindNoResponse, errMsg: `oauth2: scheme "s": the token endpoint did not answer`},
		{name: "401 with secret in body", status: 401, file: "error_invalid_client.json", kind: KindStatus,
			errMsg: `oauth2: scheme "s": the token endpoint answered HTTP 401`},
		{name: "redirect not followed", status: 302, body: "", kind: KindStatus},
		{name: "html", status: 200, body: "<html>token=abc</html>", kind: KindNotJSON},
		{name: "json array", status: 200, body: `[{"access_token":"a"}]`, kind: KindNotJSON},
		{name: "too large", status: 200, body: `{"access_token":"a","token_type":"Bearer","x":"` + strings.Repeat("x", MaxResponseBytes) + `"}`, kind: KindTooLarge},
		{name: "object nested 10000 deep", status: 200, body: strings.Repeat(`{"a":`, 10000) + "1" + strings.Repeat("}", 10000),
			kind: KindTooDeep, errMsg: `oauth2: scheme "s": the token response is nested too deep`},
		{name: "arrays nested 30000 deep", status: 200, body: strings.Repeat("[", 30000) + strings.Repeat("]", 30000), kind: KindTooDeep},
		{name: "authorization_details nested within the limit", status: 200,
			body:  `{"access_token":"a","token_type":"Bearer","authorization_details":[{"type":"x","locations":[{"a":[{"b":[1]}]}]}]}`,
			token: "a", life: DefaultLifetime},
		{name: "no access_token", status: 200, body: `{"token_type":"Bearer"}`, kind: KindNoAccessToken},
		{name: "empty access_token", status: 200, body: `{"access_token":"","token_type":"Bearer"}`, kind: KindNoAccessToken},
		{name: "numeric access_token", status: 200, body: `{"access_token":42,"token_type":"Bearer"}`, kind: KindNoAccessToken},
		{name: "header injection", status: 200, body: `{"access_token":"a\r\nx-admin: 1","token_type":"Bearer"}`, kind: KindBadAccessToken},
		{name: "space in token", status: 200, body: `{"access_token":"a b","token_type":"Bearer"}`, kind: KindBadAccessToken},
		{name: "mac token", status: 200, file: "mac_token.json", kind: KindTokenType},
		{name: "no token_type", status: 200, body: `{"access_token":"a"}`, kind: KindTokenType},
		{name: "N_A token_type", status: 200, body: `{"access_token":"a","token_type":"N_A"}`, kind: KindTokenType},
		{name: "zero expires_in", status: 200, body: `{"access_token":"a","token_type":"Bearer","expires_in":0}`, kind: KindExpiry},
		{name: "negative expires_in", status: 200, body: `{"access_token":"a","token_type":"Bearer","expires_in":-5}`, kind: KindExpiry},
		{name: "fractional expires_in", status: 200, body: `{"access_token":"a","token_type":"Bearer","expires_in":1.5}`, kind: KindExpiry},
		{name: "bool expires_in", status: 200, body: `{"access_token":"a","token_type":"Bearer","expires_in":true}`, kind: KindExpiry},
		{name: "access_token of MaxTokenBytes", status: 200, body: `{"access_token":"` + strings.Repeat("t", MaxTokenBytes) + `","token_type":"Bearer","expires_in":60}`,
			token: strings.Repeat("t", MaxTokenBytes), life: time.Minute},
		{name: "access_token one byte longer", status: 200, body: `{"access_token":"` + strings.Repeat("t", MaxTokenBytes+1) + `","token_type":"Bearer","expires_in":60}`,
			kind: KindBadAccessToken},
		{name: "access_token with DEL", status: 200, body: `{"access_token":"a\u007fb","token_type":"Bearer"}`, kind: KindBadAccessToken},
		{name: "access_token with non-ASCII", status: 200, body: `{"access_token":"aé","token_type":"Bearer"}`, kind: KindBadAccessToken},
		{name: "huge expires_in", status: 200, body: `{"access_token":"a","token_type":"Bearer","expires_in":99999999999999999999}`, kind: KindExpiry},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := []byte(tt.body)
			if tt.file != "" {
				body = readTestdata(t, tt.file)
			}
			iss, err := ParseResponse("s", tt.status, body)
			if tt.kind == 0 {
				if err != nil || iss.Token != tt.token || iss.Lifetime != tt.life {
					t.Fatalf("got %q %v %v, want %q %v", iss.Token, iss.Lifetime, err, tt.token, tt.life)
				}
				return
			}
			e, ok := err.(*Error)
			if !ok || e.Kind != tt.kind || iss.Token != "" {
				t.Fatalf("got %q, %v; want kind %d", iss.Token, err, tt.kind)
			}
			if tt.errMsg != "" && err.Error() != tt.errMsg {
				t.Errorf("error = %q, want %q", err, tt.errMsg)
			}
			for _, leak := range []string{"hunter2", "token=abc", "x-admin", "mac-token-1", "adijq39"} {
				if strings.Contains(err.Error(), leak) {
					t.Errorf("error %q leaks %q", err, leak)
				}
			}
		})
	}
}
