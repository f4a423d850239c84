package oauth2

import "strconv"

// Kind says why a token could not be obtained.
type Kind uint8

// The failure kinds of a token request.
const (
	KindDispatch       Kind = iota + 1 // the callout could not be dispatched
	KindNoResponse                     // timeout, reset or no :status from the token endpoint
	KindStatus                         // the token endpoint answered non-2xx (redirects included)
	KindTooLarge                       // the response body exceeds MaxResponseBytes
	KindNotJSON                        // the body is not a JSON object
	KindNoAccessToken                  // access_token absent, not a string or empty
	KindBadAccessToken                 // access_token not sendable as a Bearer header value
	KindTokenType                      // token_type absent or not Bearer
	KindExpiry                         // expires_in present but not a positive integer
	KindTooDeep                        // the body nests more than MaxResponseDepth levels
)

var kindText = [...]string{
	KindDispatch:       "the token request could not be sent",
	KindNoResponse:     "the token endpoint did not answer",
	KindStatus:         "the token endpoint answered HTTP ",
	KindTooLarge:       "the token response is too large",
	KindNotJSON:        "the token response is not a JSON object",
	KindNoAccessToken:  "the token response has no access_token",
	KindBadAccessToken: "the access_token cannot be sent as a Bearer credential",
	KindTokenType:      "the token response's token_type is not Bearer",
	KindExpiry:         "the token response's expires_in is not a positive integer",
	KindTooDeep:        "the token response is nested too deep",
}

// Error is a failed token request. Its text names the scheme and the kind of failure (and the
// HTTP status for KindStatus), never the response body, a secret or a token.
type Error struct {
	Scheme string
	Kind   Kind
	Status int // KindStatus only
}

func (e *Error) Error() string {
	msg := "unknown failure"
	if int(e.Kind) < len(kindText) && e.Kind != 0 {
		msg = kindText[e.Kind]
	}
	if e.Kind == KindStatus {
		msg += strconv.Itoa(e.Status)
	}
	return "oauth2: scheme " + strconv.Quote(e.Scheme) + ": " + msg
}
