package oauth2

import (
	"strconv"
	"strings"
	"time"

	"github.com/tidwall/gjson"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/jsonscan"
)

// Limits of token responses.
const (
	MaxResponseBytes = 64 << 10        // a larger token response is refused
	MaxTokenBytes    = 16 << 10        // a larger access_token is refused
	DefaultLifetime  = 5 * time.Minute // when expires_in is absent
	MaxLifetime      = time.Hour       // expires_in is capped here
)

// MaxResponseDepth bounds the nesting of a token response before gjson's validator, which
// recurses per level: 20 KB of '[' overflow V8's stack (Envoy's default runtime) and trap the
// plugin. Token responses are flat objects; RFC 9396 authorization_details nests a few levels.
const MaxResponseDepth = 32

// Issued is a parsed token response: the access token and its lifetime (expires_in, capped,
// or DefaultLifetime).
type Issued struct {
	Token    string
	Lifetime time.Duration
}

// ParseResponse validates a token endpoint's answer (RFC 6749 §5.1, RFC 8693 §2.2.1): status
// 0 means no answer (timeout or reset). The returned *Error never carries the body.
func ParseResponse(scheme string, status int, body []byte) (Issued, error) {
	fail := func(k Kind) (Issued, error) { return Issued{}, &Error{Scheme: scheme, Kind: k, Status: status} }
	switch {
	case status == 0:
		return fail(KindNoResponse)
	case status < 200 || status > 299:
		return fail(KindStatus)
	case len(body) > MaxResponseBytes:
		return fail(KindTooLarge)
	case jsonscan.Deeper(body, MaxResponseDepth):
		return fail(KindTooDeep)
	case !gjson.ValidBytes(body):
		return fail(KindNotJSON)
	}
	doc := gjson.ParseBytes(body)
	if !doc.IsObject() {
		return fail(KindNotJSON)
	}
	tok := doc.Get("access_token")
	if tok.Type != gjson.String || tok.Str == "" {
		return fail(KindNoAccessToken)
	}
	if !validToken(tok.Str) {
		return fail(KindBadAccessToken)
	}
	if tt := doc.Get("token_type"); tt.Type != gjson.String || !strings.EqualFold(tt.Str, "bearer") {
		return fail(KindTokenType)
	}
	life, ok := lifetime(doc.Get("expires_in"))
	if !ok {
		return fail(KindExpiry)
	}
	return Issued{Token: strings.Clone(tok.Str), Lifetime: life}, nil
}

// validToken accepts what can follow "Bearer " in a header without changing its meaning:
// visible ASCII, no spaces, bounded length (RFC 6750 b64token is a subset).
func validToken(t string) bool {
	if len(t) > MaxTokenBytes {
		return false
	}
	for i := 0; i < len(t); i++ {
		if t[i] <= ' ' || t[i] >= 0x7f {
			return false
		}
	}
	return true
}

// lifetime reads expires_in: absent or null -> DefaultLifetime; a positive integer (some
// servers send it as a string) -> that many seconds, capped at MaxLifetime.
func lifetime(r gjson.Result) (time.Duration, bool) {
	var secs int64
	switch r.Type {
	case gjson.Null:
		return DefaultLifetime, true
	case gjson.Number:
		n, err := strconv.ParseInt(r.Raw, 10, 64)
		if err != nil {
			return 0, false
		}
		secs = n
	case gjson.String:
		n, err := strconv.ParseInt(r.Str, 10, 64)
		if err != nil {
			return 0, false
		}
		secs = n
	default:
		return 0, false
	}
	if secs <= 0 {
		return 0, false
	}
	if secs >= int64(MaxLifetime/time.Second) {
		return MaxLifetime, true
	}
	return time.Duration(secs) * time.Second, true
}
