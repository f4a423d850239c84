package main

import (
	"bufio"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
)

// profile is what cgprof needs from one callgrind.out file.
type profile struct {
	self  map[string]int64    // exclusive Ir by function name
	calls map[string]int64    // call count by callee name
	edges map[[2]string]int64 // call count by caller, callee
	total int64
}

// parse reads the callgrind format (positions: line, events: Ir): name
// compression "(id) name", cost lines "pos cost", and "calls=" lines whose
// next cost line is the inclusive cost of the call (not exclusive cost).
func parse(text string, syms *symtab) (*profile, error) {
	p := &profile{self: map[string]int64{}, calls: map[string]int64{}, edges: map[[2]string]int64{}}
	names := map[string]string{} // "(id)" -> resolved function name
	var fn, cfn string
	afterCalls := false
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "":
		case strings.HasPrefix(line, "fn="):
			fn = resolve(names, line[3:], syms)
		case strings.HasPrefix(line, "cfn="):
			cfn = resolve(names, line[4:], syms)
		case strings.HasPrefix(line, "calls="):
			count, err := strconv.ParseInt(strings.Fields(line[6:])[0], 10, 64)
			if err != nil {
				return nil, fmt.Errorf("bad line %q", line)
			}
			// A host function is called from wasm code. In some runs callgrind also records
			// an entry from wazero's afterGoFunctionCallEntrypoint (the return into the
			// trampoline looks like a call to it), which counted every host call twice.
			if !strings.HasPrefix(cfn, "host:") || strings.HasPrefix(fn, "wasm:") {
				p.calls[cfn] += count
			}
			p.edges[[2]string{fn, cfn}] += count
			afterCalls = true
		case strings.HasPrefix(line, "totals:"):
			t, err := strconv.ParseInt(strings.TrimSpace(line[7:]), 10, 64)
			if err != nil {
				return nil, fmt.Errorf("bad line %q", line)
			}
			p.total = t
		case isCostLine(line):
			if afterCalls {
				afterCalls = false
				continue
			}
			if f := strings.Fields(line); len(f) > 1 {
				v, err := strconv.ParseInt(f[1], 10, 64)
				if err != nil {
					return nil, fmt.Errorf("bad cost line %q", line)
				}
				p.self[fn] += v
			}
		}
	}
	if p.total == 0 {
		return nil, fmt.Errorf("no totals: line (not a finished callgrind profile?)")
	}
	return p, sc.Err()
}

func isCostLine(line string) bool {
	c := line[0]
	return c >= '0' && c <= '9' || c == '+' || c == '-' || c == '*'
}

// resolve handles "(id) name" (defines id) and "(id)" (refers to it).
func resolve(names map[string]string, s string, syms *symtab) string {
	if !strings.HasPrefix(s, "(") {
		return syms.name(s)
	}
	end := strings.IndexByte(s, ')')
	id := s[:end+1]
	if rest := strings.TrimSpace(s[end+1:]); rest != "" {
		names[id] = syms.name(rest)
	}
	return names[id]
}

// rename rewrites the function names of a callgrind file with wasm symbols,
// keeping the file otherwise as callgrind wrote it.
func rename(text string, syms *symtab) string {
	var b strings.Builder
	b.Grow(len(text))
	for _, line := range strings.SplitAfter(text, "\n") {
		for _, key := range []string{"fn=(", "cfn=("} {
			if !strings.HasPrefix(line, key) {
				continue
			}
			if end := strings.IndexByte(line, ')'); end > 0 && strings.HasPrefix(line[end+1:], " 0x") {
				nl := strings.HasSuffix(line, "\n")
				line = line[:end+2] + syms.name(strings.TrimSpace(line[end+2:]))
				if nl {
					line += "\n"
				}
			}
		}
		b.WriteString(line)
	}
	return b.String()
}

// symtab maps JIT addresses to wasm function names (driver -symbols output).
type symtab struct {
	start, size []uint64
	names       []string
}

func loadSymbols(path string) (*symtab, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var syms []sym
	for _, line := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
		f := strings.SplitN(line, " ", 3)
		if len(f) != 3 {
			return nil, fmt.Errorf("%s: bad line %q", path, line)
		}
		a, err1 := strconv.ParseUint(f[0], 16, 64)
		s, err2 := strconv.ParseUint(f[1], 16, 64)
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("%s: bad line %q", path, line)
		}
		syms = append(syms, sym{a, s, f[2]})
	}
	sort.Slice(syms, func(i, j int) bool { return syms[i].start < syms[j].start })
	t := &symtab{}
	for _, s := range syms {
		t.start, t.size, t.names = append(t.start, s.start), append(t.size, s.size), append(t.names, s.name)
	}
	return t, nil
}

type sym struct {
	start, size uint64
	name        string
}

// name returns "wasm:<function>" for an address inside JIT-compiled guest code,
// the bare symbol for wazero's trampolines, else s.
func (t *symtab) name(s string) string {
	if i := strings.LastIndexByte(s, '\''); i > 0 && isDigits(s[i+1:]) {
		s = s[:i] // callgrind's recursion level ("f'2"): count it as f
	}
	if !strings.HasPrefix(s, "0x") {
		return s
	}
	a, err := strconv.ParseUint(s[2:], 16, 64)
	if err != nil {
		return s
	}
	i := sort.Search(len(t.start), func(i int) bool { return t.start[i] > a }) - 1
	if i >= 0 && a < t.start[i]+t.size[i] {
		if n := t.names[i]; strings.HasPrefix(n, "host:") || strings.HasPrefix(n, "wazero.") {
			return n // host-call trampolines and wazero's own stubs: host side
		}
		return "wasm:" + t.names[i]
	}
	return s
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
