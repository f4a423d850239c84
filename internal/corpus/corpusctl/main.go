// Command corpusctl manages the Higress config corpus of the compatibility tests (see package
// corpus):
//
//	corpusctl fetch [-base URL] [-dir DIR]  download the pinned corpus (make compat-corpus)
//	corpusctl check                         print one line when the tests will skip for want of it
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/internal/corpus"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/internal/testutil"
)

const usage = "usage: corpusctl fetch [-base URL] [-dir DIR] | corpusctl check"

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return errors.New(usage)
	}
	switch args[0] {
	case "fetch":
		return fetch(args[1:], stdout)
	case "check":
		root, err := testutil.RepoRoot()
		if err != nil {
			return err
		}
		return check(root, stdout)
	}
	return errors.New(usage)
}

func fetch(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("fetch", flag.ContinueOnError)
	base := fs.String("base", corpus.RawBase, "raw file server: GET <base>/<repo>/<commit>/<path>")
	dir := fs.String("dir", "", "destination (default: the user cache, where the tests look)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dir == "" {
		d, err := corpus.CacheDir()
		if err != nil {
			return err
		}
		*dir = d
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	n, err := corpus.Fetch(ctx, &http.Client{Timeout: time.Minute}, *base, *dir, corpus.Manifest())
	if err != nil {
		return err
	}
	verb := "fetched"
	if n == 0 {
		verb = "already present:"
	}
	fmt.Fprintf(stdout, "compat-corpus: %s %d configs of %s@%.9s in %s (sha256 verified)\n",
		verb, len(corpus.Manifest()), corpus.Repo, corpus.Commit, *dir)
	return nil
}

// check prints the hint when no corpus is found for the repository at root; the tests
// themselves skip (or, with HIGRESS_CONFIGS_REQUIRED=1, fail), but `go test` shows a skip
// reason only with -v.
func check(root string, stdout io.Writer) error {
	switch _, err := corpus.Locate(root); {
	case errors.Is(err, corpus.ErrNotFound):
		fmt.Fprintln(stdout, corpus.Hint)
	case err != nil:
		return err
	}
	return nil
}
