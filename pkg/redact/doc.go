// Package redact removes the credentials of one tools/call from what the MCP client gets back.
//
// A backend may echo what it received: a 401 quoting {"X-API-Key": "..."}, httpbin-style debug
// output with every header, the request URL with api_key=..., the Basic header. Before anything
// reaches the client, every credential of the call is replaced by "[REDACTED]".
//
// # What a Set looks for
//
// A Set is built from security.Credential values: the configured default credentials of the
// tool's client and upstream schemes and its override (compiled once, at start), plus the
// credential a call applied (the client's passthrough token). For each it looks for:
//   - the value itself (a bearer token, an API key, a cookie value);
//   - for HTTP Basic: "user:pass", its base64 (the token of "Authorization: Basic ..."; without
//     padding, so a padded and an unpadded echo both match), and the password alone;
//   - for a whole Authorization value (passthroughAuthHeader): the token after the scheme word
//     (and the Basic forms when the word is "Basic").
//
// Each of these is matched in every encoding a backend's echo may use, character by character
// and in any mix: raw; JSON-escaped (\" \\ \/ \n ..., \uXXXX in either case, surrogate pairs,
// so Go's <>& escaping, PHP's \/ and Python's ensure_ascii are all covered); URL-encoded (%XX
// in either case for any subset of the characters, '+' for a space: query-escaped and
// path-escaped alike). A secret containing '\' also gets its JSON-escaped form as a literal
// pattern, so it is found JSON-escaped inside non-JSON text too.
//
// # Where
//
// The plugin redacts at two points, because escaping changes a secret's form between them:
//  1. The backend body, before conversion (Set.Body). Here the secret is in the form the backend
//     wrote, and redacting before the conversion also means the error excerpt is cut after
//     redaction (a secret straddling the cut cannot leave a prefix behind), and the
//     structuredContent and the response templates see redacted data. Once the body is pasted
//     into a text content it is JSON-escaped once more (a backend's "tok\/en" becomes
//     "tok\\/en"), a form only this first pass sees decoded.
//  2. The final JSON-RPC body (Set.JSON), when it can find more than the first pass removed:
//     a template assembles text from parts (printf, b64dec), prependBody/appendBody join the
//     body, or a secret holds bytes that escaping or JSON structure can split (a '"' or ','
//     key spanning two strings of the body reads as the key once the body is a text content).
//     For plain tokens and no template (Set.PlainText) the second pass is skipped: it could
//     find nothing (FuzzRedact checks that), and a scan of the whole message per call is the
//     largest cost of redaction (make bench).
//
// An image body is not rewritten (changing its bytes would corrupt it): when it contains a
// secret, the plugin withholds it (Set.Contains).
//
// # JSON stays JSON
//
// On a valid JSON document (Set.JSON, and Set.Body when the body is JSON) matches are replaced
// only inside strings, starting and ending on whole characters or escapes, so the result is
// valid JSON again. A secret written as a number or literal outside a string (an all-digit key
// echoed as a number) replaces that whole token with the string "[REDACTED]". Occurrences that
// span JSON structure (a key, a quote and a value) are not an echo in any encoding and are left.
// Non-JSON bodies are redacted as bytes.
//
// # Overlaps, substrings, the marker
//
// The scan is one left-to-right pass over the bytes for all patterns at once: at each position
// the longest match of any pattern wins, and a match is extended while another match starts
// inside it and ends beyond it, so overlapping secrets leave no tail. Scanning resumes after the
// replaced span, in the input, so the marker itself is never rescanned: "[REDACTED]" followed by
// text can never be turned into a new match, and a secret that is "[REDACTED]" cannot loop.
//
// # Short secrets
//
// A secret (or derived pattern) shorter than MinLength bytes is only redacted where it stands
// as a whole token: the bytes around it are not letters, digits, '-' or '_'. A 1-character key
// "k" is thus redacted in "X-API-Key: k", "api_key=k&" or "\"k\"" but does not shred every
// "k" of the response. Such credentials are weak anyway; the plugin logs a warning at start for
// configured ones.
//
// # Cost
//
// No allocation and one pass per body when nothing matches: the bytes that can start a match
// (the patterns' first bytes and the escape introducers '\', '%' and '+') are searched for 8
// bytes at a time (scan.go), an escape is read with a table lookup, and a candidate is
// confirmed with a byte compare. Patterns are built once per tool at start; a passthrough
// call adds its own (With).
package redact
