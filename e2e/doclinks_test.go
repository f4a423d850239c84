package e2e_test

import (
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// The documents a user reads. A link in them must reach a file of this repository (a user's
// clone has nothing beside it, such as ../shared) and, with a #fragment, a heading of that file.
var docGlobs = []string{"../*.md", "../docs/*.md", "../e2e/*.md", "../bench/*.md"}

// TestDocLinks checks every relative link of the user documents.
func TestDocLinks(t *testing.T) {
	var files []string
	for _, g := range docGlobs {
		m, err := filepath.Glob(g)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) < 5 {
		t.Fatalf("found %d documents (%v): wrong working directory?", len(files), files)
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if f, err = filepath.Abs(f); err != nil {
			t.Fatal(err)
		}
		text, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, bad := range brokenLinks(root, f, string(text), readFile) {
			t.Errorf("%s: %s", f, bad)
		}
	}
}

// TestBrokenLinks: the checker finds each kind of broken link, and only those.
func TestBrokenLinks(t *testing.T) {
	files := map[string]string{
		"/r/docs/a.md": "# Title\n\n## What is `redacted`, and why\n\n```\n# not a heading\n```\n",
		"/r/README.md": "",
	}
	read := func(p string) (string, bool) { s, ok := files[p]; return s, ok }
	doc := "[ok](docs/a.md) [anchor](docs/a.md#what-is-redacted-and-why) [self](#top) " +
		"[web](https://example.com/x) [mail](mailto:a@b.c) [dir](docs/a.md#title)\n" +
		"[gone](docs/b.md) [outside](../shared/higress-configs/x.yaml) [no heading](docs/a.md#not-a-heading)\n\n# Top\n"
	got := brokenLinks("/r", "/r/README.md", doc, read)
	want := []string{
		"docs/b.md: no such file in the repository",
		"../shared/higress-configs/x.yaml: outside the repository",
		"docs/a.md#not-a-heading: no such heading",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("brokenLinks = %q, want %q", got, want)
	}
}

func readFile(p string) (string, bool) {
	b, err := os.ReadFile(p)
	return string(b), err == nil
}

var (
	mdLink    = regexp.MustCompile(`\]\(([^)\s]+)\)`)
	mdHeading = regexp.MustCompile(`(?m)^#{1,6} +(.+?) *$`)
	notSlug   = regexp.MustCompile(`[^\p{L}\p{N} _-]`)
)

// brokenLinks lists the relative links of doc (the text of file, under root) whose file does not
// exist, lies outside root, or lacks the linked heading.
func brokenLinks(root, file, doc string, read func(string) (string, bool)) []string {
	var out []string
	for _, m := range mdLink.FindAllStringSubmatch(doc, -1) {
		link := m[1]
		if strings.Contains(link, "://") || strings.HasPrefix(link, "mailto:") {
			continue
		}
		target, frag, _ := strings.Cut(link, "#")
		p := file
		if target != "" {
			p = filepath.Join(filepath.Dir(file), target)
		}
		if rel, err := filepath.Rel(root, p); err != nil || strings.HasPrefix(rel, "..") {
			out = append(out, link+": outside the repository")
			continue
		}
		text, ok := doc, true
		if target != "" {
			text, ok = read(p)
		}
		if !ok {
			if _, err := os.Stat(p); err == nil && target != "" && frag == "" {
				continue // a directory or a non-text file
			}
			out = append(out, link+": no such file in the repository")
			continue
		}
		if frag != "" && !hasHeading(text, frag) {
			out = append(out, link+": no such heading")
		}
	}
	return out
}

// hasHeading reports whether text has a heading whose GitHub anchor is frag: lowercased,
// punctuation dropped, spaces made hyphens. Lines inside code fences are not headings.
func hasHeading(text, frag string) bool {
	var prose strings.Builder
	fenced := false
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(line, "```") {
			fenced = !fenced
			continue
		}
		if !fenced {
			prose.WriteString(line + "\n")
		}
	}
	for _, m := range mdHeading.FindAllStringSubmatch(prose.String(), -1) {
		slug := strings.ReplaceAll(notSlug.ReplaceAllString(strings.ToLower(m[1]), ""), " ", "-")
		if slug == frag {
			return true
		}
	}
	return false
}
