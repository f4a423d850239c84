package redact

import (
	"encoding/base64"
	"encoding/json"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/security"
)

// The secrets the echo fixtures plant (testdata/echoes).
const (
	secHeaderKey = "hdr-key-9d2f6b1e"
	secQueryKey  = "q-default-7f3a9c"
	secCookie    = "cookie-default-51d0"
	secBearer    = "tok+9Qz/AbC="
	secBasic     = "svc-notes:n0tes-p4ss"
	secBasicPass = "n0tes-p4ss"
	secUnicode   = `alice:pä<ss>&"wörd`
	secUniPass   = `pä<ss>&"wörd`
)

func tok(v string) security.Credential {
	return security.Credential{Value: security.NewSecret(v), Form: security.FormToken}
}

func basic(userPass string) security.Credential {
	return security.Credential{Value: security.NewSecret(b64(userPass)), Form: security.FormBasic}
}

func authz(v string) security.Credential {
	return security.Credential{Value: security.NewSecret(v), Form: security.FormAuthorization}
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// echoSet is the set the fixtures are redacted with: every scheme type.
func echoSet() *Set {
	return New(tok(secHeaderKey), tok(secQueryKey), tok(secCookie), basic(secBasic)).
		With(tok(secBearer)).With(basic(secUnicode))
}

func mustJSON(s string) []byte {
	b, err := json.Marshal(s)
	if err != nil {
		panic(err)
	}
	return b
}
