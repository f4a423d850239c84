package wasmvm

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/tetratelabs/wazero"
)

// sharedCaches are shared by every VM of the process that asks SharedCache for
// the same directory ("" = in memory only), so the plugin is compiled once.
var (
	cachesMu     sync.Mutex
	sharedCaches = map[string]wazero.CompilationCache{}
)

// SharedCache returns the process's compilation cache for dir ("" = in memory
// only). A directory also serves later processes (wazero writes its entries
// atomically, keyed by module hash and wazero version); the first use in a
// process prunes it to the newest keepCacheEntries entries per wazero version.
// Pruning may remove an entry another process is about to load: processes that
// share a directory at the same time (the bench) open it themselves instead.
func SharedCache(dir string) (wazero.CompilationCache, error) {
	cachesMu.Lock()
	defer cachesMu.Unlock()
	if c, ok := sharedCaches[dir]; ok {
		return c, nil
	}
	c := wazero.NewCompilationCache()
	if dir != "" {
		pruneCache(dir, keepCacheEntries)
		var err error
		if c, err = wazero.NewCompilationCacheWithDir(dir); err != nil {
			return nil, fmt.Errorf("compilation cache %s: %w", dir, err)
		}
	}
	sharedCaches[dir] = c
	return c, nil
}

const keepCacheEntries = 6

// pruneCache keeps the newest keep entries of each wazero cache directory under dir: every plugin
// build adds tens of megabytes, and old builds are never needed again.
func pruneCache(dir string, keep int) {
	subdirs, err := os.ReadDir(dir)
	if err != nil {
		return // no cache yet
	}
	for _, sd := range subdirs {
		if !sd.IsDir() {
			continue
		}
		path := filepath.Join(dir, sd.Name())
		entries, err := os.ReadDir(path)
		if err != nil {
			continue
		}
		type file struct {
			name string
			mod  time.Time
		}
		var files []file
		for _, e := range entries {
			if info, err := e.Info(); err == nil && info.Mode().IsRegular() {
				files = append(files, file{e.Name(), info.ModTime()})
			}
		}
		sort.Slice(files, func(i, j int) bool { return files[i].mod.After(files[j].mod) })
		for i, f := range files {
			if i >= keep || (strings.HasSuffix(f.name, ".tmp") && time.Since(f.mod) > time.Hour) {
				_ = os.Remove(filepath.Join(path, f.name)) // best effort; another process may use it
			}
		}
	}
}
