package clientauth

import (
	"encoding/json"
	"errors"
	"net/url"
	"strings"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/internal/jsonenc"
)

// WellKnownPath is where RFC 9728 §3 puts protected resource metadata.
const WellKnownPath = "/.well-known/oauth-protected-resource"

// ResourceMetadata is bridge.clientAuth.resourceMetadata.
type ResourceMetadata struct {
	Resource             string
	AuthorizationServers []string
	ScopesSupported      []string
}

// Metadata is the compiled RFC 9728 answer: the document, where it is served, and the URL
// challenges point to.
type Metadata struct {
	doc   []byte
	url   string
	paths []string
}

// MetadataError says why resourceMetadata.resource is refused.
type MetadataError struct{ Msg string }

func (e *MetadataError) Error() string { return "clientauth: resourceMetadata: " + e.Msg }

// NewMetadata compiles rm. The resource must be an absolute http(s) URL without query or
// fragment (RFC 9728 §1.2, RFC 8707 §2). The metadata URL inserts the well-known path between
// the resource's host and its path (RFC 9728 §3.1): https://mcp.example.com/mcp ->
// https://mcp.example.com/.well-known/oauth-protected-resource/mcp.
func NewMetadata(rm ResourceMetadata) (*Metadata, error) {
	u, err := url.Parse(rm.Resource)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil ||
		u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" || strings.ContainsAny(rm.Resource, "?#\"\\ ") {
		return nil, &MetadataError{Msg: "resource must be an absolute http(s) URL without query or fragment"}
	}
	path := strings.TrimSuffix(u.EscapedPath(), "/")
	m := &Metadata{
		url:   u.Scheme + "://" + u.Host + WellKnownPath + path,
		paths: []string{WellKnownPath},
	}
	if path != "" {
		m.paths = append(m.paths, WellKnownPath+path)
	}
	doc := struct {
		Resource               string   `json:"resource"`
		AuthorizationServers   []string `json:"authorization_servers,omitempty"`
		ScopesSupported        []string `json:"scopes_supported,omitempty"`
		BearerMethodsSupported []string `json:"bearer_methods_supported"`
	}{rm.Resource, rm.AuthorizationServers, rm.ScopesSupported, []string{"header"}}
	if m.doc, err = json.Marshal(doc); err != nil {
		return nil, &MetadataError{Msg: "cannot be encoded"}
	}
	return m, nil
}

// Document returns the metadata JSON.
func (m *Metadata) Document() []byte { return m.doc }

// URL returns the metadata URL challenges name in resource_metadata.
func (m *Metadata) URL() string { return m.url }

// Serves reports whether a GET of path (query ignored) is a request for the metadata.
func (m *Metadata) Serves(path string) bool {
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	for _, p := range m.paths {
		if path == p {
			return true
		}
	}
	return false
}

// Answer is the HTTP answer to an authentication or authorization failure.
type Answer struct {
	Status          uint32
	WWWAuthenticate string // "" when none is sent
	Body            []byte // {"error":"Unauthorized"|"Forbidden","message":"..."}
	Reason          Reason // stable reason; "forbidden" for a *ForbiddenError
}

// ReasonForbidden is the Answer reason of a *ForbiddenError.
const ReasonForbidden Reason = "forbidden"

// ReasonKeysUnavailable is the Answer reason of a *KeysNeededError that could not be
// resolved: the gateway has no JWKS, which says nothing about the client's token.
const ReasonKeysUnavailable Reason = "keys_unavailable"

// Challenge turns an error of Authenticate or Check into its answer (RFC 6750 §3, RFC 9728
// §5.1, MCP 2026-07-28 authorization "Error Handling"). m may be nil (no resourceMetadata).
func Challenge(m *Metadata, err error) Answer {
	var (
		miss *MissingError
		inv  *InvalidTokenError
		forb *ForbiddenError
		keys *KeysNeededError
	)
	switch {
	case errors.As(err, &keys):
		// 503, not 401: telling a client its token is bad would make it drop a good token.
		return Answer{503, "", errorBody("Service Unavailable",
			"the keys to verify tokens could not be obtained from the issuer; try again later"), ReasonKeysUnavailable}
	case errors.As(err, &inv):
		return Answer{401, bearer(m, `error="invalid_token"`), errorBody("Unauthorized", inv.Msg), inv.Why}
	case errors.As(err, &forb) && len(forb.MissingScopes) > 0:
		return Answer{403, bearer(m, `error="insufficient_scope"`, scopeParam(forb.MissingScopes)),
			errorBody("Forbidden", "tool "+forb.Tool+" requires scope "+strings.Join(forb.MissingScopes, " ")), ReasonForbidden}
	case errors.As(err, &forb):
		return Answer{403, "", errorBody("Forbidden", "tool "+forb.Tool+" is not allowed for this consumer"), ReasonForbidden}
	case errors.As(err, &miss):
		return Answer{401, bearer(m, scopeParam(miss.Scopes)), errorBody("Unauthorized", "authentication required"), ReasonMissing}
	}
	return Answer{401, bearer(m, `error="invalid_token"`), errorBody("Unauthorized", "credential refused"), ReasonMalformed}
}

// bearer builds a Bearer challenge: resource_metadata first, then params ("" skipped).
func bearer(m *Metadata, params ...string) string {
	var parts []string
	if m != nil {
		parts = append(parts, `resource_metadata="`+m.url+`"`)
	}
	for _, p := range params {
		if p != "" {
			parts = append(parts, p)
		}
	}
	if len(parts) == 0 {
		return "Bearer"
	}
	return "Bearer " + strings.Join(parts, ", ")
}

// scopeParam is scope="a b" (scope tokens never hold '"' or '\', RFC 6749 §3.3; config checks it).
func scopeParam(scopes []string) string {
	if len(scopes) == 0 {
		return ""
	}
	return `scope="` + strings.Join(scopes, " ") + `"`
}

func errorBody(kind, msg string) []byte {
	b := append([]byte(`{"error":"`), kind...)
	b = append(b, `","message":`...)
	b = jsonenc.AppendString(b, msg)
	return append(b, '}')
}
