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
	"net/http"
	"os"
	"time"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/internal/corpus"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/internal/testutil"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	var err error
	switch os.Args[1] {
	case "fetch":
		err = fetch(os.Args[2:])
	case "check":
		err = check()
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: corpusctl fetch [-base URL] [-dir DIR] | corpusctl check")
	os.Exit(2)
}

func fetch(args []string) error {
	fs := flag.NewFlagSet("fetch", flag.ExitOnError)
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
	fmt.Printf("compat-corpus: %s %d configs of %s@%.9s in %s (sha256 verified)\n",
		verb, len(corpus.Manifest()), corpus.Repo, corpus.Commit, *dir)
	return nil
}

// check prints the hint when no corpus is found; the tests themselves skip (or, with
// HIGRESS_CONFIGS_REQUIRED=1, fail), but `go test` shows a skip reason only with -v.
func check() error {
	root, err := testutil.RepoRoot()
	if err != nil {
		return err
	}
	switch _, err := corpus.Locate(root); {
	case errors.Is(err, corpus.ErrNotFound):
		fmt.Println(corpus.Hint)
	case err != nil:
		return err
	}
	return nil
}
