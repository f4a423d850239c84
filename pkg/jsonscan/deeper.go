package jsonscan

// Deeper reports whether b, read as JSON, opens more than limit levels of
// objects and arrays at some point. It does not validate: it counts brackets
// outside strings, which bounds what any recursive JSON parser (gjson's
// validator, structuredContent, response templates) would descend into,
// whether b is valid JSON or only starts like it. Used on bodies this plugin
// does not control: REST responses, and the configuration before it is parsed.
func Deeper(b []byte, limit int) bool {
	if len(b) <= limit {
		return false // more than limit levels need more than limit bytes
	}
	depth := 0
	for i := 0; i < len(b); i++ {
		switch b[i] {
		case '{', '[':
			depth++
			if depth > limit {
				return true
			}
		case '}', ']':
			if depth > 0 {
				depth--
			}
		case '"':
			i = stringEnd(b, i)
		}
	}
	return false
}

// stringEnd returns the index of the quote closing the string opened at
// b[i], or len(b) when it is not closed.
func stringEnd(b []byte, i int) int {
	for i++; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return i
		}
	}
	return len(b)
}
