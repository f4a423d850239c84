// Package security compiles Higress-style securitySchemes into per-tool credential policies
// and applies them to upstream requests. It is stdlib-only and host-agnostic: requests are
// plain values (Inbound) and a small interface (Target).
//
// # Schemes
//
// server.securitySchemes[] entries have an id (unique, non-empty) and a type:
//
//   - http with scheme basic or bearer (type and scheme words match case-insensitively);
//   - apiKey with in header, query or cookie and a name (a header or cookie name must be an
//     RFC 9110 token; hop-by-hop, framing, Cookie and Proxy-Authorization headers are refused);
//   - oauth2 with one flow (clientCredentials or tokenExchange; pkg/config compiles the token
//     endpoint settings with pkg/oauth2): a bearer credential in the Authorization header. As C
//     it is read as a bearer token; as U the token is obtained per call (ApplyOAuth2, then
//     PutToken), and for tokenExchange the client's credential per C (passthrough) is the
//     subject token.
//
// openIdConnect and mutualTLS are config errors ("not supported"), any other type or http
// scheme is "unknown"; both list the accepted values. Fields that do not belong to the type
// (in/name on http, scheme on apiKey) are config errors too.
// defaultCredential (and requestTemplate.security.credential) is a literal or exactly
// "${NAME}", read from the Wasm VM environment at start; a missing or empty variable, an empty
// value, or "${" anywhere else is a config error naming the path and variable, never a value.
// A basic credential is "user:pass" (encoded once, at start); a bearer credential is a token68;
// an API key is visible ASCII (cookie-octets for cookies).
//
// # Resolution
//
// C is the client scheme (tools[].security.id, else server.defaultDownstreamSecurity.id) and
// U the upstream scheme (requestTemplate.security.id, else server.defaultUpstreamSecurity.id).
//
//	case                    upstream credential                         if it cannot be had
//	no U, no passthrough    none                                        -
//	U, passthrough off      credential override, else U's default       config error
//	passthrough on          client's core credential per C, set per U   *Error, no upstream call
//	passthrough, no U       client's credential, in C's own form/place  *Error, no upstream call
//
// Unknown ids are config errors. Passthrough needs C. With passthrough on, the template
// credential is ignored: it is not resolved, so an unset "${NAME}" there does not fail
// (Policy.IgnoredCredentialPath lets pkg/config warn). A default is never a fallback for a
// missing client credential. Tools without an upstream request (NoUpstream) only have their
// ids checked, and Apply does nothing for them.
//
// # Passthrough compatibility (C -> U)
//
//	C \ U          http:basic   http:bearer   apiKey:*
//	http:basic     ok           config error  config error
//	http:bearer    config error ok            ok
//	apiKey:*       config error ok (1)        ok (2)
//
// A Basic credential is base64 of user:pass, not a token, and a token is not user:pass, so
// basic only pairs with basic. Bearer tokens and API keys are opaque and move freely, with
// the value checked per request against the destination: (1) an API key sent as Bearer must
// be a token68; (2) an API key sent in a cookie must be cookie-octets. Failing values are
// refused as malformed, never reshaped.
//
// # Client credentials (passthrough)
//
// Authorization must occur exactly once and be "<Basic|Bearer> 1*SP <token68>", scheme word
// in any case; a Basic token must be padded, canonical standard base64 of "user:pass" without
// control characters. An API key header must occur exactly once; a query key exactly once in
// the raw query (percent-decoded, '+' is space); a cookie exactly once across all Cookie
// headers (RFC 6265 pairs, optional quotes). Values must be non-empty (absent or empty:
// mcp-rest.missing-credential; anything else wrong: mcp-rest.malformed-credential). Messages
// name the tool, the expected form and the carrier, never client input.
//
// # Stripping and setting
//
// Apply removes C's carrier and Proxy-Authorization from the upstream request, and
// Authorization unless the tool's template sets it itself, then sets the upstream credential
// exactly once, replacing anything a template or argument put there: Bearer ->
// "Authorization: Bearer <c>", basic -> "Authorization: Basic <b64>", apiKey -> the named
// header, query parameter or cookie. When Apply refuses (*Error) it has still stripped, and
// emptied U's carrier too, but set nothing: the caller must not send the request.
// Proxy-Authorization is always removed and is not listed by Policy.Carriers.
//
// passthroughAuthHeader (Higress, server-wide) is an operator opt-in: for tools with no C and
// no U (and no template Authorization) the client's Authorization header is copied upstream
// unchanged and unvalidated; two such headers are refused as malformed.
package security
