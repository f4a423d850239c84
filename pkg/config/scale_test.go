package config

import (
	"encoding/json"
	"runtime"
	"strconv"
	"testing"
)

// catalogOf returns large-catalog.yaml with its 60 tools repeated under new names until it has
// n tools (a multiple of 60): the tool mix of a large real catalog at any size.
func catalogOf(t testing.TB, n int) []byte {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(yamlConfig(t, "large-catalog.yaml"), &doc); err != nil {
		t.Fatal(err)
	}
	base := doc["tools"].([]any)
	tools := make([]any, 0, n)
	for copyNo := 0; len(tools) < n; copyNo++ {
		for _, bt := range base {
			var tool map[string]any
			raw, _ := json.Marshal(bt)
			if err := json.Unmarshal(raw, &tool); err != nil {
				t.Fatal(err)
			}
			if copyNo > 0 {
				tool["name"] = tool["name"].(string) + "_c" + strconv.Itoa(copyNo)
			}
			tools = append(tools, tool)
		}
	}
	doc["tools"] = tools
	out, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// parseCost is what one Parse of data allocates: objects and bytes. Both are counts, not
// times, so the test holds on a loaded machine.
func parseCost(t *testing.T, data []byte) (mallocs, bytes uint64) {
	t.Helper()
	if _, err := Parse(data, secretEnv); err != nil { // warm: one-time set-ups (template function names) not counted
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	if _, err := Parse(data, secretEnv); err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	return after.Mallocs - before.Mallocs, after.TotalAlloc - before.TotalAlloc
}

// TestParseScalesLinearly pins plugin start's parse and compile to a cost per tool: ten times
// the tools may cost at most 10.5 times the allocations (what is shared by all tools only
// shrinks the ratio), and a tool of this catalog at most 16 KiB of allocation (it was 83 KiB
// while gjson_template built its function map for every template: garbage that the Wasm VM's GC
// then scans the whole live configuration to collect, which made start superlinear there).
func TestParseScalesLinearly(t *testing.T) {
	if testing.Short() {
		t.Skip("parses 1,320 tools")
	}
	small, large := catalogOf(t, 120), catalogOf(t, 1200)
	sm, sb := parseCost(t, small)
	lm, lb := parseCost(t, large)
	t.Logf("120 tools: %d allocations, %d bytes; 1,200 tools: %d allocations, %d bytes (%d bytes per tool)", sm, sb, lm, lb, lb/1200)
	if float64(lm) > 10.5*float64(sm) || float64(lb) > 10.5*float64(sb) {
		t.Errorf("10x the tools cost %.2fx the allocations and %.2fx the bytes, want at most 10.5x",
			float64(lm)/float64(sm), float64(lb)/float64(sb))
	}
	if perTool := lb / 1200; perTool > 16<<10 {
		t.Errorf("%d bytes allocated per tool, want at most 16 KiB", perTool)
	}
}
