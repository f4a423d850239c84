// Package rest turns a Higress-compatible REST tool definition (tools[] of a Higress
// mcp-server config in REST mode) into upstream requests, and REST responses into MCP
// CallToolResult objects.
//
// A compiled Tool is three parts: its arguments (schema, validation, defaults), a request plan
// (method, URL, headers and body templates, compiled by pkg/template) and a response plan
// (responseTemplate, errorResponseTemplate, outputSchema). CompileTool validates a ToolSpec
// and compiles every template once; per call, nothing is parsed again.
//
// # Arguments and where they land
//
// Path args fill {name} placeholders with url.PathEscape; an unfilled placeholder refuses the
// call, naming the argument. Query args use url.QueryEscape; header args refuse CR, LF and
// NUL; cookie args refuse ';' and control characters. Template values are escaped by
// pkg/template for where they land (URL host, path, query, header, JSON string, form); the
// whole URL is then checked: http(s) only, no fragment, no "." or ".." path segment.
//
// # Response templates and .args
//
// responseTemplate.body and errorResponseTemplate render over the REST JSON body. We also give
// them .args: the resolved args object is appended as a last "args" field of the body object.
// gjson reads the first occurrence of a key, so a body that has its own top-level "args" keeps
// it (.args then means the body's field, as in Higress); only {{range $k, $v := .}} over the
// root sees the extra key. errorResponseTemplate also gets "_headers" {":status",
// "content-type"} the same way (Higress passes all response headers; we pass only these two).
// An array body is used as is (no .args); an empty body becomes {"args": ...}; a body that is
// not JSON gets an isError result with an excerpt (Higress: a template error).
//
// # Deliberate differences from Higress
//
//   - Values are escaped (Higress inserts them raw); unfilled placeholders, values that would
//     leave the URL host label, header values with line breaks, cookie values with ';', and
//     "."/".." path segments refuse the call.
//   - Query parameters keep template order, then args in declaration order (Higress sorts by
//     key); argsToJsonBody/body-arg JSON keeps declaration order, compact (Higress sorts keys).
//   - A template content-type wins: we never add a second content-type header.
//   - JSON null counts as an absent argument (default applied); unknown arg types and
//     positions are compile errors; int/float/bool are listed as integer/number/boolean.
//   - structuredContent only for a JSON object body, and then the text is that body.
//   - Template failures give "<template> could not be rendered: <location>" without the
//     engine's detail, which may quote data.
package rest
