package mcp

import (
	"encoding/base64"
	"strings"

	"github.com/tidwall/gjson"
)

// Era is the protocol generation a request is served under.
type Era uint8

const (
	Legacy Era = iota + 1 // 2025-11-25 and earlier: initialize handshake
	Modern                // 2026-07-28: per-request _meta, mirrored headers
)

func (e Era) String() string {
	switch e {
	case Legacy:
		return "legacy"
	case Modern:
		return "modern"
	}
	return "unknown"
}

// versionEra reports the era of a supported version, 0 if unsupported.
func versionEra(v string) Era {
	for i, s := range supportedVersions {
		if s == v {
			if i < modernCount {
				return Modern
			}
			return Legacy
		}
	}
	return 0
}

// Members of params we read, in one pass.
const (
	pMeta = iota
	pName
	pArguments
	pCursor
	pProtocolVersion
	pCount
)

var paramKeys = [pCount]string{"_meta", "name", "arguments", "cursor", "protocolVersion"}

// Members of params._meta we read.
const (
	metaVersion = iota
	metaCapabilities
	metaCount
)

var metaKeys = [metaCount]string{MetaProtocolVersion, MetaClientCapabilities}

const (
	fieldMetaVersion      = `params._meta["` + MetaProtocolVersion + `"]`
	fieldMetaCapabilities = `params._meta["` + MetaClientCapabilities + `"]`
)

// request is one JSON-RPC request being served.
type request struct {
	id      []byte
	method  string
	p       [pCount]gjson.Result // members of params
	meta    [metaCount]gjson.Result
	h       *Headers
	era     Era
	version string
}

// fail replies with a JSON-RPC error for this request.
func (r *request) fail(status, code int, msg string, data []byte) Outcome {
	return replyError(status, r.id, code, msg, data, knownMethod(r.method))
}

func (r *request) mismatch(msg string) Outcome {
	return r.fail(400, CodeHeaderMismatch, "Header mismatch: "+msg, nil)
}

// readParams reads the members of params and params._meta we use.
func (r *request) readParams(params gjson.Result) (Outcome, bool) {
	if dup := fields(params, paramKeys[:], r.p[:]); dup >= 0 {
		return r.fail(400, CodeInvalidParams, `Invalid params: duplicate "`+paramKeys[dup]+`" member`, nil), false
	}
	if r.p[pMeta].IsObject() {
		if dup := fields(r.p[pMeta], metaKeys[:], r.meta[:]); dup >= 0 {
			return r.fail(400, CodeInvalidParams, `Invalid params: duplicate "`+metaKeys[dup]+`" member in params._meta`, nil), false
		}
	}
	return Outcome{}, true
}

// selectEra decides the era from the declared version (2026-07-28
// basic/versioning "Backward Compatibility with Initialization-Based
// Versions": a request with modern _meta is served statelessly; an
// initialize request selects legacy semantics):
//
//   - the version is params._meta[protocolVersion], else the
//     MCP-Protocol-Version header; when both are present they must agree;
//   - a modern version selects Modern, a legacy version Legacy, any other
//     value is UnsupportedProtocolVersionError with HTTP 400;
//   - no version at all: server/discover (modern-only) is Modern and then
//     fails the header checks; anything else is Legacy, version 2025-03-26
//     (2025-11-25 transports "Protocol Version Header").
func (r *request) selectEra() (Outcome, bool) {
	mv, hv := r.meta[metaVersion], r.h.ProtocolVersion
	if mv.Exists() && mv.Type != gjson.String {
		return r.fail(400, CodeInvalidParams, "Invalid params: "+fieldMetaVersion+" must be a string", nil), false
	}
	if mv.Exists() && hv != "" && mv.Str != hv {
		return r.mismatch(HeaderProtocolVersion + " header does not match " + fieldMetaVersion), false
	}
	v := hv
	if v == "" {
		v = mv.Str
	}
	switch era := versionEra(v); {
	case era != 0:
		r.era, r.version = era, v
	case v != "":
		return r.fail(400, CodeUnsupportedVersion, "Unsupported protocol version", unsupportedData(v)), false
	case r.method == MethodDiscover:
		r.era = Modern
	default:
		r.era, r.version = Legacy, AssumedLegacyVersion
	}
	if r.era == Modern {
		return r.checkModern()
	}
	return r.checkMirrored(false)
}

// checkModern applies 2026-07-28 streamable-http "Server Validation"
// (required headers present and equal to the body, else 400 -32020) and
// basic/index "_meta" (required fields present, else 400 -32602).
func (r *request) checkModern() (Outcome, bool) {
	if out, ok := r.checkMirrored(true); !ok {
		return out, false
	}
	switch {
	case !r.meta[metaVersion].Exists():
		return r.fail(400, CodeInvalidParams, "Invalid params: missing "+fieldMetaVersion, nil), false
	case !r.meta[metaCapabilities].Exists():
		return r.fail(400, CodeInvalidParams, "Invalid params: missing "+fieldMetaCapabilities, nil), false
	case !r.meta[metaCapabilities].IsObject():
		return r.fail(400, CodeInvalidParams, "Invalid params: "+fieldMetaCapabilities+" must be an object", nil), false
	}
	return Outcome{}, true
}

// checkMirrored checks the headers that mirror the body. Modern requires
// them; a Legacy request may still carry them (a dual-era client, or a
// gateway that routes on them), and those present must agree with the
// body too, so nothing in front of us can be told one thing while we do
// another ("Servers that process the request body MUST reject requests
// where the values specified in the headers do not match").
func (r *request) checkMirrored(required bool) (Outcome, bool) {
	h := r.h
	switch {
	case h.dup != "":
		return r.mismatch("duplicate " + h.dup + " header"), false
	case required && h.ProtocolVersion == "":
		return r.mismatch("missing " + HeaderProtocolVersion + " header"), false
	case required && h.Method == "":
		return r.mismatch("missing " + HeaderMethod + " header"), false
	case h.Method != "" && h.Method != r.method:
		return r.mismatch(HeaderMethod + " header does not match the request method"), false
	}
	if r.method == MethodToolsCall && (required || h.Name != "") {
		return r.checkName()
	}
	return Outcome{}, true
}

// checkName checks Mcp-Name against params.name for tools/call. A name that
// is not a string is left for tools/call to reject as invalid params.
func (r *request) checkName() (Outcome, bool) {
	if r.h.Name == "" {
		return r.mismatch("missing " + HeaderName + " header"), false
	}
	got, ok := decodeHeaderValue(r.h.Name)
	if !ok {
		return r.mismatch(HeaderName + " header is not a valid header value"), false
	}
	if name := r.p[pName]; name.Type == gjson.String && name.Str != got {
		return r.mismatch(HeaderName + " header does not match params.name"), false
	}
	return Outcome{}, true
}

// Base64 sentinel of 2026-07-28 streamable-http "Value Encoding".
const (
	b64Prefix = "=?base64?"
	b64Suffix = "?="
)

// decodeHeaderValue checks the characters of a mirrored header value
// (visible ASCII, space, tab) and decodes the Base64 sentinel form.
func decodeHeaderValue(v string) (string, bool) {
	for i := 0; i < len(v); i++ {
		if c := v[i]; (c < 0x20 && c != '\t') || c > 0x7e {
			return "", false
		}
	}
	if len(v) < len(b64Prefix)+len(b64Suffix) || !strings.HasPrefix(v, b64Prefix) || !strings.HasSuffix(v, b64Suffix) {
		return v, true
	}
	enc := v[len(b64Prefix) : len(v)-len(b64Suffix)]
	dec, err := base64.StdEncoding.DecodeString(enc)
	if err != nil {
		if dec, err = base64.RawStdEncoding.DecodeString(enc); err != nil {
			return "", false
		}
	}
	return string(dec), true
}

// knownMethod returns the constant for a method we know, else "".
func knownMethod(m string) string {
	switch m {
	case MethodInitialize:
		return MethodInitialize
	case MethodPing:
		return MethodPing
	case MethodDiscover:
		return MethodDiscover
	case MethodToolsList:
		return MethodToolsList
	case MethodToolsCall:
		return MethodToolsCall
	case NotificationInitialized:
		return NotificationInitialized
	case NotificationCancelled:
		return NotificationCancelled
	}
	return ""
}
