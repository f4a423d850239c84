package convert

import (
	"fmt"
	"sort"

	"github.com/pb33f/libopenapi/orderedmap"
)

func toString(v any) string { return fmt.Sprint(v) }

// orderedKeys lists an ordered map's keys in document order.
func orderedKeys[V any](m *orderedmap.Map[string, V]) []string {
	var out []string
	for k := range m.KeysFromOldest() {
		out = append(out, k)
	}
	return out
}

// sortedOrderedKeys lists an ordered map's keys sorted, so that "the first 2xx response" does not
// depend on the order a document lists its responses in.
func sortedOrderedKeys[V any](m *orderedmap.Map[string, V]) []string {
	out := orderedKeys(m)
	sort.Strings(out)
	return out
}
