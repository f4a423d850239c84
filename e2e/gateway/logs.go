package gateway

import (
	"bytes"
	"context"
	"log"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// LogEntry is one line the gateway saw or wrote.
type LogEntry struct {
	Source string // "plugin" (proxy_log), "wasm-stdout", "wasm-stderr", "gateway", "emulator"
	Level  string // trace, debug, info, warn, error, critical
	Msg    string
}

// DefaultLogHistory is Config.LogHistory's default.
const DefaultLogHistory = 20000

type logSink struct {
	mu sync.Mutex
	// ring holds the newest entries for Logs: next is where the next one goes, and the ring is
	// full (oldest at next) once it has wrapped. A long-running gateway writes one access line
	// per request, so keeping every entry grows without bound.
	ring     []LogEntry
	next     int
	wrapped  bool
	logger   *slog.Logger
	minLevel uint32 // plugin logs below it are kept for Logs but not written to logger
	// While holding (plugin start), entries are kept in held instead of being written: a failed
	// start is reported once, by the error New returns, not by every line the plugin and its
	// wrapper log about it.
	holding bool
	held    []LogEntry
}

func newLogSink(logger *slog.Logger, minLevel uint32, history int) *logSink {
	return &logSink{logger: logger, minLevel: minLevel, ring: make([]LogEntry, history)}
}

func (s *logSink) add(e LogEntry) {
	if e.Source == "plugin" {
		e.Msg = stripLogPrefix(e.Msg)
	}
	s.mu.Lock()
	s.ring[s.next] = e
	if s.next++; s.next == len(s.ring) {
		s.next, s.wrapped = 0, true
	}
	if s.holding {
		s.held = append(s.held, e)
		s.mu.Unlock()
		return
	}
	s.mu.Unlock()
	s.write(e)
}

func (s *logSink) write(e LogEntry) {
	if e.Source == "plugin" && logLevels[e.Level] < s.minLevel {
		return
	}
	s.logger.Log(context.Background(), slogLevel(e.Level), e.Msg, "source", e.Source, "level", e.Level)
}

// hold starts keeping entries back; release ends it, writing them when write is true.
func (s *logSink) hold() {
	s.mu.Lock()
	s.holding, s.held = true, nil
	s.mu.Unlock()
}

func (s *logSink) release(write bool) {
	s.mu.Lock()
	held := s.held
	s.holding, s.held = false, nil
	s.mu.Unlock()
	for _, e := range held {
		if write {
			s.write(e)
		}
	}
}

// stripLogPrefix removes the "[plugin] [route] [service] " prefix the wasm-go log package puts
// on every line when it names nothing ("[nil]"), as at plugin start: the log record already
// says it comes from the plugin.
func stripLogPrefix(msg string) string {
	rest := msg
	for i := 0; i < 3; i++ {
		if !strings.HasPrefix(rest, "[") {
			return msg
		}
		end := strings.Index(rest, "] ")
		if end < 0 {
			return msg
		}
		if i > 0 && rest[:end+1] != "[nil]" {
			return msg
		}
		rest = rest[end+2:]
	}
	return rest
}

// snapshot returns the entries in the ring, oldest first.
func (s *logSink) snapshot() []LogEntry {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.wrapped {
		return append([]LogEntry(nil), s.ring[:s.next]...)
	}
	return append(append(make([]LogEntry, 0, len(s.ring)), s.ring[s.next:]...), s.ring[:s.next]...)
}

func slogLevel(l string) slog.Level {
	switch l {
	case "trace", "debug":
		return slog.LevelDebug
	case "info":
		return slog.LevelInfo
	case "warn":
		return slog.LevelWarn
	default:
		return slog.LevelError
	}
}

// writerSink turns a guest's stdout or stderr into log entries, one per line. The Go runtime
// prints a line in pieces (a gctrace line or a panic's stack frame is a dozen writes), so the
// start of a line waits for its end; an unfinished line longer than maxPartialLine is logged
// as it is, so a guest that never writes a newline cannot grow the buffer.
type writerSink struct {
	sink   *logSink
	source string
	level  string

	mu      sync.Mutex // a VM runs one call at a time; kept in case a host calls it otherwise
	partial []byte
}

const maxPartialLine = 16 << 10

func newWriterSink(sink *logSink, source, level string) *writerSink {
	return &writerSink{sink: sink, source: source, level: level}
}

func (w *writerSink) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.partial = append(w.partial, p...)
	rest := w.partial
	for {
		line, after, ok := bytes.Cut(rest, []byte("\n"))
		if !ok {
			break
		}
		w.line(line)
		rest = after
	}
	if len(rest) > maxPartialLine {
		w.line(rest)
		rest = nil
	}
	w.partial = w.partial[:copy(w.partial, rest)] // the unfinished line, moved to the front
	return len(p), nil
}

func (w *writerSink) line(b []byte) {
	if len(b) > 0 {
		w.sink.add(LogEntry{Source: w.source, Level: w.level, Msg: string(b)})
	}
}

// proxytest writes to the standard library logger: every proxy_log call ("proxy_info_log: ..."),
// for each DispatchHttpCall the upstream, timeout, headers and body (which carry credentials for
// token endpoints), and Redis queries and passwords. Gateways own that logger while one exists:
// lines written during a call into a VM belong to that VM's host (activeHost, set under
// proxytest's lock): plugin lines become its gateway's LogEntry values in their real order,
// callout lines are parsed for the timeout and otherwise dropped. Anything else is kept as an
// "emulator" entry of the last gateway opened.
var (
	stdLogOnce   sync.Once
	activeSink   atomic.Pointer[logSink]
	activeHost   atomic.Pointer[host]
	stdLogFilter = &stdLogWriter{}
)

func installStdLogFilter(s *logSink) {
	stdLogOnce.Do(func() {
		log.SetFlags(0)
		log.SetPrefix("")
		log.SetOutput(stdLogFilter)
	})
	activeSink.Store(s)
}

type stdLogWriter struct{}

func (stdLogWriter) Write(p []byte) (int, error) {
	h := activeHost.Load()
	s := activeSink.Load()
	if h != nil {
		s = h.sink
	}
	if s == nil {
		return len(p), nil
	}
	line := string(bytes.TrimSuffix(p, []byte("\n")))
	switch {
	case strings.HasPrefix(line, "proxy_"):
		if level, msg, ok := strings.Cut(strings.TrimPrefix(line, "proxy_"), "_log: "); ok {
			s.add(LogEntry{Source: "plugin", Level: level, Msg: msg})
			return len(p), nil
		}
	case strings.HasPrefix(line, "[http callout to "):
		if _, t, ok := strings.Cut(line, "] timeout: "); ok && h != nil {
			if n, err := strconv.ParseUint(t, 10, 32); err == nil {
				h.calloutTimeouts[h.calloutsSeen] = uint32(n) // under proxytest's lock
			}
			h.calloutsSeen++
		}
		return len(p), nil // headers, body, trailers: never logged
	case strings.HasPrefix(line, "[redis "), strings.HasPrefix(line, "[foreign call]"):
		return len(p), nil
	}
	s.add(LogEntry{Source: "emulator", Level: "warn", Msg: line})
	return len(p), nil
}
