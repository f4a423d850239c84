// Command traceback prints what depends on runtime.findfunctab: stack traces
// through nested calls, methods and closures, a recovered panic's stack and
// the caller of each frame, after garbage collections that walk every stack.
package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
)

type walker struct{ depth int }

func (w *walker) down(n int, f func() string) string {
	if n == 0 {
		return f()
	}
	keep := make([]byte, 64*n) // stack objects the collector has to find
	s := w.down(n-1, f)
	return s + fmt.Sprint(len(keep) > 0)[:0]
}

func frames() string {
	runtime.GC()
	pcs := make([]uintptr, 64)
	n := runtime.Callers(1, pcs)
	var b strings.Builder
	it := runtime.CallersFrames(pcs[:n])
	for {
		f, more := it.Next()
		fmt.Fprintf(&b, "%s:%d\n", f.Function, f.Line)
		if !more {
			return b.String()
		}
	}
}

func recovered() (out string) {
	defer func() {
		if r := recover(); r != nil {
			// Keep function names only: argument values and PCs differ per build.
			for _, line := range strings.Split(string(debug.Stack()), "\n") {
				if i := strings.IndexByte(line, '('); i > 0 && !strings.HasPrefix(line, "\t") {
					out += line[:i] + "\n"
				}
			}
			out = fmt.Sprintf("recovered %v\n%s", r, out)
		}
	}()
	var m map[string]int
	m["x"]++ // nil map write: a runtime panic
	return ""
}

func main() {
	w := &walker{}
	fmt.Print(w.down(20, frames))
	fmt.Print(w.down(3, recovered))
	for i := 0; i < 3; i++ {
		_ = make([]byte, 1<<20)
		runtime.GC()
	}
	fmt.Fprintln(os.Stdout, "done")
}
