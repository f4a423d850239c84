// Package audit formats the audit trail: one line per tools/call, a fixed prefix and one JSON
// object, so that a log pipeline can select the lines by their prefix and parse the rest.
// A record holds names only (tool, consumer, credential source), never a credential value,
// arguments or a body. Every string is JSON-escaped: a consumer name taken from a token
// cannot start a second line or forge a field.
package audit

import (
	"strconv"
	"time"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/internal/jsonenc"
)

// Prefix starts every audit line (docs/observability.md).
const Prefix = "mcp-rest-bridge.audit "

// maxField bounds each string field: a hostile request id or consumer claim cannot make
// a line arbitrarily long.
const maxField = 256

// Record is one finished tools/call.
type Record struct {
	Tool     string
	Consumer string // the authenticated consumer; "" when the gateway authenticated none
	Outcome  string // the tool_calls metric's outcome label
	// UpstreamStatus is the backend's HTTP status; 0 when nothing went upstream.
	UpstreamStatus int
	// CredentialSource names where the upstream credential came from
	// ("default:apiKey:header:x-api-key", "oauth2:client_credentials:orders-cc"), never a value.
	CredentialSource string
	Era              string // "legacy" or "modern"
	ProtocolVersion  string
	RequestID        string // Envoy's x-request-id; "" when there is none
	Start, End       time.Time
}

// Line renders r: Prefix, then one JSON object with the members in a fixed order. Absent
// values are null (consumer, request_id) or 0 (upstream_status), so every line has the same
// members.
func (r Record) Line() string {
	b := make([]byte, 0, 256)
	b = append(b, Prefix...)
	b = append(b, `{"tool":`...)
	b = appendString(b, r.Tool)
	b = append(b, `,"consumer":`...)
	b = appendOptional(b, r.Consumer)
	b = append(b, `,"outcome":`...)
	b = appendString(b, r.Outcome)
	b = append(b, `,"upstream_status":`...)
	b = strconv.AppendInt(b, int64(r.UpstreamStatus), 10)
	b = append(b, `,"credential_source":`...)
	b = appendString(b, r.CredentialSource)
	b = append(b, `,"duration_ms":`...)
	b = strconv.AppendFloat(b, durationMs(r.Start, r.End), 'f', 3, 64)
	b = append(b, `,"era":`...)
	b = appendString(b, r.Era)
	b = append(b, `,"protocol_version":`...)
	b = appendString(b, r.ProtocolVersion)
	b = append(b, `,"request_id":`...)
	b = appendOptional(b, r.RequestID)
	return string(append(b, '}'))
}

// durationMs is end-start in milliseconds, never negative (a clock stepped back).
func durationMs(start, end time.Time) float64 {
	d := end.Sub(start)
	if d < 0 {
		d = 0
	}
	return float64(d.Microseconds()) / 1000
}

func appendString(b []byte, s string) []byte {
	if len(s) > maxField {
		s = s[:maxField] // invalid UTF-8 at the cut becomes U+FFFD
	}
	return jsonenc.AppendString(b, s)
}

func appendOptional(b []byte, s string) []byte {
	if s == "" {
		return append(b, "null"...)
	}
	return appendString(b, s)
}
