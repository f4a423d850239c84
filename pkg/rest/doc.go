// Package rest turns a Higress-compatible REST tool definition (tools[] of a Higress
// mcp-server config in REST mode) into upstream requests, and REST responses into MCP
// CallToolResult objects.
//
// # Compile once, append per call
//
// CompileTool validates the spec and compiles every template once. A template made only of
// literal text, {{.args.x}}, {{.config.x}} and {{uuidv4}} (any spacing, trim markers and
// comments allowed) becomes a list of segments rendered by appending; {{.config.x}} is filled
// in at compile time. Every other template renders with Higress's own engine,
// github.com/higress-group/gjson_template (text/template over gjson, sprig functions), over the
// data Higress gives it: {"config": server.config, "args": declared args with defaults}. The
// fast path renders exactly what the engine renders over that data (fuzz-tested).
// getRealIP/getSocketIP read x-forwarded-for and SourceAddressHeader from clientHeaders.
//
// # Escaping by context
//
// Literal template text and server.config values are trusted and used as written. A value
// produced by a template action (an argument, or any engine output) is escaped for where it
// lands, which is decided by the literal text written before it (at run time, so {{if}}
// branches are handled):
//   - URL host: letters, digits, '-' and '_' only, else the call is refused;
//   - URL path: a {name} placeholder of a path arg gets url.PathEscape, so "../admin?x=1"
//     stays in its segment as "..%2Fadmin%3Fx=1"; a {{.args.x}} value written into the path
//     is escaped the same way except that '/' is kept, because Higress configs rely on
//     multi-segment values (a repository file path); it can never add a query or fragment,
//     and a resulting "." or ".." segment (also as %2E) refuses the call;
//   - URL query: url.QueryEscape, so a value cannot add parameters;
//   - header values: CR, LF or NUL refuses the call;
//   - JSON body templates (starting with '{' or '['): inside a JSON string literal a value is
//     JSON-escaped, so quotes and newlines keep the body valid;
//   - form body templates (form content-type): a value is form-escaped.
//
// Path args fill {name} placeholders with url.PathEscape; an unfilled placeholder refuses the
// call, naming the argument. Query args use url.QueryEscape; cookie args refuse ';' and
// control characters.
//
// # Response templates and .args
//
// responseTemplate.body and errorResponseTemplate render over the REST JSON body. We also give
// them .args: the resolved args object is appended as a last "args" field of the body object.
// gjson reads the first occurrence of a key, so a body that has its own top-level "args" keeps
// it (.args then means the body's field, as in Higress); only {{range $k, $v := .}} over the
// root sees the extra key. errorResponseTemplate also gets "_headers" {":status",
// "content-type"} the same way (Higress passes all response headers; the contract passes only
// these two). An array body is used as is (no .args); an empty body becomes {"args": ...}; a
// body that is not JSON gets an isError result with an excerpt (Higress: a template error).
//
// # Deliberate differences from Higress
//
//   - Values are escaped as above (Higress inserts them raw); unfilled placeholders, values
//     that would leave the URL host label, header values with line breaks, cookie values with
//     ';', and "."/".." path segments refuse the call.
//   - Query parameters keep template order, then args in declaration order (Higress sorts by
//     key); argsToJsonBody/body-arg JSON keeps declaration order, compact (Higress sorts keys).
//   - A template content-type wins: we never add a second content-type header.
//   - JSON null counts as an absent argument (default applied); unknown arg types and
//     positions are compile errors; int/float/bool are listed as integer/number/boolean.
//   - structuredContent only for a JSON object body, and then the text is that body.
//   - Template failures give "<template> could not be rendered: <location>" without the
//     engine's detail, which may quote data.
package rest
