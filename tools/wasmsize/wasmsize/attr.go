package wasmsize

import (
	"sort"
	"strings"
)

// Generated is the package given to functions the compiler or linker makes
// for no one package (equality and hash functions of anonymous types, wasm
// entry and trampoline code).
const Generated = "<generated>"

// ListFormat is the `go list -deps -f` template whose output ParsePackages reads.
const ListFormat = `{{.Name}} {{.ImportPath}} {{with .Module}}{{.Path}}{{end}}`

// Packages maps Go import paths to their module ("" for the standard
// library), from `go list -deps -f ListFormat` of the same build.
type Packages struct {
	module  map[string]string // import path -> module path ("" for std)
	mangled map[string]string // Mangle(import path) -> import path
}

func (p *Packages) index() {
	p.mangled = map[string]string{}
	for path := range p.module {
		p.mangled[Mangle(path)] = path
	}
}

// ParsePackages reads that `go list` output: a package name, its import path
// and its module path (none for the standard library). The linker names the
// main package's symbols "main.", so "main" stands for it too.
func ParsePackages(s string) Packages {
	p := Packages{module: map[string]string{}}
	for _, line := range strings.Split(s, "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		mod := ""
		if len(f) > 2 {
			mod = f[2]
		}
		p.module[f[1]] = mod
		if f[0] == "main" {
			p.module["main"] = mod
		}
	}
	p.index()
	return p
}

// PackageOf tells which Go package a function belongs to, from its name in
// the name section. The Go linker writes symbol names there with every byte
// other than [A-Za-z0-9_.] replaced by '_' ("github.com_tidwall_gjson.Get",
// "net_url.__URL_.String" for net/url.(*URL).String), so known import paths
// are compared in that form: the first (shortest) one the name starts with,
// followed by '.'. Without a match, the name up to its first '.'.
// Type-derived functions ("type_.eq.pkg.T") belong to the type's package.
func (p *Packages) PackageOf(sym string) string {
	if p.mangled == nil {
		p.index()
	}
	for _, pre := range []string{"type_.eq.", "type_.hash."} {
		if rest, ok := strings.CutPrefix(sym, pre); ok {
			sym = strings.TrimLeft(rest, "_0123456789")
		}
	}
	for i := 0; i < len(sym); i++ {
		if sym[i] == '.' {
			if pkg, ok := p.mangled[sym[:i]]; ok {
				return pkg
			}
		}
	}
	dot := strings.IndexByte(sym, '.')
	if dot <= 0 || strings.HasPrefix(sym, "go_") || strings.HasPrefix(sym, "type_") {
		return Generated
	}
	return sym[:dot]
}

// Mangle is the Go linker's rewriting of a symbol name for the wasm name
// section (cmd/link/internal/wasm: nameRegexp `[^\w.]` -> "_").
func Mangle(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !(c == '.' || c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			b[i] = '_'
		}
	}
	return string(b)
}

// ModuleOf tells a package's module: its path from go list, "std" for the Go
// standard library and runtime, Generated for compiler-made code.
func (p Packages) ModuleOf(pkg string) string {
	if pkg == Generated {
		return Generated
	}
	if mod, ok := p.module[pkg]; ok {
		if mod == "" {
			return "std"
		}
		return mod
	}
	// Not in the list: a standard package has no dot in its first element.
	if first, _, _ := strings.Cut(pkg, "/"); !strings.Contains(first, ".") {
		return "std"
	}
	// Longest module path known as a prefix, else the package itself.
	best := ""
	for _, mod := range p.module {
		if mod != "" && len(mod) > len(best) && (pkg == mod || strings.HasPrefix(pkg, mod+"/")) {
			best = mod
		}
	}
	if best != "" {
		return best
	}
	return pkg
}

// Row is one line of a size table.
type Row struct {
	Name  string
	Bytes int
	Funcs int
}

// CodeBy sums function body sizes by key (package or module).
func CodeBy(funcs []Func, key func(Func) string) []Row {
	sums := map[string]*Row{}
	for _, f := range funcs {
		k := key(f)
		r := sums[k]
		if r == nil {
			r = &Row{Name: k}
			sums[k] = r
		}
		r.Bytes += f.Size
		r.Funcs++
	}
	rows := make([]Row, 0, len(sums))
	for _, r := range sums {
		rows = append(rows, *r)
	}
	sortRows(rows)
	return rows
}

// sortRows orders by size, largest first, then by name so output is stable.
func sortRows(rows []Row) {
	sort.Slice(rows, func(i, j int) bool {
		if rows[i].Bytes != rows[j].Bytes {
			return rows[i].Bytes > rows[j].Bytes
		}
		return rows[i].Name < rows[j].Name
	})
}
