package security

// Character classes, as 256-entry tables so the per-request checks are one load per byte.
var (
	token68Chars = charTable(func(c byte) bool { // RFC 9110 token68, without the trailing '='
		return isAlnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/'
	})
	cookieOctets = charTable(func(c byte) bool { // RFC 6265 cookie-octet
		return c == 0x21 || (c >= 0x23 && c <= 0x2B) || (c >= 0x2D && c <= 0x3A) ||
			(c >= 0x3C && c <= 0x5B) || (c >= 0x5D && c <= 0x7E)
	})
	visibleChars = charTable(func(c byte) bool { return c >= 0x21 && c <= 0x7E }) // VCHAR
	b64Values    = base64Table()
)

func charTable(ok func(byte) bool) (t [256]bool) {
	for i := 0; i < 256; i++ {
		t[i] = ok(byte(i))
	}
	return t
}

func base64Table() (t [256]int8) {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	for i := range t {
		t[i] = -1
	}
	for i := 0; i < len(alphabet); i++ {
		t[alphabet[i]] = int8(i)
	}
	return t
}

func isAlnum(c byte) bool {
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
}

func containsByte(s string, c byte) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return true
		}
	}
	return false
}

// allIn reports whether s is non-empty and every byte of s is in the class.
func allIn(s string, class *[256]bool) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !class[s[i]] {
			return false
		}
	}
	return true
}

// isToken68 reports whether s is a token68: 1*(ALPHA / DIGIT / "-._~+/") *"=".
func isToken68(s string) bool {
	i := 0
	for i < len(s) && token68Chars[s[i]] {
		i++
	}
	if i == 0 {
		return false
	}
	for i < len(s) && s[i] == '=' {
		i++
	}
	return i == len(s)
}

// hasCTL reports whether s contains a control character (0x00-0x1F, 0x7F).
func hasCTL(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] == 0x7F {
			return true
		}
	}
	return false
}

// isBasicToken reports whether tok is canonical, padded standard base64 (what
// base64.StdEncoding.Strict() accepts, minus its tolerance of CR/LF) of "user:pass": at least
// one ':' and no control characters (RFC 7617). It decodes in place without allocating.
func isBasicToken(tok string) bool {
	if len(tok) == 0 || len(tok)%4 != 0 {
		return false
	}
	colon := false
	for i := 0; i < len(tok); i += 4 {
		n, pad, ok := decodeQuantum(tok[i:i+4], i+4 == len(tok))
		if !ok {
			return false
		}
		b := [3]byte{byte(n >> 16), byte(n >> 8), byte(n)}
		for _, c := range b[:3-pad] {
			if c < 0x20 || c == 0x7F {
				return false
			}
			colon = colon || c == ':'
		}
	}
	return colon
}

// decodeQuantum decodes four base64 characters into 24 bits; '=' padding is allowed only in
// the last quantum, only in its last two places, and the padded-out bits must be zero.
func decodeQuantum(q string, last bool) (n uint32, pad int, ok bool) {
	for j := 0; j < 4; j++ {
		c := q[j]
		if c == '=' {
			if !last || j < 2 {
				return 0, 0, false
			}
			pad++
			n <<= 6
			continue
		}
		d := b64Values[c]
		if d < 0 || pad > 0 {
			return 0, 0, false
		}
		n = n<<6 | uint32(d)
	}
	if (pad == 1 && n&0xFF != 0) || (pad == 2 && n&0xFFFF != 0) {
		return 0, 0, false
	}
	return n, pad, true
}

// trimOWS removes leading and trailing spaces and tabs.
func trimOWS(s string) string {
	for s != "" && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	for s != "" && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t') {
		s = s[:len(s)-1]
	}
	return s
}

// equalFoldASCII compares s with lower, which must already be lowercase ASCII.
func equalFoldASCII(s, lower string) bool {
	if len(s) != len(lower) {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}
