package template

import (
	"errors"
	"strings"

	gjt "github.com/higress-group/gjson_template"
	"github.com/higress-group/gjson_template/parse"
)

// parseFuncs stand in for Higress's getRealIP/getSocketIP at parse time; Compile rewrites their
// calls into reads of "_client" data, so they are never called.
var parseFuncs = gjt.FuncMap{
	"getRealIP":   func() string { return "" },
	"getSocketIP": func() string { return "" },
}

// rewrite prepares an engine template: {{.config.x}} actions where dot is the data root
// (root) become text, so they count as literal text; getRealIP/getSocketIP become reads of
// $._client; text nodes are recorded.
func (c *compiler) rewrite(n parse.Node, tp *Template, root bool) {
	switch n := n.(type) {
	case *parse.ListNode:
		for i, m := range n.Nodes {
			if a, ok := m.(*parse.ActionNode); ok && root && !c.sc.OverBody && isConfigAction(a) {
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
	case *parse.ChainNode: // (x).args...
		tp.usesData = true
		tp.usesArgs = tp.usesArgs || len(n.Field) > 0 && n.Field[0] == "args"
		c.rewrite(n.Node, tp, root)
	case *parse.FieldNode: // .args...
		tp.usesData = true
		tp.usesArgs = tp.usesArgs || n.Ident[0] == "args"
	case *parse.VariableNode: // $.args..., $v.args...
		tp.usesData = true
		tp.usesArgs = tp.usesArgs || len(n.Ident) > 1 && n.Ident[1] == "args"
	case *parse.DotNode:
		tp.usesData = true
	}
}

func (c *compiler) rewriteBranch(b *parse.BranchNode, tp *Template, listRoot, elseRoot bool) {
	c.rewrite(b.Pipe, tp, false)
	c.rewrite(b.List, tp, listRoot)
	if b.ElseList != nil {
		c.rewrite(b.ElseList, tp, elseRoot)
	}
}

func (c *compiler) rewriteCommand(cmd *parse.CommandNode, tp *Template) {
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
			tp.usesArgs = tp.usesArgs || gjsonMayReadArgs(cmd.Args[i+1:])
		}
	}
}

// gjsonMayReadArgs reports whether a gjson call with these arguments may read "args": its path
// is not a literal, or the literal mentions args.
func gjsonMayReadArgs(rest []parse.Node) bool {
	if len(rest) == 0 {
		return false
	}
	path, ok := rest[0].(*parse.StringNode)
	return !ok || strings.Contains(path.Text, "args")
}

// isConfigAction reports whether a is exactly {{.config.x}}.
func isConfigAction(a *parse.ActionNode) bool {
	if len(a.Pipe.Decl) != 0 || len(a.Pipe.Cmds) != 1 || len(a.Pipe.Cmds[0].Args) != 1 {
		return false
	}
	f, ok := a.Pipe.Cmds[0].Args[0].(*parse.FieldNode)
	return ok && len(f.Ident) == 2 && f.Ident[0] == "config"
}

// engineWriter tells the engine's writes of literal text nodes (known by their backing array)
// from the output of actions, which the sink escapes. An empty write is an action that printed
// nothing (text nodes are never empty): the sink sees it, since an empty value may be refused
// where it lands (a URL host label, a JSON value position).
type engineWriter struct {
	lits map[*byte]struct{}
	s    Sink
}

func (w *engineWriter) Write(p []byte) (int, error) {
	if len(p) == 0 {
		w.s.Value("", -1)
		return 0, w.s.Err()
	}
	if _, ok := w.lits[&p[0]]; ok {
		w.s.Text(string(p))
	} else {
		w.s.Value(string(p), -1)
	}
	if err := w.s.Err(); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Location describes where an engine execution failed ("<template>:1:5: executing ... at
// <.args.x>") without the engine's detail, which may quote data; "" when err says nothing
// safe. A data-shape error says so.
func Location(err error) string {
	var ee gjt.ExecError
	if errors.As(err, &ee) {
		s := strings.TrimPrefix(ee.Error(), "template: ")
		if i := strings.Index(s, ">: "); i >= 0 && strings.Contains(s[:i], " at <") {
			return s[:i+1]
		}
		return ""
	}
	if strings.HasSuffix(err.Error(), "data must be a valid JSON object or array") {
		return "the data is not a JSON object or array"
	}
	return ""
}
