// Package oauth2 obtains OAuth2 access tokens for upstream requests: the client credentials
// grant (RFC 6749 §4.4) and token exchange (RFC 8693), with a cache that is shared by the
// worker VMs of one gateway through the host's shared data.
//
// The package does not import the proxy-wasm SDK. It reaches the host through three small
// interfaces that the plugin implements: Transport (the HTTP callout to the token endpoint),
// Store (proxy-wasm shared data with compare-and-swap) and a clock.
//
// Nothing here logs, and no error text contains a token, a client secret, a subject token or
// any part of a token endpoint's response body.
package oauth2
