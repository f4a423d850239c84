package main

import (
	"encoding/binary"
	"fmt"
	"time"

	"github.com/higress-group/proxy-wasm-go-sdk/proxywasm"
	"github.com/higress-group/wasm-go/pkg/wrapper"
)

// logLevelTTL is how old the guest's reading of Envoy's log level may be when a line is
// decided: a level changed on a running gateway (Envoy's /logging admin endpoint, as
// Higress documents for plugin debugging) applies to this plugin within this time.
const logLevelTTL = time.Second

// hostLog is the plugin's logger (wasm-go's log.Log, installed with wrapper.WithLogger, so
// the wrapper's own lines go through it too). Its lines are wasm-go's DefaultLog's, byte for
// byte and at the same Envoy levels: "[plugin] [plugin id] [x-request-id] message". What
// differs is where the level comes from: DefaultLog asks the host (Higress's get_log_level
// foreign function) on every call, a dropped debug line included, which put one host call on
// every tools/call. hostLog keeps the reading in the guest and reads again only when it is
// older than logLevelTTL as a line is decided, and after every plugin (re)start. The clock
// read that decides it is a WASI call the Go runtime makes many times per request anyway.
type hostLog struct {
	name, id string
	level    wrapper.LogLevel
	readAt   time.Time // zero: read the level at the next line
	// requestID is the x-request-id of the stream whose hook runs ("" outside hooks).
	requestID string
}

var logger = &hostLog{name: pluginName, id: "nil"}

// enabled says whether a line at level reaches Envoy, reading the level when stale.
func (l *hostLog) enabled(level wrapper.LogLevel) bool {
	if t := now(); l.readAt.IsZero() || t.Sub(l.readAt) >= logLevelTTL {
		l.level, l.readAt = envoyLogLevel(), t
	}
	return level >= l.level
}

// forget makes the next line read the level again (plugin start).
func (l *hostLog) forget() { l.readAt = time.Time{} }

// envoyLogLevel is Higress's log level for Wasm; a host without get_log_level (plain Envoy)
// gets every line and filters them itself, as with DefaultLog.
func envoyLogLevel() wrapper.LogLevel {
	v, err := proxywasm.CallForeignFunction("get_log_level", nil)
	if err != nil || len(v) < 4 {
		return wrapper.LogLevelTrace
	}
	return wrapper.LogLevel(binary.LittleEndian.Uint32(v))
}

func (l *hostLog) write(level wrapper.LogLevel, msg string) {
	if l.enabled(level) {
		l.emit(level, msg)
	}
}

// writef formats only a line that is written.
func (l *hostLog) writef(level wrapper.LogLevel, format string, args ...any) {
	if l.enabled(level) {
		l.emit(level, fmt.Sprintf(format, args...))
	}
}

func (l *hostLog) emit(level wrapper.LogLevel, msg string) {
	requestID := l.requestID
	if requestID == "" {
		requestID = "nil"
	}
	msg = "[" + l.name + "] [" + l.id + "] [" + requestID + "] " + msg
	switch level {
	case wrapper.LogLevelTrace:
		proxywasm.LogTrace(msg)
	case wrapper.LogLevelDebug:
		proxywasm.LogDebug(msg)
	case wrapper.LogLevelInfo:
		proxywasm.LogInfo(msg)
	case wrapper.LogLevelWarn:
		proxywasm.LogWarn(msg)
	case wrapper.LogLevelError:
		proxywasm.LogError(msg)
	default:
		proxywasm.LogCritical(msg)
	}
}

func (l *hostLog) Trace(msg string) { l.write(wrapper.LogLevelTrace, msg) }
func (l *hostLog) Tracef(format string, args ...any) {
	l.writef(wrapper.LogLevelTrace, format, args...)
}
func (l *hostLog) Debug(msg string) { l.write(wrapper.LogLevelDebug, msg) }
func (l *hostLog) Debugf(format string, args ...any) {
	l.writef(wrapper.LogLevelDebug, format, args...)
}
func (l *hostLog) Info(msg string)                  { l.write(wrapper.LogLevelInfo, msg) }
func (l *hostLog) Infof(format string, args ...any) { l.writef(wrapper.LogLevelInfo, format, args...) }
func (l *hostLog) Warn(msg string)                  { l.write(wrapper.LogLevelWarn, msg) }
func (l *hostLog) Warnf(format string, args ...any) { l.writef(wrapper.LogLevelWarn, format, args...) }
func (l *hostLog) Error(msg string)                 { l.write(wrapper.LogLevelError, msg) }
func (l *hostLog) Errorf(format string, args ...any) {
	l.writef(wrapper.LogLevelError, format, args...)
}
func (l *hostLog) Critical(msg string) { l.write(wrapper.LogLevelCritical, msg) }
func (l *hostLog) Criticalf(format string, args ...any) {
	l.writef(wrapper.LogLevelCritical, format, args...)
}

// ResetID takes the plugin id Higress puts in the configuration (wasm-go calls it at start).
func (l *hostLog) ResetID(pluginID string) { l.id = pluginID }
