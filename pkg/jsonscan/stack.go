package jsonscan

// smallStack is a stack whose first elements live inside the scanner
// value, so a usual body is scanned without any allocation. (A slice stored
// through the *scanner would move its backing array to the heap: Go's escape
// analysis treats every store through a pointer as escaping.)
type smallStack[T any] struct {
	fixed [16]T // enough for a usual tools/call: depth ~5, ~13 open member names
	more  []T   // elements beyond fixed, only for deep or wide bodies
	n     int
}

func (s *smallStack[T]) push(v T) {
	if s.n < len(s.fixed) {
		s.fixed[s.n] = v
	} else {
		s.more = append(s.more, v)
	}
	s.n++
}

// at returns a pointer to element i (0 = bottom).
func (s *smallStack[T]) at(i int) *T {
	if i < len(s.fixed) {
		return &s.fixed[i]
	}
	return &s.more[i-len(s.fixed)]
}

// truncate drops the elements from index n on. Dropped elements of fixed
// are not cleared: the scanner lives for one Message call.
func (s *smallStack[T]) truncate(n int) {
	if n <= len(s.fixed) {
		s.more = s.more[:0]
	} else {
		s.more = s.more[:n-len(s.fixed)]
	}
	s.n = n
}
