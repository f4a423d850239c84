package convert

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxToolName is MCP's limit on a tool name.
const maxToolName = 128

// maxDescription bounds a tool description: summaries plus long descriptions of real documents
// run to pages, which every client re-reads on each tools/list.
const maxDescription = 1024

// snake turns an operationId or path into snake_case: "getPetById" -> "get_pet_by_id",
// "HTTPServer" -> "http_server", "/pets/{petId}" -> "pets_pet_id".
func snake(s string) string {
	var b strings.Builder
	rs := []rune(s)
	for i, r := range rs {
		switch {
		case unicode.IsUpper(r):
			prevLower := i > 0 && (unicode.IsLower(rs[i-1]) || unicode.IsDigit(rs[i-1]))
			nextLower := i > 0 && i+1 < len(rs) && unicode.IsUpper(rs[i-1]) && unicode.IsLower(rs[i+1])
			if prevLower || nextLower {
				b.WriteByte('_')
			}
			b.WriteRune(unicode.ToLower(r))
		case r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	out := b.String()
	for strings.Contains(out, "__") {
		out = strings.ReplaceAll(out, "__", "_")
	}
	return strings.Trim(out, "_")
}

// toolName is the operation's base name: its operationId, else method + path.
func toolName(prefix string, o *operation) string {
	base := snake(o.operationID)
	if base == "" {
		base = snake(strings.ToLower(o.method) + "_" + o.path)
	}
	name := prefix + base
	if len(name) > maxToolName-4 {
		name = name[:maxToolName-4]
	}
	return name
}

// namer gives each operation a unique name: on a collision, the later operation (document
// order) gets _2, _3, ... so the result depends only on the document.
type namer map[string]bool

func (n namer) unique(name string) string {
	if !n[name] {
		n[name] = true
		return name
	}
	for i := 2; ; i++ {
		c := name + "_" + strconv.Itoa(i)
		if !n[c] {
			n[c] = true
			return c
		}
	}
}

// description joins summary and description, trimmed to maxDescription characters.
func description(o *operation) string {
	parts := []string{}
	for _, p := range []string{strings.TrimSpace(o.summary), strings.TrimSpace(o.description)} {
		if p != "" && (len(parts) == 0 || parts[0] != p) {
			parts = append(parts, p)
		}
	}
	return truncate(strings.Join(parts, "\n\n"), maxDescription)
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	rs := []rune(s)
	return strings.TrimSpace(string(rs[:n-1])) + "…"
}

// envName is an environment variable name from parts: "petstore", "api_key" -> PETSTORE_API_KEY.
func envName(parts ...string) string {
	var out []string
	for _, p := range parts {
		if s := strings.ToUpper(snake(p)); s != "" {
			out = append(out, s)
		}
	}
	name := strings.Join(out, "_")
	if name == "" || name[0] >= '0' && name[0] <= '9' {
		name = "X_" + name
	}
	return name
}
