package rest

import (
	"strings"
	_ "time/tzdata" // sprig's dateInZone needs zone data; a Wasm VM has no zoneinfo (Higress embeds it too)

	template "github.com/higress-group/gjson_template"
	"github.com/higress-group/gjson_template/parse"
)

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
	arg  int // index into Tool.args (segArg, segHole)
}

// tmpl is a compiled template: segs on the fast path, else eng (gjson_template).
type tmpl struct {
	segs       []seg
	eng        *template.Template
	lits       map[*byte]struct{} // the text nodes of eng, to tell literal writes from values
	usesData   bool               // eng reads its data (else it gets "{}")
	usesClient bool               // eng calls getRealIP/getSocketIP
	texts      []string           // literal text, for compile-time checks
	overBody   bool               // a response template: its data is the REST body, not {config, args}
}

// literal returns the template's text when it has no dynamic part.
func (tp *tmpl) literal() (string, bool) {
	if tp.eng != nil || !allLiteral(tp.segs) {
		return "", false
	}
	if len(tp.segs) == 0 {
		return "", true
	}
	return tp.segs[0].lit, true
}

// firstText returns the literal text the template starts with ("" when it starts with an action).
func (tp *tmpl) firstText() string {
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

// parseFuncs stand in for Higress's getRealIP/getSocketIP at parse time; compile rewrites their
// calls into reads of "_client" data, so they are never called.
var parseFuncs = template.FuncMap{
	"getRealIP":   func() string { return "" },
	"getSocketIP": func() string { return "" },
}

// compileTemplate parses src with gjson_template and, when it is made only of literals,
// {{.args.x}}, {{.config.x}} and {{uuidv4}}, turns it into segments. A template over a REST
// response body (overBody) only takes the fast path when it is all literal text.
func (c *compiler) compileTemplate(name, src string, overBody bool) (*tmpl, error) {
	eng, err := template.New(name).Funcs(parseFuncs).Parse(src)
	if err != nil {
		return nil, err
	}
	segs, ok := c.fastSegments(eng, overBody)
	if ok {
		tp := &tmpl{segs: segs}
		for _, sg := range segs {
			if sg.kind == segLit {
				tp.texts = append(tp.texts, sg.lit)
			}
		}
		return tp, nil
	}
	tp := &tmpl{eng: eng, lits: map[*byte]struct{}{}, overBody: overBody}
	for _, t := range eng.Templates() {
		if t.Tree != nil && t.Root != nil {
			c.rewrite(t.Root, tp, t == eng)
		}
	}
	return tp, nil
}

// splitHoles turns the {name} placeholders of path args in literal segments into segHole
// segments (a URL template's fast path fills them while rendering).
func (c *compiler) splitHoles(segs []seg) []seg {
	var out []seg
	for _, sg := range segs {
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
			k := c.tool.argIndex(s[i+1 : i+j])
			if k < 0 || c.tool.args[k].pos != posPath {
				out = appendLit(out, s[:i+j+1])
			} else {
				out = appendLit(out, s[:i])
				out = append(out, seg{kind: segHole, arg: k})
			}
			s = s[i+j+1:]
		}
	}
	return out
}

// fastSegments returns the segments of a template made only of text and fast actions (only of
// text when textOnly).
func (c *compiler) fastSegments(eng *template.Template, textOnly bool) ([]seg, bool) {
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
			if textOnly {
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

func allLiteral(segs []seg) bool {
	for _, sg := range segs {
		if sg.kind != segLit {
			return false
		}
	}
	return true
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
			return seg{kind: segLit, lit: printText(c.config.Get(a.Ident[1]))}, true
		case "args":
			i := c.tool.argIndex(a.Ident[1])
			if i < 0 {
				c.warn(c.cur, "template reads undeclared argument "+quote(a.Ident[1])+"; it renders empty")
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

// rewrite prepares an engine template: {{.config.x}} actions where dot is the data root
// (root) become text, so they count as literal text; getRealIP/getSocketIP become reads of
// $._client; text nodes are recorded.
func (c *compiler) rewrite(n parse.Node, tp *tmpl, root bool) {
	switch n := n.(type) {
	case *parse.ListNode:
		for i, m := range n.Nodes {
			if a, ok := m.(*parse.ActionNode); ok && root && !tp.overBody && isConfigAction(a) {
				sg, _ := c.fastAction(a)
				m = &parse.TextNode{NodeType: parse.NodeText, Pos: a.Pos, Text: []byte(sg.lit)}
				n.Nodes[i] = m
			}
			c.rewrite(m, tp, root)
		}
	case *parse.TextNode:
		if len(n.Text) > 0 {
			tp.lits[&n.Text[0]] = struct{}{}
			tp.texts = append(tp.texts, string(n.Text))
		}
	case *parse.ActionNode:
		c.rewrite(n.Pipe, tp, root)
	case *parse.IfNode:
		c.rewriteBranch(&n.BranchNode, tp, root, root)
	case *parse.RangeNode: // range and with set dot in their body, not in their else
		c.rewriteBranch(&n.BranchNode, tp, false, root)
	case *parse.WithNode:
		c.rewriteBranch(&n.BranchNode, tp, false, root)
	case *parse.TemplateNode:
		tp.usesData = true
		c.rewrite(n.Pipe, tp, root)
	case *parse.PipeNode:
		if n == nil {
			return
		}
		for _, cmd := range n.Cmds {
			c.rewriteCommand(cmd, tp)
		}
	case *parse.ChainNode:
		tp.usesData = true
		c.rewrite(n.Node, tp, root)
	case *parse.FieldNode, *parse.VariableNode, *parse.DotNode:
		tp.usesData = true
	}
}

func (c *compiler) rewriteBranch(b *parse.BranchNode, tp *tmpl, listRoot, elseRoot bool) {
	c.rewrite(b.Pipe, tp, false)
	c.rewrite(b.List, tp, listRoot)
	if b.ElseList != nil {
		c.rewrite(b.ElseList, tp, elseRoot)
	}
}

func (c *compiler) rewriteCommand(cmd *parse.CommandNode, tp *tmpl) {
	for i, a := range cmd.Args {
		id, ok := a.(*parse.IdentifierNode)
		if !ok {
			c.rewrite(a, tp, false)
			continue
		}
		switch id.Ident {
		case "getRealIP", "getSocketIP":
			field := "realIP"
			if id.Ident == "getSocketIP" {
				field = "socketIP"
			}
			cmd.Args[i] = &parse.VariableNode{NodeType: parse.NodeVariable, Pos: id.Pos,
				Ident: []string{"$", "_client", field}}
			tp.usesData, tp.usesClient = true, true
		case "gjson":
			tp.usesData = true
		}
	}
}

// isConfigAction reports whether a is exactly {{.config.x}}.
func isConfigAction(a *parse.ActionNode) bool {
	if len(a.Pipe.Decl) != 0 || len(a.Pipe.Cmds) != 1 || len(a.Pipe.Cmds[0].Args) != 1 {
		return false
	}
	f, ok := a.Pipe.Cmds[0].Args[0].(*parse.FieldNode)
	return ok && len(f.Ident) == 2 && f.Ident[0] == "config"
}
