package oauth2

import (
	"fmt"
	"io"
	"net/url"
)

// Request is one token request, ready to be dispatched as an HTTP callout. It holds the
// client secret and the subject token: it is handed to the Transport and never printed.
type Request struct {
	Cluster string
	Headers [][2]string // pseudo-headers included
	Body    []byte
}

// Format prints the cluster and path only: Request carries secrets.
func (r Request) Format(f fmt.State, _ rune) {
	path := ""
	for _, h := range r.Headers {
		if h[0] == ":path" {
			path = h[1]
		}
	}
	_, _ = io.WriteString(f, "oauth2.Request{"+r.Cluster+" POST "+path+"}")
}

// Request builds the token request: POST, application/x-www-form-urlencoded, client
// authentication per the grant's method. For token exchange, subject is the client's access
// token (RFC 8693 subject_token); it is ignored for client credentials.
func (g *Grant) Request(subject string) Request {
	body := make([]byte, 0, len(g.form)+len(subject)+128)
	body = append(body, g.form...)
	if g.flow == TokenExchange {
		body = append(body, "&subject_token="...)
		body = append(body, url.QueryEscape(subject)...)
		body = append(body, "&subject_token_type="...)
		body = append(body, url.QueryEscape(tokenTypeAccessToken)...)
	}
	headers := make([][2]string, 0, 7)
	headers = append(headers,
		[2]string{":method", "POST"},
		[2]string{":path", g.path},
		[2]string{":authority", g.authority},
		[2]string{"content-type", "application/x-www-form-urlencoded"},
		[2]string{"accept", "application/json"},
	)
	if g.basic != "" {
		headers = append(headers, [2]string{"authorization", g.basic})
	}
	return Request{Cluster: g.cluster, Headers: headers, Body: body}
}

// Format prints the credential source only: a Grant holds the client secret.
func (g Grant) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, "oauth2.Grant("+g.source+")") }
