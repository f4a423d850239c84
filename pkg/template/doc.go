// Package template compiles and renders Higress REST tool templates (requestTemplate url,
// headers and body; responseTemplate.body; errorResponseTemplate) and escapes every value for
// the place it lands.
//
// # Compile once, append per call
//
// Compile parses a template once. A template made only of literal text, {{.args.x}},
// {{.config.x}} and {{uuidv4}} (any spacing, trim markers and comments allowed) becomes a list
// of segments rendered by appending; {{.config.x}} is filled in at compile time. Every other
// template renders with Higress's own engine, github.com/higress-group/gjson_template
// (text/template over gjson, sprig functions), over the data Higress gives it:
// {"config": server.config, "args": declared args with defaults}. The fast path renders
// exactly what the engine renders over that data (fuzz-tested). getRealIP/getSocketIP are
// rewritten into reads of "_client" data, which the caller's Values supply.
//
// # Escaping by context
//
// Literal template text and server.config values are trusted and used as written. A value
// produced by a template action (an argument, or any engine output) goes to a Sink, which
// escapes it for where it lands, decided by the literal text written before it (at run time,
// so {{if}} branches are handled):
//   - URLSink, URL host: letters, digits, '-' and '_' only, else a *ValueError;
//   - URLSink, URL path: a {name} placeholder (Placeholder) gets url.PathEscape, so
//     "../admin?x=1" stays in its segment as "..%2Fadmin%3Fx=1"; a {{.args.x}} value is
//     escaped the same way except that '/' is kept, because Higress configs rely on
//     multi-segment values (a repository file path); the caller refuses "." and ".." segments;
//   - URLSink, URL query: url.QueryEscape, so a value cannot add parameters;
//   - TextSink for a header value: CR, LF or NUL in a value is a *ValueError;
//   - BodySink, JSON body: inside a JSON string literal a value is JSON-escaped, so quotes
//     and newlines keep the body valid; BodySink, form body: a value is form-escaped.
package template
