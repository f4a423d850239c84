package config

import (
	"strings"
	"testing"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/security"
)

const aliceOrdersKey = "alice-orders-key-9c1f"

var consumerEnv = security.Env(func(n string) (string, bool) {
	if n == "ALICE_ORDERS_KEY" {
		return aliceOrdersKey, true
	}
	return "", false
})

// consumerConfig is issue 11's example: one scheme with consumerCredentials, used upstream.
func consumerConfig(scheme string) string {
	return `{"server":{"name":"s","securitySchemes":[` + scheme + `]},"tools":[{"name":"list_orders",` +
		`"requestTemplate":{"url":"https://orders.example.com/orders","method":"GET","security":{"id":"orders-key"}}}]}`
}

func TestConsumerCredentialsParse(t *testing.T) {
	cfg, err := Parse([]byte(consumerConfig(`{"id":"orders-key","type":"apiKey","in":"header","name":"X-Orders-Key",`+
		`"defaultCredential":"dflt-key-77","consumerCredentials":{"alice":"${ALICE_ORDERS_KEY}","bob":"bob-key-88"}}`)), consumerEnv)
	if err != nil {
		t.Fatal(err)
	}
	p := cfg.Tools[0].Policy
	if p.Source() != "consumer:orders-key" {
		t.Errorf("source = %q", p.Source())
	}
	var got []string
	for _, c := range p.Credentials() {
		got = append(got, c.Value.Reveal())
	}
	if strings.Join(got, ",") != "dflt-key-77,"+aliceOrdersKey+",bob-key-88" {
		t.Errorf("credentials = %q", got)
	}
}

func TestConsumerCredentialsErrors(t *testing.T) {
	key := func(cc string) string {
		return consumerConfig(`{"id":"orders-key","type":"apiKey","in":"header","name":"X-Orders-Key","consumerCredentials":` + cc + `}`)
	}
	cases := []struct{ name, data, want string }{
		{"not an object", key(`"k"`), "server.securitySchemes[0].consumerCredentials: must be an object, not a string"},
		{"empty", key(`{}`), "server.securitySchemes[0].consumerCredentials: must name at least one consumer"},
		{"empty value", key(`{"alice":""}`), "server.securitySchemes[0].consumerCredentials.alice: must not be empty"},
		{"number", key(`{"alice":5}`), `server.securitySchemes[0].consumerCredentials.alice: must be a string (the credential: "user:pass" for basic, the token or key otherwise)`},
		{"unset env", key(`{"alice":"${NOPE}"}`), "server.securitySchemes[0].consumerCredentials.alice: environment variable NOPE is not set"},
		{"odd name not shown", key(`{"Bearer sk-live-123":""}`), "server.securitySchemes[0].consumerCredentials.(key not shown): must not be empty"},
		{"bad value", key(`{"alice":"two words-4k"}`), "server.securitySchemes[0].consumerCredentials.alice: must be visible ASCII without spaces (header value)"},
		{"override", `{"server":{"name":"s","securitySchemes":[{"id":"orders-key","type":"http","scheme":"bearer","consumerCredentials":{"alice":"a-tok-1"}}]},` +
			`"tools":[{"name":"t","requestTemplate":{"url":"https://x.example.com/","method":"GET","security":{"id":"orders-key","credential":"ovr-2"}}}]}`,
			`tools[0].requestTemplate.security.credential: cannot override security scheme "orders-key": its consumerCredentials choose the credential per consumer`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse([]byte(c.data), consumerEnv)
			if err == nil || err.Error() != c.want {
				t.Fatalf("err = %v\nwant %q", err, c.want)
			}
			for _, s := range []string{"two words-4k", "sk-live-123", "gw-secret-1", "ovr-2"} {
				if strings.Contains(err.Error(), s) {
					t.Errorf("error quotes a secret: %v", err)
				}
			}
		})
	}
}
