package template

import (
	"crypto/rand"
	"strconv"
	"strings"
	"sync"
	_ "time/tzdata" // sprig's dateInZone needs zone data; a Wasm VM has no zoneinfo (Higress embeds it too)

	"github.com/Masterminds/sprig/v3"
	gjt "github.com/higress-group/gjson_template"
	"github.com/higress-group/gjson_template/parse"
	"github.com/tidwall/gjson"
)

// Scope is what a template may refer to, fixed when it is compiled.
type Scope struct {
	Config   gjson.Result // server.config: {{.config.x}} becomes literal text at compile time
	Args     []string     // declared argument names; an argument's index here is its index everywhere
	OverBody bool         // a response template: its data is the REST body, not {config, args}
	// Warn receives compile-time findings (a read of an undeclared argument); nil drops them.
	Warn func(msg string)
	// Rand is the randomness of {{uuidv4}} on the fast path; nil means crypto/rand.
	Rand func([]byte) (int, error)
}

// engineFuncNames are the function names gjson_template's Template.Parse accepts besides
// parseFuncs: its own built-ins and sprig's text functions without env and expandenv
// (gjson_template's builtins()). Its Parse builds that map, sprig's ~200 functions included,
// anew for every template: most of plugin start's allocation with a large catalog (several
// templates per tool). parseEngine parses against this set, built once per VM; the parse
// itself only asks whether a name is in it. TestEngineFuncNames pins the set to Parse's.
var engineFuncNames = sync.OnceValue(func() map[string]any {
	names := sprig.TxtFuncMap()
	delete(names, "env")
	delete(names, "expandenv")
	for _, n := range [...]string{"and", "call", "html", "index", "slice", "js", "len", "not", "or",
		"print", "printf", "println", "urlquery", "gjson", "eq", "ge", "gt", "le", "lt", "ne"} {
		names[n] = true
	}
	return names
})

// parseEngine is gjt.New(name).Funcs(parseFuncs).Parse(src) with the function names from
// engineFuncNames: the same trees, associated as Parse does.
func parseEngine(name, src string) (*gjt.Template, error) {
	eng := gjt.New(name).Funcs(parseFuncs)
	trees, err := parse.Parse(name, src, "", "", parseFuncs, engineFuncNames())
	if err != nil {
		return nil, err
	}
	for n, tree := range trees {
		if _, err := eng.AddParseTree(n, tree); err != nil {
			return nil, err
		}
	}
	return eng, nil
}

type segKind uint8

const (
	segLit  segKind = iota
	segArg          // {{.args.x}}
	segUUID         // {{uuidv4}}
	segHole         // a {name} URL placeholder of a path arg: the value is required
)

// seg is one piece of a fast-path template.
type seg struct {
	kind segKind
	lit  string
	arg  int // argument index (segArg, segHole)
}

// Template is a compiled template: segs on the fast path, else eng (gjson_template). It is
// immutable after compilation and safe for concurrent use.
type Template struct {
	segs       []seg
	eng        *gjt.Template
	lits       map[*byte]struct{} // the text nodes of eng, to tell literal writes from values
	usesData   bool               // eng reads its data (else it gets "{}")
	usesClient bool               // eng calls getRealIP/getSocketIP
	usesArgs   bool               // eng may read .args (a field, $.args, or a gjson path naming args)
	texts      []string           // literal text, for compile-time checks
	rand       func([]byte) (int, error)
}

// Compile parses src with gjson_template and, when it is made only of literal text,
// {{.args.x}}, {{.config.x}} and {{uuidv4}}, turns it into segments rendered by appending. A
// template over a REST body (sc.OverBody) takes the fast path only when it is all literal text.
func Compile(name, src string, sc Scope) (*Template, error) {
	eng, err := parseEngine(name, src)
	if err != nil {
		return nil, err
	}
	c := &compiler{sc: sc}
	tp := &Template{rand: sc.Rand}
	if tp.rand == nil {
		tp.rand = rand.Read
	}
	if segs, ok := c.fastSegments(eng); ok {
		tp.segs = segs
		for _, sg := range segs {
			if sg.kind == segLit {
				tp.texts = append(tp.texts, sg.lit)
			}
		}
		return tp, nil
	}
	tp.eng, tp.lits = eng, map[*byte]struct{}{}
	for _, t := range eng.Templates() {
		if t.Tree != nil && t.Root != nil {
			c.rewrite(t.Root, tp, t == eng)
		}
	}
	return tp, nil
}

// compiler carries Compile's state.
type compiler struct{ sc Scope }

func (c *compiler) argIndex(name string) int {
	for i, n := range c.sc.Args {
		if n == name {
			return i
		}
	}
	return -1
}

// Literal returns the template's text when it has no dynamic part.
func (tp *Template) Literal() (string, bool) {
	if tp.eng != nil {
		return "", false
	}
	for _, sg := range tp.segs {
		if sg.kind != segLit {
			return "", false
		}
	}
	if len(tp.segs) == 0 {
		return "", true
	}
	return tp.segs[0].lit, true
}

// Texts returns the template's literal text nodes, in order (shared: do not modify).
func (tp *Template) Texts() []string { return tp.texts }

// UsesClient reports whether the template calls getRealIP or getSocketIP.
func (tp *Template) UsesClient() bool { return tp.usesClient }

// UsesArgs reports whether an engine template may read "args" from its data: a response
// template that does not gets the REST body alone, so {{ . }} renders exactly the backend's
// JSON. It over-approximates (an "args" field of a ranged-over element counts too), never under.
// A fast-path template reads args through Values.Arg, not its data: false.
func (tp *Template) UsesArgs() bool { return tp.usesArgs }

// FirstText returns the literal text the template starts with ("" when it starts with an action).
func (tp *Template) FirstText() string {
	if tp.eng == nil {
		if len(tp.segs) > 0 && tp.segs[0].kind == segLit {
			return tp.segs[0].lit
		}
		return ""
	}
	s := ""
	for _, n := range tp.eng.Root.Nodes {
		switch n := n.(type) {
		case *parse.TextNode:
			s += string(n.Text)
		case *parse.CommentNode:
		default:
			return s
		}
	}
	return s
}

// LiteralText returns all the literal text of the template (not of {{define}}d ones), in
// document order, every branch included: what the template writes when each value renders
// empty. A request body is JSON when this text is, whatever action comes first.
func (tp *Template) LiteralText() string {
	if tp.eng == nil {
		var b strings.Builder
		for _, sg := range tp.segs {
			if sg.kind == segLit {
				b.WriteString(sg.lit)
			}
		}
		return b.String()
	}
	var b strings.Builder
	appendText(&b, tp.eng.Root)
	return b.String()
}

// appendText writes the text nodes under n in document order.
func appendText(b *strings.Builder, n parse.Node) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, m := range n.Nodes {
			appendText(b, m)
		}
	case *parse.TextNode:
		b.Write(n.Text)
	case *parse.IfNode:
		appendText(b, n.List)
		appendText(b, n.ElseList)
	case *parse.RangeNode:
		appendText(b, n.List)
		appendText(b, n.ElseList)
	case *parse.WithNode:
		appendText(b, n.List)
		appendText(b, n.ElseList)
	}
}

// Sample returns a fast-path template's text with every value replaced by fill, and the
// number of values; ok is false for an engine template.
func (tp *Template) Sample(fill string) (s string, values int, ok bool) {
	if tp.eng != nil {
		return "", 0, false
	}
	var b strings.Builder
	for _, sg := range tp.segs {
		if sg.kind == segLit {
			b.WriteString(sg.lit)
		} else {
			b.WriteString(fill)
			values++
		}
	}
	return b.String(), values, true
}

// SplitPlaceholders turns the {name} placeholders in a fast-path template's literal text into
// required values of argument arg(name); names for which arg returns -1 stay text.
func (tp *Template) SplitPlaceholders(arg func(name string) int) {
	var out []seg
	for _, sg := range tp.segs {
		if sg.kind != segLit {
			out = append(out, sg)
			continue
		}
		s := sg.lit
		for {
			i := strings.IndexByte(s, '{')
			j := -1
			if i >= 0 {
				j = strings.IndexByte(s[i:], '}')
			}
			if j < 0 {
				out = appendLit(out, s)
				break
			}
			if k := arg(s[i+1 : i+j]); k < 0 {
				out = appendLit(out, s[:i+j+1])
			} else {
				out = appendLit(out, s[:i])
				out = append(out, seg{kind: segHole, arg: k})
			}
			s = s[i+j+1:]
		}
	}
	tp.segs = out
}

// fastSegments returns the segments of a template made only of text and fast actions (only of
// text over a REST body).
func (c *compiler) fastSegments(eng *gjt.Template) ([]seg, bool) {
	if len(eng.Templates()) != 1 || eng.Tree == nil || eng.Root == nil {
		return nil, false
	}
	var segs []seg
	for _, n := range eng.Root.Nodes {
		switch n := n.(type) {
		case *parse.TextNode:
			segs = appendLit(segs, string(n.Text))
		case *parse.CommentNode:
		case *parse.ActionNode:
			if c.sc.OverBody {
				return nil, false
			}
			sg, ok := c.fastAction(n)
			if !ok {
				return nil, false
			}
			if sg.kind == segLit {
				segs = appendLit(segs, sg.lit)
			} else {
				segs = append(segs, sg)
			}
		default:
			return nil, false
		}
	}
	return segs, true
}

func appendLit(segs []seg, s string) []seg {
	if s == "" {
		return segs
	}
	if n := len(segs); n > 0 && segs[n-1].kind == segLit {
		segs[n-1].lit += s
		return segs
	}
	return append(segs, seg{kind: segLit, lit: s})
}

// fastAction recognizes {{.args.x}}, {{.config.x}} and {{uuidv4}}.
func (c *compiler) fastAction(n *parse.ActionNode) (seg, bool) {
	if len(n.Pipe.Decl) != 0 || len(n.Pipe.Cmds) != 1 || len(n.Pipe.Cmds[0].Args) != 1 {
		return seg{}, false
	}
	switch a := n.Pipe.Cmds[0].Args[0].(type) {
	case *parse.FieldNode:
		if len(a.Ident) != 2 {
			return seg{}, false
		}
		switch a.Ident[0] {
		case "config":
			return seg{kind: segLit, lit: printText(c.sc.Config.Get(a.Ident[1]))}, true
		case "args":
			i := c.argIndex(a.Ident[1])
			if i < 0 {
				if c.sc.Warn != nil {
					c.sc.Warn("template reads undeclared argument " + strconv.Quote(a.Ident[1]) + "; it renders empty")
				}
				return seg{kind: segLit}, true
			}
			return seg{kind: segArg, arg: i}, true
		}
	case *parse.IdentifierNode:
		if a.Ident == "uuidv4" {
			return seg{kind: segUUID}, true
		}
	}
	return seg{}, false
}

// printText is how gjson_template prints a value: strings unquoted, other values as their
// JSON text (server.config is compact, so objects print compact), nothing when missing.
func printText(v gjson.Result) string {
	if v.Type == gjson.String {
		return v.Str
	}
	return v.Raw
}
