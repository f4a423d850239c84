// Package clientauth authenticates the MCP client at the gateway and authorizes it per tool.
//
// A caller proves who it is with one of three credentials, in this order of precedence:
// an API key ("Authorization: Bearer <key>" or "X-API-Key: <key>", compared in constant time
// over SHA-256 digests so neither content nor length leaks through timing), a JWT verified
// locally against a configured JWKS (RS*, PS*, ES256/ES384, EdDSA; "none" and HMAC are
// always refused), or a consumer name set by an earlier authentication filter in a header the
// operator names (trustedConsumerHeader). The result is an Identity: the consumer, its scopes
// and the kind of credential that proved it.
//
// Authorization is per tool (Allow): required scopes and/or allowed consumers. Failures map to
// the answers of RFC 6750 and RFC 9728 that MCP clients understand (Challenge, Metadata).
//
// The package does not import the proxy-wasm SDK and does not log. No error text contains a
// presented credential, a configured key or any part of a token.
package clientauth
