// Command openapi-to-mcp converts an OpenAPI 3.0/3.1 or Swagger 2.0 document (YAML or JSON,
// a file or stdin) into an mcp-rest-bridge plugin configuration. Its flags follow Higress's
// openapi-to-mcpserver where that tool has one; the conversion is done by package convert.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/tools/openapi-to-mcp/convert"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// list is a repeatable flag that also splits on commas.
type list []string

func (l *list) String() string { return strings.Join(*l, ",") }
func (l *list) Set(v string) error {
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			*l = append(*l, s)
		}
	}
	return nil
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("openapi-to-mcp", flag.ContinueOnError)
	fs.SetOutput(stderr)
	input := fs.String("input", "-", "OpenAPI document (YAML or JSON); - reads stdin")
	output := fs.String("output", "-", "where to write the plugin config; - writes stdout")
	var opt convert.Options
	fs.StringVar(&opt.ServerName, "server-name", "openapi-server", "server.name, also the prefix of the ${ENV} variable names")
	fs.StringVar(&opt.ToolPrefix, "tool-prefix", "", "prefix of every tool name")
	format := fs.String("format", "yaml", "output format: yaml or json")
	tmpl := fs.String("template", "", "YAML patch merged into the result (Higress's --template semantics)")
	validate := fs.Bool("validate", false, "check the result with the plugin's config parser; exit 1 if it fails")
	fs.StringVar(&opt.ServerURL, "server-url", "", "base URL of the tools (default: the document's first server)")
	var vars, include, exclude list
	fs.Var(&vars, "server-var", "name=value for a server variable (repeatable; default: its default)")
	fs.Var(&include, "include", "keep only operations whose operationId or path matches a glob (repeatable, comma-separated)")
	fs.Var(&exclude, "exclude", "drop operations whose operationId or path matches a glob (repeatable, comma-separated)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *format != "yaml" && *format != "json" {
		fmt.Fprintln(stderr, "openapi-to-mcp: --format must be yaml or json")
		return 2
	}
	opt.Include, opt.Exclude = include, exclude
	opt.ServerVars = map[string]string{}
	for _, v := range vars {
		k, val, ok := strings.Cut(v, "=")
		if !ok {
			fmt.Fprintf(stderr, "openapi-to-mcp: --server-var %q: want name=value\n", v)
			return 2
		}
		opt.ServerVars[k] = val
	}
	if err := convertDoc(*input, *output, *format, *tmpl, *validate, opt, stdin, stdout, stderr); err != nil {
		fmt.Fprintln(stderr, "openapi-to-mcp:", err)
		return 1
	}
	return 0
}

func convertDoc(input, output, format, tmpl string, validate bool, opt convert.Options, stdin io.Reader, stdout, stderr io.Writer) error {
	data, err := readInput(input, stdin)
	if err != nil {
		return err
	}
	if tmpl != "" {
		if opt.Template, err = os.ReadFile(tmpl); err != nil {
			return err
		}
	}
	res, err := convert.Convert(data, opt)
	if err != nil {
		return err
	}
	for _, w := range res.Warnings {
		fmt.Fprintln(stderr, "warning:", w)
	}
	if validate {
		if _, err := res.Validate(); err != nil {
			return fmt.Errorf("the result does not pass the plugin's validator: %w", err)
		}
		fmt.Fprintln(stderr, "valid: the plugin's config parser accepts the result")
	}
	out, err := res.YAML()
	if format == "json" {
		out, err = res.JSON()
	}
	if err != nil {
		return err
	}
	if output == "-" {
		_, err = stdout.Write(out)
	} else {
		err = os.WriteFile(output, out, 0o644)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "%d tools, %d warnings\n", len(res.Config.Tools), len(res.Warnings))
	if len(res.Variables) > 0 {
		fmt.Fprintln(stderr, "set these environment variables in the gateway:")
		for _, v := range res.Variables {
			fmt.Fprintf(stderr, "  %s  (%s of scheme %s)\n", v.Name, v.What, v.Scheme)
		}
	}
	return nil
}

func readInput(input string, stdin io.Reader) ([]byte, error) {
	if input == "-" {
		return io.ReadAll(stdin)
	}
	data, err := os.ReadFile(input)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("--input %s: no such file", input)
	}
	return data, err
}
