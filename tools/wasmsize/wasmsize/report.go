package wasmsize

import (
	"fmt"
	"io"
	"sort"
	"text/tabwriter"
)

var sectionNames = map[byte]string{
	0: "custom", 1: "type", 2: "import", 3: "function", 4: "table", 5: "memory",
	6: "global", 7: "export", 8: "start", 9: "element", 10: "code", 11: "data", 12: "data count",
}

// Report writes the tables: sections, code by module, code by package (top
// rows), largest functions, data by part.
func Report(w io.Writer, path string, m *Module, pkgs *Packages, top, nfuncs int) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	total := float64(m.FileSize)
	pct := func(n int) string { return fmt.Sprintf("%.1f%%", 100*float64(n)/total) }
	fmt.Fprintf(w, "%s: %d bytes (%.2f MB), %d functions, %d data segments\n\n", path, m.FileSize, total/1e6, len(m.Funcs), len(m.Segments))

	fmt.Fprintln(tw, "bytes\tshare\tsection\t")
	for _, s := range m.Sections {
		name := sectionNames[s.ID]
		if s.ID == 0 {
			name = "custom " + s.Name
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t\n", s.Size, pct(s.Size), name)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if !m.HasNames {
		fmt.Fprintln(w, "\nno name section (stripped): code is not attributed; make size reports it for build/go/*.wasm")
	} else {
		pkgOf := func(f Func) string { return pkgs.PackageOf(f.Name) }
		byPkg := CodeBy(m.Funcs, pkgOf)
		byMod := CodeBy(m.Funcs, func(f Func) string { return pkgs.ModuleOf(pkgOf(f)) })
		if err := table(w, "code by module (function bodies; share of the file)", "module", byMod, 0, pct); err != nil {
			return err
		}
		if err := table(w, "code by package", "package", byPkg, top, pct); err != nil {
			return err
		}
		fs := append([]Func(nil), m.Funcs...)
		sort.Slice(fs, func(i, j int) bool {
			if fs[i].Size != fs[j].Size {
				return fs[i].Size > fs[j].Size
			}
			return fs[i].Name < fs[j].Name
		})
		fmt.Fprintf(w, "\nlargest functions\n")
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		for _, f := range fs[:min(nfuncs, len(fs))] {
			fmt.Fprintf(tw, "%d\t%s\t\n", f.Size, f.Name)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	for _, s := range m.Sections {
		if s.ID == 8 && len(m.Segments) == 1 {
			fmt.Fprintln(w, "\ndata section: compressed (wasmsize -slim); its parts are those of the module before")
			return nil
		}
	}
	ranges, err := DataRanges(m.Segments)
	if err != nil {
		fmt.Fprintf(w, "\ndata section: not split (%v)\n", err)
		return nil
	}
	return table(w, "data section by part (segment headers charged to the part they start in)", "part (segments)", DataCost(m.Segments, ranges), 0, pct)
}

func table(w io.Writer, title, what string, rows []Row, top int, pct func(int) string) error {
	fmt.Fprintf(w, "\n%s\n", title)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "bytes\tshare\tcount\t%s\t\n", what)
	shown, rest, restN := rows, 0, 0
	if top > 0 && len(rows) > top {
		shown = rows[:top]
		for _, r := range rows[top:] {
			rest += r.Bytes
			restN += r.Funcs
		}
	}
	sum := 0
	for _, r := range shown {
		fmt.Fprintf(tw, "%d\t%s\t%d\t%s\t\n", r.Bytes, pct(r.Bytes), r.Funcs, r.Name)
		sum += r.Bytes
	}
	if rest > 0 {
		fmt.Fprintf(tw, "%d\t%s\t%d\t(%d more)\t\n", rest, pct(rest), restN, len(rows)-top)
		sum += rest
	}
	fmt.Fprintf(tw, "%d\t%s\t\ttotal\t\n", sum, pct(sum))
	return tw.Flush()
}
