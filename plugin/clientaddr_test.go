package main

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

// ipQueryConfig is shaped like Higress's mcp-ip-query: the body asks for the caller's address
// when the model gives none; a header carries the socket address.
const ipQueryConfig = `{"server":{"name":"ip-query"},"tools":[{"name":"ip-address-query",
 "args":[{"name":"ip","type":"string","required":true}],
 "requestTemplate":{"url":"https://ip.example.com/address-query","method":"POST",
  "headers":[{"key":"Content-Type","value":"application/x-www-form-urlencoded"},
   {"key":"X-Socket-IP","value":"{{ getSocketIP }}"}],
  "body":"ip={{ if empty .args.ip }}{{ getRealIP }}{{ else }}{{ .args.ip }}{{ end }}"}}]}`

// groupClientAddress: getRealIP is the first X-Forwarded-For hop, else the peer address;
// getSocketIP is the peer address (the source.address property) without its port.
func groupClientAddress(t *testing.T) {
	cases := []struct {
		name, xff, source, ip string
		body, socketHeader    string
	}{
		{name: "first X-Forwarded-For hop", xff: "203.0.113.7, 10.0.0.2", source: "192.0.2.10:51234",
			body: "ip=203.0.113.7", socketHeader: "192.0.2.10"},
		{name: "no X-Forwarded-For: the peer address", source: "192.0.2.10:51234",
			body: "ip=192.0.2.10", socketHeader: "192.0.2.10"},
		// a value in a form body is form-encoded (Higress pastes it raw: the same decoded value)
		{name: "IPv6 peer", source: "[2001:db8::17]:443",
			body: "ip=2001%3Adb8%3A%3A17", socketHeader: "2001:db8::17"},
		{name: "IPv6 X-Forwarded-For hop", xff: "2001:db8::9", source: "192.0.2.10:51234",
			body: "ip=2001%3Adb8%3A%3A9", socketHeader: "192.0.2.10"},
		{name: "no address known renders empty, as Higress", body: "ip=", socketHeader: ""},
		{name: "an ip argument wins", xff: "203.0.113.7", source: "192.0.2.10:51234", ip: "198.51.100.4",
			body: "ip=198.51.100.4", socketHeader: "192.0.2.10"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			host := mustStart(t, json.RawMessage(ipQueryConfig))
			if tc.source != "" {
				require.NoError(t, host.SetProperty([]string{"source", "address"}, []byte(tc.source)))
			}
			headers := legacyHeaders()
			if tc.xff != "" {
				headers = withHeader(headers, "x-forwarded-for", tc.xff)
			}
			post(host, headers, `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"ip-address-query","arguments":{"ip":"`+tc.ip+`"}}}`)
			require.Nil(t, host.GetLocalResponse())
			require.Equal(t, tc.body, string(host.GetRequestBody()))
			got, _ := header(host.GetRequestHeaders(), "x-socket-ip")
			require.Equal(t, tc.socketHeader, got)
			// x-forwarded-for is read for getRealIP and forwarded as the client sent it, as Higress.
			xff, forwarded := header(host.GetRequestHeaders(), "x-forwarded-for")
			require.Equal(t, tc.xff != "", forwarded)
			require.Equal(t, tc.xff, xff)
		})
	}
}
