package security

// Stable reasons for refusing a tools/call; the plugin uses them as local-reply details.
const (
	ReasonMissingCredential   = "mcp-rest.missing-credential"
	ReasonMalformedCredential = "mcp-rest.malformed-credential"
)

// Error is a per-request refusal from Apply. Msg says which scheme and carrier were expected;
// it never contains a credential value or any client-supplied text.
type Error struct {
	Reason string // ReasonMissingCredential or ReasonMalformedCredential
	Msg    string // e.g. `tool "get_me" requires an HTTP Bearer credential in the Authorization header`
}

func (e *Error) Error() string { return "security: " + e.Msg }
