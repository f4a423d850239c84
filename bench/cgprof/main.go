// Command cgprof turns two callgrind profiles of the bench driver (a shorter
// and a longer run of one plugin instance) into a per-request profile:
// exclusive instructions by function, host calls by name and allocation
// sites, from (long - short) / W where W is the number of requests the long
// run counted more, so start-up cancels. JIT-compiled wasm code, which
// callgrind only knows as addresses, is named from the symbol tables the
// driver writes (-symbols).
//
//	cgprof -window 1200 -top 40 short.out short.sym long.out long.sym
//
// With -annotate DIR it also writes the 3N profile with wasm function names
// filled in (DIR/callgrind.sym.out), for callgrind_annotate.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

func main() {
	window := flag.Int("window", 0, "requests the second profile counted more than the first (2N for N and 3N)")
	top := flag.Int("top", 40, "functions to list")
	annotate := flag.String("annotate", "", "directory for the symbolized 3N profile (callgrind.sym.out)")
	flag.Parse()
	if *window < 1 || flag.NArg() != 4 {
		fmt.Fprintln(os.Stderr, "usage: cgprof -window W [-top K] [-annotate DIR] short.out short.sym long.out long.sym")
		os.Exit(2)
	}
	if err := run(*window, *top, *annotate, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "cgprof:", err)
		os.Exit(1)
	}
}

func run(window, top int, annotate string, args []string) error {
	var profs [2]*profile
	for i := range profs {
		syms, err := loadSymbols(args[2*i+1])
		if err != nil {
			return err
		}
		raw, err := os.ReadFile(args[2*i])
		if err != nil {
			return err
		}
		if profs[i], err = parse(string(raw), syms); err != nil {
			return fmt.Errorf("%s: %w", args[2*i], err)
		}
		if i == 1 && annotate != "" {
			out := filepath.Join(annotate, "callgrind.sym.out")
			if err := os.WriteFile(out, []byte(rename(string(raw), syms)), 0o644); err != nil {
				return err
			}
		}
	}
	report(os.Stdout, diff(profs[0], profs[1], window), top)
	return nil
}

// perRequest is the per-request difference of two profiles.
type perRequest struct {
	self   map[string]float64 // exclusive Ir by function
	calls  map[string]float64 // calls by callee ("host:env.proxy_..." are host calls)
	allocs map[string]float64 // wasm allocation sites: "caller -> runtime entry" by calls
	total  float64
}

func diff(a, b *profile, window int) perRequest {
	d := perRequest{self: map[string]float64{}, calls: map[string]float64{}, allocs: map[string]float64{}}
	div := float64(window)
	for k, v := range b.self {
		d.self[k] = float64(v-a.self[k]) / div
	}
	for k, v := range a.self {
		if _, ok := b.self[k]; !ok {
			d.self[k] = -float64(v) / div
		}
	}
	for k, v := range b.calls {
		d.calls[k] = float64(v-a.calls[k]) / div
	}
	for e, v := range b.edges {
		if per := float64(v-a.edges[e]) / div; per >= 0.5 && isAlloc(e[1]) && !isAlloc(e[0]) {
			d.allocs[strings.TrimPrefix(e[0], "wasm:")+" -> "+strings.TrimPrefix(e[1], "wasm:runtime.")] += per
		}
	}
	d.total = float64(b.total-a.total) / div
	return d
}

func report(w *os.File, d perRequest, top int) {
	var wasm, host float64
	groups := map[string]float64{}
	for k, v := range d.self {
		if isWasm(k) {
			wasm += v
			groups[pkgOf(k)] += v
		} else {
			host += v
		}
	}
	fmt.Fprintf(w, "per request: %.0f Ir = wasm code %.0f + host side %.0f\n\n", d.total, wasm, host)
	fmt.Fprintln(w, "wasm code by package (exclusive Ir per request):")
	printTop(w, groups, 15, d.total)
	fmt.Fprintln(w, "\nhost calls per request (wasm -> proxytest host):")
	hc := map[string]float64{}
	for k, v := range d.calls {
		if strings.HasPrefix(k, "host:env.") && v >= 0.5 {
			hc[strings.TrimPrefix(k, "host:env.")] = v
		}
	}
	printTop(w, hc, 30, 0)
	fmt.Fprintln(w, "\nwasm allocation sites per request (caller -> runtime allocator, calls):")
	printTop(w, d.allocs, 25, 0)
	fmt.Fprintln(w, "\ntop functions (exclusive Ir per request; [w] = wasm code):")
	printTop(w, d.self, top, d.total)
}

func printTop(w *os.File, m map[string]float64, top int, total float64) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return m[keys[i]] > m[keys[j]] || (m[keys[i]] == m[keys[j]] && keys[i] < keys[j]) })
	for i, k := range keys {
		if i == top {
			break
		}
		tag := "   "
		if isWasm(k) && total > 0 {
			tag = "[w]"
		}
		if total > 0 {
			fmt.Fprintf(w, "%10.0f %5.1f%% %s %s\n", m[k], 100*m[k]/total, tag, short(k))
		} else {
			fmt.Fprintf(w, "%10.1f  %s\n", m[k], short(k))
		}
	}
}

var (
	shapeRE   = regexp.MustCompile(`_go\.shape\..*?_\.`)
	shortRepl = strings.NewReplacer(
		"github.com_mcp_rest_bridge_mcp_rest_bridge_", "mcp-rest-bridge/",
		"github.com_higress_group_proxy_wasm_go_sdk_", "proxy-wasm-go-sdk/",
		"github.com_higress_group_wasm_go_pkg_", "wasm-go/",
		"github.com_tidwall_", "tidwall/",
		"github.com/tetratelabs/wazero/internal/", "wazero/",
	)
)

// short makes mangled wasm names readable: known module prefixes shortened,
// generic shape arguments elided.
func short(name string) string {
	return shortRepl.Replace(shapeRE.ReplaceAllString(name, "[…]."))
}

// isAlloc: the wasm runtime's allocating entry points.
func isAlloc(name string) bool {
	switch strings.TrimPrefix(name, "wasm:runtime.") {
	case "mallocgc", "newobject", "makeslice", "growslice", "rawstring", "rawbyteslice", "rawruneslice",
		"makemap", "makemap_small", "convTstring", "convTslice", "convT", "convT64", "convT32", "convT16",
		"concatstrings", "slicebytetostring", "stringtoslicebyte", "makeslicecopy", "newarray":
		return strings.HasPrefix(name, "wasm:runtime.")
	}
	return false
}

// isWasm: a symbolized guest function or an unnamed JIT address.
func isWasm(name string) bool {
	return strings.HasPrefix(name, "wasm:") || strings.HasPrefix(name, "0x")
}

// pkgOf groups a Go function's wasm symbol by package. Go mangles import paths
// in the name section ("github.com_tidwall_gjson.Result.Get"); runtime
// allocation, GC and memory moves stay apart from the rest of runtime.
func pkgOf(name string) string {
	s := strings.TrimPrefix(name, "wasm:")
	if strings.HasPrefix(s, "0x") {
		return "(unnamed JIT code)"
	}
	for _, p := range []string{"mallocgc", "gc", "scan", "mark", "grey", "wbBuf", "bulkBarrier", "findObject", "tryDeferToSpanScan", "memclr", "memmove"} {
		if strings.HasPrefix(s, "runtime."+p) {
			return "runtime: malloc/GC/memmove"
		}
	}
	skip := 0
	if i, j := strings.IndexByte(s, '.'), strings.IndexByte(s, '_'); j > i && i > 0 && !strings.HasPrefix(s, "runtime.") {
		skip = i + 1 // a domain ("github.com_"): the package ends at the next dot
	}
	if i := strings.IndexByte(s[skip:], '.'); i >= 0 {
		return s[:skip+i]
	}
	return s
}
