// Command yaml2json prints a plugin config (YAML) as the JSON a gateway hands
// the plugin, keeping key order; `make v8` gives the V8 runner (e2e/v8) its
// config through it.
package main

import (
	"fmt"
	"os"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/internal/testutil"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: yaml2json config.yaml")
		os.Exit(2)
	}
	out, err := testutil.YAMLFileToJSON(os.Args[1])
	if err == nil {
		_, err = os.Stdout.Write(append(out, '\n'))
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "yaml2json:", err)
		os.Exit(1)
	}
}
