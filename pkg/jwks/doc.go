// Package jwks keeps the JWK Set of bridge.clientAuth.jwt.jwksUri: fetched through a
// Transport (the plugin's callout), cached for a refresh interval that the issuer's
// Cache-Control max-age can shorten or lengthen within bounds, fetched once for all
// concurrent callers (single flight), fetched again at most every UnknownKIDInterval when a
// token names an unknown kid, and kept when a refresh fails. The body is untrusted:
// clientauth.ParseJWKS bounds its size and depth before parsing. The package imports no
// proxy-wasm SDK; time is injected.
package jwks
