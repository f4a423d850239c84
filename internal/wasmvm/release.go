package wasmvm

import (
	"fmt"
	"reflect"
	"strings"
	"sync"
	"unsafe"

	"github.com/higress-group/proxy-wasm-go-sdk/proxywasm/proxytest"
)

// proxytest's host emulator is made for one-shot tests and never forgets anything: each HTTP
// stream's state (headers cloned by cloneWithLowerCaseMapKeys, bodies and local replies, which
// CopyHostReads makes copies of) stays in httpHostEmulator.httpStreams after
// CompleteHttpContext, every proxy_log line is appended to rootHostEmulator.logs, and a
// stream's entry in the callout maps outlives its callouts. A host that serves many streams
// (the e2e gateway, the bench driver) grows by about 1 KB per request. The emulator has no API
// to drop that state, so ReleaseStream and DropLogs reach its fields by name through reflect
// (the SDK version is pinned in go.mod). The field paths are resolved and type-checked once:
// if a new SDK renames or retypes one, every call returns the same error instead of touching
// the wrong memory, and TestReleaseStream fails.

// The emulator's fields ReleaseStream and DropLogs change, as paths from *hostEmulator.
var emulatorFields = []struct {
	name string   // for errors and the index
	path []string // embedded pointer fields, then the field
	kind reflect.Kind
}{
	{"httpStreams", []string{"httpHostEmulator", "httpStreams"}, reflect.Map},
	{"httpContextIDToCalloutInfos", []string{"rootHostEmulator", "httpContextIDToCalloutInfos"}, reflect.Map},
	{"redisContextIDToCalloutInfos", []string{"rootHostEmulator", "redisContextIDToCalloutInfos"}, reflect.Map},
	{"httpCalloutIDToContextID", []string{"rootHostEmulator", "httpCalloutIDToContextID"}, reflect.Map},
	{"redisCalloutIDToContextID", []string{"rootHostEmulator", "redisCalloutIDToContextID"}, reflect.Map},
	{"logs", []string{"rootHostEmulator", "logs"}, reflect.Array},
}

var (
	fieldsOnce  sync.Once
	fieldsIndex map[string][]int // name -> reflect index path (pointers dereferenced on the way)
	fieldsErr   error
)

// resolveFields finds the field paths in emu's dynamic type and checks their types: maps keyed
// by a context or callout id (uint32), logs an array of string lists.
func resolveFields(emu proxytest.HostEmulator) (map[string][]int, error) {
	fieldsOnce.Do(func() {
		t := reflect.TypeOf(emu)
		if t == nil || t.Kind() != reflect.Pointer || t.Elem().Kind() != reflect.Struct {
			fieldsErr = fmt.Errorf("wasmvm: host emulator %T is not a pointer to a struct", emu)
			return
		}
		index := map[string][]int{}
		for _, ef := range emulatorFields {
			var idx []int
			ft := t.Elem()
			for i, name := range ef.path {
				if i > 0 {
					if ft.Kind() != reflect.Pointer || ft.Elem().Kind() != reflect.Struct {
						fieldsErr = fmt.Errorf("wasmvm: proxytest emulator field %s is %s, want a pointer to a struct", ef.path[i-1], ft)
						return
					}
					ft = ft.Elem()
				}
				f, ok := ft.FieldByName(name)
				if !ok {
					fieldsErr = fmt.Errorf("wasmvm: proxytest emulator has no field %s", strings.Join(ef.path, "."))
					return
				}
				idx, ft = append(idx, f.Index...), f.Type
			}
			ok := ft.Kind() == ef.kind
			if ok && ef.kind == reflect.Map {
				ok = ft.Key().Kind() == reflect.Uint32
			}
			if ok && ef.kind == reflect.Array {
				ok = ft.Elem() == reflect.TypeOf([]string(nil))
			}
			if !ok {
				fieldsErr = fmt.Errorf("wasmvm: proxytest emulator field %s is %s, not the expected %s", strings.Join(ef.path, "."), ft, ef.kind)
				return
			}
			index[ef.name] = idx
		}
		fieldsIndex = index
	})
	return fieldsIndex, fieldsErr
}

// field returns the (unexported) field at path in *emu, made settable. path is a reflect index
// path through embedded pointers, as FieldByName returns it for each step.
func field(emu reflect.Value, path []int) reflect.Value {
	v := emu.Elem()
	for _, idx := range path {
		if v.Kind() == reflect.Pointer {
			v = v.Elem()
		}
		v = v.Field(idx)
	}
	return reflect.NewAt(v.Type(), unsafe.Pointer(v.UnsafeAddr())).Elem()
}

// ReleaseStream drops what the emulator keeps of HTTP stream id: its headers, bodies, local
// reply and action, and its entries in the callout maps (callouts it dispatched that were never
// answered are forgotten, as Envoy cancels them when it destroys the stream). Call it after
// CompleteHttpContext (and, without Options.EnvoyStreamEnd, DeleteContext), under the
// emulator's lock (Host.Do): afterwards the emulator no longer knows the stream, and any call
// naming it (GetSentLocalResponse, CallOnRequestBody, ...) fails as for an unknown id.
func ReleaseStream(emu proxytest.HostEmulator, id uint32) error {
	f, err := resolveFields(emu)
	if err != nil {
		return err
	}
	v := reflect.ValueOf(emu)
	key := reflect.ValueOf(id)
	for _, name := range []string{"httpStreams", "httpContextIDToCalloutInfos", "redisContextIDToCalloutInfos"} {
		field(v, f[name]).SetMapIndex(key, reflect.Value{})
	}
	for _, name := range []string{"httpCalloutIDToContextID", "redisCalloutIDToContextID"} {
		m := field(v, f[name])
		for it := m.MapRange(); it.Next(); {
			if uint32(it.Value().Uint()) == id {
				m.SetMapIndex(it.Key(), reflect.Value{}) // deleting during range is allowed
			}
		}
	}
	return nil
}

// DropLogs empties the emulator's per-level lists of proxy_log lines (GetInfoLogs and the
// others then start again from nothing). proxytest also writes each line to the standard
// logger, which is where a long-running host reads them. Call it under the emulator's lock.
func DropLogs(emu proxytest.HostEmulator) error {
	f, err := resolveFields(emu)
	if err != nil {
		return err
	}
	logs := field(reflect.ValueOf(emu), f["logs"])
	for i := range logs.Len() {
		logs.Index(i).SetZero()
	}
	return nil
}
